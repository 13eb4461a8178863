"""Laporan: my incident reports with their state, and a button for a new one."""

from __future__ import annotations

from functools import partial

import flet as ft

from app.i18n import t
from app.ui.components import header
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncStatus
from app.ui.views.record_row import record_row


@ft.component
def ReportsScreen(session: Session, sync: SyncStatus) -> ft.Control:
    lang, services = session.lang, session.services
    del sync  # an argument only so the chips re-read after each sync
    recs = services.store.records(kind="incident", mine=True)
    rows = [
        record_row(r, services.regions, lang, partial(session.open_incident, r.id)) for r in recs
    ]
    return ft.Column(
        [
            header(t(lang, "reports_title"), None, lang),
            ft.FilledButton(
                t(lang, "new_incident"),
                icon=ft.Icons.ADD,
                height=48,
                on_click=lambda: session.open_incident(),
            )
            if session.report_tps()
            else ft.Text(t(lang, "no_assigned_tps")),
            *(rows or [ft.Text(t(lang, "no_incidents"))]),
        ],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
