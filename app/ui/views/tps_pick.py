"""Pick a TPS: my assigned TPS first, then search all TPS of the region (virtualised list)."""

from __future__ import annotations

import flet as ft

from app.ui.components import use_model
from app.ui.i18n import t
from app.ui.state.session import Session
from app.ui.state.tps_picker import LIMIT, TpsPicker
from core.registry import Tps


def _tile(tps: Tps, session: Session, prefix: str) -> ft.Control:
    return ft.Semantics(
        identifier=f"{prefix}-{tps.id}",
        content=ft.ListTile(
            leading=ft.Icon(ft.Icons.HOW_TO_VOTE),
            title=ft.Text(f"TPS {tps.number:03d} {tps.desa_name}"),
            subtitle=ft.Text(f"Kec. {tps.kecamatan_name} · {tps.id}"),
            on_click=lambda: session.open_tps(tps.id),
        ),
    )


def _whoami(session: Session) -> ft.Control:
    ident = session.identity
    if ident is None:
        return ft.Container()
    role = t(session.lang, f"role_{ident.role}")
    if ident.party is not None:  # a saksi: whose witness they are
        role = f"{role} {session.party_label()}"
    return ft.Semantics(
        identifier="whoami",
        content=ft.Text(f"{ident.name} · {role}", weight=ft.FontWeight.W_600),
    )


@ft.component
def TpsPickScreen(session: Session) -> ft.Control:
    lang = session.lang
    picker = use_model(lambda: TpsPicker(session.services))
    mine = picker.mine(session.identity.scope if session.identity else ())
    res = picker.result
    if not picker.query.strip():
        rows: list[ft.Control] = [ft.Text(t(lang, "my_tps"), size=18, weight=ft.FontWeight.BOLD)]
        rows += [_tile(tps, session, "mytps") for tps in mine]
    else:
        key = "results_more" if res.total > LIMIT else "results" if res.total else "no_results"
        rows = [ft.Text(t(lang, key, n=res.total, k=LIMIT), weight=ft.FontWeight.W_600)]
        rows += [_tile(tps, session, "result") for tps in res.items]
    return ft.Column(
        [
            _whoami(session),
            ft.TextField(
                label=t(lang, "search_tps"),
                value=picker.query,
                prefix_icon=ft.Icons.SEARCH,
                on_change=lambda e: picker.search(e.control.value or ""),
            ),
            ft.Semantics(
                identifier="tps-list",
                expand=True,
                content=ft.ListView(rows, item_extent=None, expand=True, spacing=2),
            ),
        ],
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
