"""C.Hasil entry for one ballot: form sections, live findings, reason, Final with a summary."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, cast

import flet as ft

from app.field_labels import field_label
from app.i18n import t
from app.ui.components import footer, form_screen, header, keep, section, use_model
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle
from app.ui.state.tally_form import TallyForm
from app.ui.views import tally_sections as sec
from app.ui.views.correction import final_button, final_note, reason_field
from app.ui.views.photos import PhotoStrip
from app.ui.views.record_row import LiveChip
from core.election import Ballot
from core.tally_checks import Finding


def _summary(form: TallyForm, ballot: Ballot, lang: str) -> list[ft.Control]:
    f = form.fields()
    names = ("pengguna_hak_pilih_j", "suara_sah", "suara_tidak_sah", "suara_total")
    lines = [f"{field_label(n, lang)}: {f.get(n)}" for n in names]
    if ballot.kind == "pasangan":
        lines += [f"IV.{c.no} {c.nama}: {form.votes.get(str(c.no), 0)}" for c in ballot.pasangan]
    lines.append(t(lang, "photo_count", n=len(form.evidence.shas)))
    if form.alasan:
        lines.append(f"{t(lang, 'reason')}: {form.alasan}")
    return [ft.Text(line) for line in lines]


def _paper(form: TallyForm, lang: str) -> ft.Control | None:
    """ "Tertulis di formulir demikian": offered only when the form breaks a rule the signed
    paper itself may carry (or it is ticked already)."""
    if not (form.paper or form.paper_errors()):
        return None
    return ft.Semantics(
        identifier="paper-as-written",
        content=ft.Column(
            [
                ft.Checkbox(
                    label=t(lang, "paper_as_written"),
                    value=form.paper,
                    disabled=not form.editable,
                    on_change=lambda e: form.set_paper(bool(e.control.value)),
                ),
                ft.Text(t(lang, "paper_help"), size=13),
            ],
            spacing=2,
        ),
    )


def jump_target(finding: Finding) -> str:
    """The section a refused Final's reason jumps to (the first empty box when boxes are empty)."""
    if finding.rule == "missing":
        touched = [k for k in sec.ORDER if sec.SECTION_FIELDS[k] & set(finding.fields)]
        return touched[0] if touched else "I"
    return sec.home_section(finding)


def _refusal(form: TallyForm, lang: str, jump: Callable[[str], Any]) -> ft.Control | None:
    """Why Final is refused, beside the button; each reason jumps to its section."""
    if not form.refused:
        return None
    items = [
        ft.Semantics(
            identifier=f"refused-{i}",
            button=True,
            content=ft.Container(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.ERROR, color=ft.Colors.RED_900, size=18),
                        ft.Text(f.message(lang), color=ft.Colors.RED_900, expand=True),
                        ft.Icon(ft.Icons.ARROW_UPWARD, color=ft.Colors.RED_900, size=18),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
                on_click=partial(jump, jump_target(f)),
                tooltip=t(lang, "tap_to_fix"),
                padding=ft.Padding.symmetric(vertical=4),
            ),
        )
        for i, f in enumerate(form.blockers())
    ]
    return ft.Semantics(
        identifier="final-refused",
        content=ft.Container(
            ft.Column(
                [ft.Text(t(lang, "final_refused"), weight=ft.FontWeight.BOLD), *items],
                spacing=2,
                tight=True,
                scroll=ft.ScrollMode.AUTO,
            ),
            bgcolor=ft.Colors.RED_50,
            border=ft.Border.all(1, ft.Colors.RED_900),
            padding=8,
            border_radius=8,
            height=None if len(items) < 3 else 170,
        ),
    )


def _jumps(form: TallyForm, lang: str, jump: Callable[[str], Any]) -> ft.Control:
    """Section jump (I ... V) and how much of the form is filled, like ODK's form map."""
    done, total = form.progress()
    buttons: list[ft.Control] = [
        ft.Semantics(
            identifier=f"jump-{key}",
            content=ft.OutlinedButton(
                key,
                tooltip=t(lang, f"sec_{key}"),
                height=48,
                style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=8)),
                on_click=partial(jump, key),
            ),
        )
        for key in sec.ORDER
    ]
    progress = ft.Semantics(
        identifier="tally-progress",
        content=ft.Text(t(lang, "filled", n=done, total=total), size=13),
    )
    return ft.Column(
        [ft.Row(buttons, spacing=4, wrap=True), progress, ft.ProgressBar(value=done / total)],
        spacing=4,
    )


@ft.component
def TallyScreen(session: Session, live: SyncHandle) -> ft.Control:
    lang, services = session.lang, session.services
    ballot = services.election.ballot(session.ballot)
    form = use_model(lambda: TallyForm.load(services, session.tps_id, ballot.code))
    open_party, set_open_party = ft.use_state(cast(int | None, None))
    page = ft.context.page
    scroller = ft.use_ref(cast(ft.Column | None, None))

    async def jump(key: str) -> None:
        if scroller.current is not None:
            await scroller.current.scroll_to(scroll_key=f"sec-{key}", duration=300)

    def toggle(no: int) -> None:
        set_open_party(None if open_party == no else no)

    def confirmed() -> None:
        page.pop_dialog()
        form.finalize()

    def ask_final() -> None:
        if form.blockers():
            form.refused = True
            return
        page.show_dialog(
            ft.AlertDialog(
                modal=True,
                title=ft.Text(t(lang, "final_confirm_title")),
                content=ft.Column(
                    [ft.Text(t(lang, "final_confirm_body")), *_summary(form, ballot, lang)],
                    tight=True,
                    scroll=ft.ScrollMode.AUTO,
                ),
                actions=[
                    ft.TextButton(t(lang, "cancel"), on_click=lambda: page.pop_dialog()),
                    ft.FilledButton(t(lang, "confirm"), on_click=confirmed),
                ],
            )
        )

    findings = form.findings()
    bad = sec.bad_fields(findings)
    name = ballot.name_en if lang == "en" else ballot.name_id
    body = keep(
        LiveChip(live.sync, lang, form.record_id, "tally-chip"),
        final_note(form, lang),
        sec.with_findings("I", t(lang, "sec_I"), sec.voters(form, lang, bad), findings, lang),
        sec.with_findings("II", t(lang, "sec_II"), sec.ballots(form, lang, bad), findings, lang),
        sec.with_findings(
            "III", t(lang, "sec_III"), sec.disability(form, lang, bad), findings, lang
        ),
        sec.with_findings(
            "IV",
            t(lang, "sec_IV"),
            sec.votes(form, ballot, lang, bad, open_party, toggle),
            findings,
            lang,
        ),
        sec.with_findings("V", t(lang, "sec_V"), sec.totals(form, lang, bad), findings, lang),
        section(t(lang, "photos_tally"), [PhotoStrip(form.evidence, lang, "tally-photos")]),
        reason_field(form, lang, always=True),
        _paper(form, lang),
    )
    foot = footer(
        _refusal(form, lang, jump),
        ft.Row(
            [
                final_button(form, lang, ask_final),
                ft.Semantics(
                    identifier="save-exit",
                    content=ft.TextButton(
                        t(lang, "save_exit"), icon=ft.Icons.LOGOUT, height=48, on_click=session.back
                    ),
                ),
            ],
            wrap=True,
        ),
    )
    top = ft.Column(
        [header(t(lang, "tally_title", ballot=name), session.back, lang), _jumps(form, lang, jump)],
        spacing=2,
    )
    return ft.Column(
        [top, form_screen(body, foot, ref=scroller)],
        expand=True,
        spacing=4,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
