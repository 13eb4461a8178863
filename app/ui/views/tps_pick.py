"""Pick a TPS: my assigned TPS first, then search all TPS of the region (virtualised list)."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import use_model
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncStatus
from app.ui.state.tps_overview import summary
from app.ui.state.tps_picker import LIMIT, TpsPicker
from core.kerawanan import CATEGORY_NAMES
from core.registry import Tps

BADGE_COLORS = {
    "kurang_rawan": "#1b5e20",
    "rawan": "#8d6e00",
    "sangat_rawan": "#b71c1c",
    "khusus": "#4a148c",
}


def _pill(text: str, color: str) -> ft.Control:
    return ft.Container(
        ft.Text(text, color=ft.Colors.WHITE, size=12, weight=ft.FontWeight.W_600),
        bgcolor=color,
        border_radius=10,
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
    )


@ft.component
def Badges(_sync: SyncStatus, session: Session, tps: Tps) -> ft.Control:
    """Kerawanan (from anyone's final assessment) and open reports, in words and colour;
    re-read after every sync (records pulled from others change them): a component given an
    observable re-renders when it changes, so `_sync` is here only to be watched."""
    lang = session.lang
    s = summary(session.services, tps.id)
    if s.category is None:
        kerawanan = _pill(t(lang, "no_assessment"), "#616161")
    else:
        name = CATEGORY_NAMES[s.category][1 if lang == "en" else 0]
        kerawanan = _pill(name, BADGE_COLORS[s.category])
    pills = [kerawanan]
    if s.open_incidents:
        pills.append(_pill(t(lang, "open_incidents", n=s.open_incidents), "#b71c1c"))
    return ft.Semantics(identifier=f"badges-{tps.id}", content=ft.Row(pills, spacing=4, wrap=True))


def _tile(tps: Tps, session: Session, prefix: str, sync: SyncStatus | None = None) -> ft.Control:
    place = ft.Text(f"Kec. {tps.kecamatan_name} · {tps.id}")
    subtitle: ft.Control = place
    if sync is not None:
        subtitle = ft.Column([place, Badges(sync, session, tps)], spacing=2)
    return ft.Semantics(
        identifier=f"{prefix}-{tps.id}",
        content=ft.ListTile(
            leading=ft.Icon(ft.Icons.HOW_TO_VOTE),
            title=ft.Text(f"TPS {tps.number:03d} {tps.desa_name}"),
            subtitle=subtitle,
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
def TpsPickScreen(session: Session, sync: SyncStatus) -> ft.Control:
    lang = session.lang
    picker = use_model(lambda: TpsPicker(session.services))
    mine = picker.mine(session.identity.scope if session.identity else ())
    res = picker.result
    if not picker.query.strip():
        rows: list[ft.Control] = [ft.Text(t(lang, "my_tps"), size=18, weight=ft.FontWeight.BOLD)]
        # Badges where the user reads others' records (a saksi sees only their own).
        badges = sync if session.role != "saksi" else None
        rows += [_tile(tps, session, "mytps", badges) for tps in mine]
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
