"""Kirim: what waits, what failed with the server's reason, conflicts, and "Kirim sekarang"."""

from __future__ import annotations

from functools import partial

import flet as ft

from app.i18n import t
from app.ui.clock import clock_text
from app.ui.components import header, keep, section
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncStatus
from app.ui.views.record_row import record_row
from app.ui.views.status_strip import strip_text
from app.ui.views.sync_details import conflict_section, photo_section


def _progress(sync: SyncStatus) -> ft.Control | None:
    if not sync.busy:
        return None
    value = sync.done / sync.total if sync.phase == "push" and sync.total else None
    return ft.ProgressBar(value=value, bar_height=8)


def _last_sent(sync: SyncStatus, lang: str) -> ft.Control:
    when = sync.last_ok()
    text = (
        t(lang, "last_sent_never") if when is None else t(lang, "last_sent", when=clock_text(when))
    )
    return ft.Semantics(identifier="last-sent", content=ft.Text(text, size=14))


@ft.component
def SyncScreen(session: Session, sync: SyncStatus) -> ft.Control:
    lang, services = session.lang, session.services
    groups = sync.lists()
    regions = services.regions

    def rows(key: str, retry: bool = False) -> list[ft.Control]:
        recs = groups[key]
        if not recs:
            return [ft.Text(t(lang, "nothing_waiting"))]
        out = [record_row(r, regions, lang) for r in recs]
        if retry:
            out += [
                ft.TextButton(t(lang, "retry"), on_click=partial(sync.retry, r.id)) for r in recs
            ]
        return out

    return ft.Column(
        keep(
            header(t(lang, "sync_title"), None, lang),
            ft.Semantics(
                identifier="sync-summary", content=ft.Text(strip_text(sync, lang)[0], size=16)
            ),
            _last_sent(sync, lang),
            _progress(sync),
            ft.Text(sync.error(lang), color=ft.Colors.RED_900) if sync.error(lang) else None,
            ft.FilledButton(
                t(lang, "sync_now"),
                icon=ft.Icons.SYNC,
                height=48,
                disabled=sync.busy,
                on_click=sync.sync_now,
            ),
            section(t(lang, "waiting"), rows("pending")),
            photo_section(sync, regions, lang),
            section(t(lang, "failed_list"), rows("failed", retry=True)),
            conflict_section(sync, regions, lang),
            section(t(lang, "drafts"), rows("draft")),
            section(t(lang, "sent_recent"), rows("sent")),
        ),
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
