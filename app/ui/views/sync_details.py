"""Kirim's lower half: photo upload progress with numbers, records waiting for photos, and the
conflicts the server reported, each in plain words."""

from __future__ import annotations

import json
from typing import Any

import flet as ft

from app.field_labels import field_label
from app.i18n import t
from app.store.regions import RegionIndex
from app.ui.components import human_bytes, keep, section
from app.ui.state.sync_state import SyncStatus
from app.ui.views.record_row import record_title


def photo_section(sync: SyncStatus, regions: RegionIndex, lang: str) -> ft.Control:
    total, sent = sync.photo_bytes_total, sync.photo_bytes_sent
    if not total and not sync.photos_failed:
        return section(t(lang, "photos_title"), [ft.Text(t(lang, "photo_none"))])
    head = (
        t(lang, "photos_pending", n=sync.photos_pending)
        if sync.photos_pending
        else t(lang, "photos_all_sent")
    )
    waiting: list[ft.Control] = []
    for rid in sync.photo_waiting:
        rec = sync.store.record(rid)
        if rec is not None:
            waiting.append(ft.Text(f"• {record_title(rec, regions, lang)}"))
    bytes_text = t(lang, "photos_bytes", sent=human_bytes(sent), total=human_bytes(total))
    return section(
        t(lang, "photos_title"),
        keep(
            ft.Semantics(identifier="photo-summary", content=ft.Text(head, size=16)),
            ft.ProgressBar(value=sent / total if total else 0, bar_height=10),
            ft.Semantics(identifier="photo-bytes", content=ft.Text(bytes_text)),
            ft.Text(t(lang, "photos_sending"), italic=True) if sync.uploading else None,
            ft.Text(t(lang, "photos_waiting"), weight=ft.FontWeight.W_600) if waiting else None,
            *waiting,
            ft.Text(t(lang, "photos_failed", n=sync.photos_failed), color=ft.Colors.RED_900)
            if sync.photos_failed
            else None,
            ft.TextButton(t(lang, "photos_retry"), on_click=sync.retry_photos)
            if sync.photos_failed
            else None,
        ),
    )


def _value(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def conflict_section(sync: SyncStatus, regions: RegionIndex, lang: str) -> ft.Control:
    rows = sync.conflict_details()
    if not rows:
        return section(t(lang, "conflicts"), [ft.Text(t(lang, "nothing_waiting"))])
    out: list[ft.Control] = []
    for row in rows:
        rec = sync.store.record(str(row["record_id"]))
        title = record_title(rec, regions, lang) if rec else str(row["record_id"])
        winner = t(lang, f"conflict_{row['winner']}")
        line = t(
            lang,
            "conflict_line",
            field=field_label(str(row["field"]), lang),
            current=_value(row["current_value"]),
            incoming=_value(row["incoming_value"]),
            winner=winner,
        )
        out.append(
            ft.Semantics(
                identifier=f"conflict-{row['id']}",
                content=ft.Column(
                    [ft.Text(title, weight=ft.FontWeight.W_600), ft.Text(line)], spacing=2
                ),
            )
        )
    return section(t(lang, "conflicts"), out)
