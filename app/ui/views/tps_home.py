"""TPS home: name and code, a card per ballot with its state, incidents, assessment, location.

Outside the user's scope it is read-only: states are shown, nothing can be written, and a
sentence says why (the server would refuse those writes at sync)."""

from __future__ import annotations

from functools import partial

import flet as ft

from app.i18n import t
from app.store import LocalRecord
from app.ui.components import header, keep, outside_scope, section, state_chip
from app.ui.state.authors import author_of
from app.ui.state.badge import badge
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle
from app.ui.state.tally_form import TallyForm
from app.ui.state.tps_overview import category
from app.ui.views.location import LocationCard
from app.ui.views.record_row import LiveChip
from core.kerawanan import CATEGORY_NAMES


def _ballots(session: Session, live: SyncHandle, writes: bool) -> list[ft.Control]:
    lang, services = session.lang, session.services
    out: list[ft.Control] = []
    for ballot in services.election.ballots:
        form = TallyForm.load(services, session.tps_id, ballot.code)
        name = ballot.name_en if lang == "en" else ballot.name_id
        out.append(
            ft.Semantics(
                identifier=f"ballot-{ballot.code}",
                content=ft.ListTile(
                    leading=ft.Container(width=14, height=40, bgcolor=ballot.color),
                    title=ft.Text(name),
                    subtitle=LiveChip(live.sync, lang, form.record_id),
                    trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT) if writes else None,
                    on_click=partial(session.open_tally, ballot.code) if writes else None,
                ),
            )
        )
    return out


def _by(session: Session, rec: LocalRecord) -> str:
    """Who made a record that is not mine (read-only here)."""
    me = session.identity.user_id if session.identity else ""
    who = author_of(session.services, rec, me, session.lang)
    return t(session.lang, "by_other", who=who) if who else ""


def _incidents(session: Session, writes: bool) -> list[ft.Control]:
    """Every report at this TPS the phone holds: mine open for editing, others' read-only."""
    lang = session.lang
    recs = session.services.store.records(kind="incident", tps=session.tps_id)
    rows: list[ft.Control] = []
    for r in recs:
        by = _by(session, r)
        title = t(lang, f"cat_{r.fields.get('kategori') or 'lainnya'}")
        jenis = t(lang, str(r.fields.get("jenis") or "laporan"))
        rows.append(
            ft.Semantics(
                identifier=f"incident-{r.id}",
                content=ft.ListTile(
                    title=ft.Text(f"{jenis}: {title}"),
                    subtitle=ft.Column(
                        keep(state_chip(lang, badge(r)), ft.Text(by) if by else None), spacing=2
                    ),
                    on_click=partial(session.open_incident, r.id) if writes and not by else None,
                ),
            )
        )
    if not rows:
        rows.append(ft.Text(t(lang, "no_incidents")))
    if writes:
        rows.append(
            ft.OutlinedButton(
                t(lang, "new_incident"), icon=ft.Icons.ADD, on_click=lambda: session.open_incident()
            )
        )
    return rows


def _others_assessments(session: Session) -> list[ft.Control]:
    lang, services = session.lang, session.services
    out: list[ft.Control] = []
    for rec in services.store.records(kind="assessment", tps=session.tps_id):
        by = _by(session, rec)
        if not by or rec.status != "final":
            continue
        name = CATEGORY_NAMES[category(services, rec)][1 if lang == "en" else 0]
        out.append(
            ft.Semantics(
                identifier=f"assessment-{rec.id}",
                content=ft.Text(
                    f"{t(lang, 'category')}: {name} · {by}", weight=ft.FontWeight.W_600
                ),
            )
        )
    return out


def _assessment(session: Session, writes: bool) -> ft.Control | None:
    lang = session.lang
    others = _others_assessments(session)
    mine: list[ft.Control] = []
    if writes and session.can("assessment"):
        own = session.services.store.records(kind="assessment", tps=session.tps_id, mine=True)
        mine = [
            state_chip(lang, badge(own[0] if own else None)),
            ft.OutlinedButton(
                t(lang, "open_assessment"), icon=ft.Icons.SHIELD, on_click=session.open_assessment
            ),
        ]
    if not mine and not others:
        return None
    return section(t(lang, "assessment"), [*others, *mine])


@ft.component
def TpsHomeScreen(session: Session, live: SyncHandle) -> ft.Control:
    lang = session.lang
    tps = session.services.regions.get(session.tps_id)
    if tps is None:
        return ft.Text(session.tps_id)
    writes = session.writes_here()
    return ft.Column(
        keep(
            header(f"TPS {tps.number:03d} {tps.desa_name}", session.back, lang),
            ft.Text(
                f"{t(lang, 'kecamatan')} {tps.kecamatan_name} · {t(lang, 'tps_code')} {tps.id}"
            ),
            None if writes else outside_scope(lang),
            section(t(lang, "ballots"), _ballots(session, live, writes)),
            section(t(lang, "incidents_here"), _incidents(session, writes)),
            _assessment(session, writes),
            LocationCard(session, live) if writes else None,
        ),
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
