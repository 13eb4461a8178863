"""The thin strip on every screen: offline / sending n of m / all sent / k failed."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import human_bytes
from app.ui.state.sync_state import SyncStatus


def strip_text(sync: SyncStatus, lang: str) -> tuple[str, str]:
    """(words, colour) for the strip; words never rely on colour alone."""
    failed = t(lang, "st_failed", k=sync.failed) if sync.failed else ""
    if sync.busy and sync.phase == "push":
        text, color = t(lang, "st_sending", done=sync.done, total=sync.total), "#0d47a1"
    elif sync.busy and sync.phase == "pull":
        text, color = t(lang, "st_pulling"), "#0d47a1"
    elif sync.online is False:
        key = "st_offline" if sync.pending else "st_offline_none"
        if not sync.pending and sync.photos_pending:
            key = "st_offline_photos"
        text, color = t(lang, key, n=sync.pending or sync.photos_pending), "#424242"
    elif sync.pending:
        text, color = t(lang, "st_waiting", n=sync.pending), "#8d6e00"
    else:
        text, color = _settled(sync, lang)
    if failed:
        text, color = f"{text} - {failed}", "#b71c1c"
    return text, color


def _settled(sync: SyncStatus, lang: str) -> tuple[str, str]:
    """No record waits: photos on their way, not connected yet, drafts, or all sent."""
    if sync.photos_pending and sync.uploading:
        sent, total = human_bytes(sync.photo_bytes_sent), human_bytes(sync.photo_bytes_total)
        return t(lang, "st_photos_sending", sent=sent, total=total), "#0d47a1"
    if sync.photos_pending:
        return t(lang, "st_photos_waiting", n=sync.photos_pending), "#8d6e00"
    if sync.online is None:
        return t(lang, "st_unknown"), "#424242"
    if sync.drafts:  # nothing waits, but not everything is final: not green
        return t(lang, "st_all_sent_drafts", n=sync.drafts), "#8d6e00"
    return t(lang, "st_all_sent"), "#1b5e20"


@ft.component
def StatusStrip(sync: SyncStatus, lang: str) -> ft.Control:
    text, color = strip_text(sync, lang)
    return ft.Semantics(
        identifier="status-strip",
        content=ft.Container(
            ft.Text(text, color=ft.Colors.WHITE, size=14, weight=ft.FontWeight.W_600),
            bgcolor=color,
            alignment=ft.Alignment.CENTER_LEFT,
            padding=ft.Padding.symmetric(horizontal=12, vertical=6),
        ),
    )
