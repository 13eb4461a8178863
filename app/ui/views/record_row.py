"""One line per record (kind, TPS, ballot) with its state chip; used by Kirim and Laporan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.i18n import t
from app.store import LocalRecord
from app.store.regions import RegionIndex
from app.ui.components import state_chip
from app.ui.state.badge import badge
from app.ui.state.sync_state import SyncStatus


def record_title(rec: LocalRecord, regions: RegionIndex, lang: str) -> str:
    tps = regions.get(rec.tps)
    place = f"TPS {tps.number:03d} {tps.desa_name}" if tps else rec.tps
    what = t(lang, f"kind_{rec.kind}")
    if rec.kind == "tally":
        what = f"{what} {str(rec.fields.get('ballot') or '').upper().replace('_', ' ')}"
    if rec.kind == "incident" and rec.fields.get("kategori"):
        what = f"{what}: {t(lang, 'cat_' + rec.fields['kategori'])}"
    return f"{what} · {place}"


def record_row(
    rec: LocalRecord, regions: RegionIndex, lang: str, on_click: Callable[[], Any] | None = None
) -> ft.Control:
    return ft.Semantics(
        identifier=f"rec-{rec.id}",
        content=ft.ListTile(
            title=ft.Text(record_title(rec, regions, lang)),
            subtitle=ft.Container(state_chip(lang, badge(rec)), alignment=ft.Alignment.CENTER_LEFT),
            on_click=on_click,
        ),
    )


@ft.component
def LiveChip(sync: SyncStatus, lang: str, record_id: str, ident: str = "") -> ft.Control:
    """A record's chip that re-reads itself after every sync, without re-rendering its screen
    (a screen re-rendered mid-typing could overwrite a value that is still on its way)."""
    return state_chip(lang, sync.badge(record_id), ident)
