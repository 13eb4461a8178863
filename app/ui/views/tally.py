"""C.Hasil entry for one ballot: form sections, live findings, reason, Final with a summary."""

from __future__ import annotations

from typing import cast

import flet as ft

from app.ui.components import finding_text, header, keep, section, use_model
from app.ui.field_labels import field_label
from app.ui.i18n import t
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle
from app.ui.state.tally_form import TallyForm
from app.ui.views import tally_sections as sec
from app.ui.views.correction import final_button, final_note, reason_field
from app.ui.views.photos import PhotoStrip
from app.ui.views.record_row import LiveChip
from core.election import Ballot


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


def _refusal(form: TallyForm, lang: str) -> ft.Control | None:
    if not form.refused:
        return None
    items = [finding_text(f.message(lang), f.level, lang) for f in form.blockers()]
    return ft.Semantics(
        identifier="final-refused",
        content=ft.Container(
            ft.Column([ft.Text(t(lang, "final_refused"), weight=ft.FontWeight.BOLD), *items]),
            bgcolor=ft.Colors.RED_50,
            border=ft.Border.all(1, ft.Colors.RED_900),
            padding=10,
            border_radius=8,
        ),
    )


@ft.component
def TallyScreen(session: Session, live: SyncHandle) -> ft.Control:
    lang, services = session.lang, session.services
    ballot = services.election.ballot(session.ballot)
    form = use_model(lambda: TallyForm.load(services, session.tps_id, ballot.code))
    open_party, set_open_party = ft.use_state(cast(int | None, None))
    page = ft.context.page

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
    return ft.Column(
        keep(
            header(t(lang, "tally_title", ballot=name), session.back, lang),
            LiveChip(live.sync, lang, form.record_id, "tally-chip"),
            final_note(form, lang),
            sec.with_findings("I", t(lang, "sec_I"), sec.voters(form, lang, bad), findings, lang),
            sec.with_findings(
                "II", t(lang, "sec_II"), sec.ballots(form, lang, bad), findings, lang
            ),
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
            _refusal(form, lang),
            ft.Row([final_button(form, lang, ask_final)]),
        ),
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
