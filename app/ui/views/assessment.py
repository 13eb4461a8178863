"""Vulnerability assessment of a TPS: indicators grouped by variable, a note each, the category."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import finding_text, footer, form_screen, header, keep, section, use_model
from app.ui.state.assessment_form import AssessmentForm
from app.ui.state.correction import REASON_NEEDED
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle
from app.ui.views.correction import final_button, final_note, reason_field
from app.ui.views.record_row import LiveChip
from core.election import Indicator
from core.kerawanan import CATEGORY_NAMES


def _indicator(form: AssessmentForm, ind: Indicator, lang: str) -> list[ft.Control]:
    text = ind.text_en if lang == "en" else ind.text_id
    yes = bool(form.indikator.get(ind.code))
    label = f"{ind.code}. {text}"
    rows: list[ft.Control] = [
        ft.Row(  # the text wraps on a phone; tapping it toggles too
            [
                ft.Checkbox(
                    value=yes,
                    semantics_label=label,
                    disabled=not form.editable,
                    on_change=lambda e: form.set_indicator(ind.code, bool(e.control.value)),
                ),
                ft.Container(
                    ft.Text(label),
                    expand=True,
                    on_click=(lambda: form.set_indicator(ind.code, not yes))
                    if form.editable
                    else None,
                ),
            ]
        )
    ]
    if yes or ind.code in form.catatan:
        rows.append(
            ft.TextField(
                label=t(lang, "optional", label=t(lang, "note", code=ind.code)),
                value=form.catatan.get(ind.code, ""),
                dense=True,
                read_only=not form.editable,
                on_change=lambda e: form.set_note(ind.code, e.control.value or ""),
            )
        )
    return rows


@ft.component
def AssessmentScreen(session: Session, live: SyncHandle) -> ft.Control:
    lang, services = session.lang, session.services
    form = use_model(lambda: AssessmentForm.load(services, session.tps_id))
    result = form.result()
    name = CATEGORY_NAMES[result.category][1 if lang == "en" else 0]
    why = result.why_en if lang == "en" else result.why_id
    groups = [
        section(
            f"{v.code}. {v.name_en if lang == 'en' else v.name_id}",
            [row for ind in v.indicators for row in _indicator(form, ind, lang)],
        )
        for v in services.election.indicator_set.variables
    ]

    verdict = ft.Semantics(
        identifier="kerawanan-result",
        content=ft.Container(
            ft.Column(
                [
                    ft.Text(f"{t(lang, 'category')}: {name}", size=18, weight=ft.FontWeight.BOLD),
                    ft.Text(why),
                ]
            ),
            bgcolor=ft.Colors.AMBER_50,
            padding=12,
            border_radius=8,
        ),
    )
    # The result again beside Final: ticking an item low on the list shows its effect there.
    now = ft.Semantics(
        identifier="kerawanan-live",
        content=ft.Text(f"{t(lang, 'category')}: {name} · {why}", weight=ft.FontWeight.W_600),
    )
    refused = [REASON_NEEDED.message(lang)] if form.refused and form.reason_missing() else []
    body = keep(
        LiveChip(live.sync, lang, form.record_id, "assessment-chip"),
        final_note(form, lang),
        verdict,
        *groups,
        reason_field(form, lang),
    )
    foot = footer(
        now,
        *(finding_text(m, "error", lang) for m in refused),
        ft.Row([final_button(form, lang, form.finalize)]),
    )
    return ft.Column(
        [header(t(lang, "assessment"), session.back, lang), form_screen(body, foot)],
        expand=True,
        spacing=4,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
