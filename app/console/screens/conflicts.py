"""Konflik: concurrent edits of one field; both values side by side; pick, or merge, with a
required reason; resolved ones show who resolved them, when, why and the value kept."""

from __future__ import annotations

import json
from typing import Any

import flet as ft

from app.console.screens.widgets import header, later, status_line
from app.console.state.conflicts import ConflictsModel
from app.console.strings import t
from core.review import ConflictRow, Resolution


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _value_box(title: str, value: Any, color: str) -> ft.Control:
    return ft.Container(
        ft.Column(
            [
                ft.Text(title, weight=ft.FontWeight.BOLD),
                ft.Text(_show(value), size=15),
            ],
            tight=True,
        ),
        border=ft.Border.all(2, color),
        border_radius=8,
        padding=10,
        expand=True,
    )


def _resolved_box(row: ConflictRow, lang: str) -> ft.Control:
    r = row.resolution or Resolution(log_id=0, at_ms=0, at="")
    choice = t(lang, f"choice_{r.choice}") if r.choice else "-"
    written = "" if r.written in (None, True) else t(lang, "conf_not_written")
    lines = [
        t(lang, "conf_done_by", who=r.user_name or r.user_id or "-", at=r.at or "-",
          device=r.device_id or "-"),
        t(lang, "conf_done_value", value=_show(r.value), choice=choice, written=written),
        t(lang, "conf_done_reason", alasan=r.alasan or "-"),
    ]  # fmt: skip
    return ft.Container(
        ft.Row(
            [
                ft.Icon(ft.Icons.CHECK_CIRCLE, color=ft.Colors.GREEN_800),
                ft.Column([ft.Text(x, size=14) for x in lines], spacing=2, tight=True, expand=True),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        bgcolor=ft.Colors.GREEN_50,
        border_radius=8,
        padding=10,
    )


def _actions(s: ConflictsModel, row: ConflictRow, lang: str) -> list[ft.Control]:
    cid = row.id
    merged = s.merged.get(str(cid), s.merge_default(row))
    return [
        ft.TextField(
            label=t(lang, "conf_reason"),
            value=s.reasons.get(str(cid), ""),
            multiline=True,
            min_lines=1,
            width=560,
            on_change=lambda e: s.type_reason(cid, str(e.control.value or "")),
        ),
        ft.Row(
            [
                ft.OutlinedButton(
                    t(lang, "conf_pick_current"),
                    icon=ft.Icons.ARROW_BACK,
                    on_click=later(s.resolve, cid, "current"),
                ),
                ft.OutlinedButton(
                    t(lang, "conf_pick_incoming"),
                    icon=ft.Icons.ARROW_FORWARD,
                    on_click=later(s.resolve, cid, "incoming"),
                ),
            ],
            wrap=True,
        ),
        ft.Row(
            [
                ft.TextField(
                    label=t(lang, "conf_merge_value"),
                    value=merged,
                    multiline=True,
                    width=360,
                    dense=True,
                    on_change=lambda e: s.type_merged(cid, str(e.control.value)),
                ),
                ft.FilledButton(
                    t(lang, "conf_merge"),
                    icon=ft.Icons.MERGE,
                    on_click=later(s.resolve, cid, "merge"),
                ),
            ]
        ),
    ]


def _card(s: ConflictsModel, row: ConflictRow, lang: str) -> ft.Control:
    cid = row.id
    title = t(
        lang,
        "conf_record",
        kind=t(lang, f"kind_{row.kind}") if row.kind else "-",
        record=row.record_id,
        tps=row.tps or "-",
        field=row.field,
    )
    done = row.resolved
    icon = ft.Icons.CHECK_CIRCLE if done else ft.Icons.CALL_SPLIT
    body = ft.Column(
        [
            ft.Row(
                [
                    ft.Icon(icon, color=ft.Colors.GREEN_800 if done else ft.Colors.RED_700),
                    ft.Text(f"#{cid} · {title}", weight=ft.FontWeight.BOLD, expand=True),
                ]
            ),
            ft.Row(
                [
                    _value_box(t(lang, "conf_current"), row.current_value, ft.Colors.BLUE_700),
                    _value_box(t(lang, "conf_incoming"), row.incoming_value, ft.Colors.ORANGE_800),
                ]
            ),
            *([_resolved_box(row, lang)] if done else _actions(s, row, lang)),
        ],
        spacing=8,
    )
    card = ft.Card(ft.Container(body, padding=12), semantic_container=False)
    ident = f"conflict-resolved-{cid}" if done else f"conflict-{cid}"
    return ft.Semantics(identifier=ident, content=card, key=ident)


@ft.component
def ConflictsScreen(s: ConflictsModel, lang: str) -> ft.Control:
    cards = [_card(s, r, lang) for r in s.rows]
    empty = [] if s.open_rows() else [ft.Text(t(lang, "conf_empty"), italic=True)]
    show = ft.Switch(
        label=t(lang, "conf_show_resolved"),
        value=s.show_resolved,
        on_change=later(lambda: s.set_show_resolved(not s.show_resolved)),
    )
    return ft.Column(
        [
            header(t(lang, "conf_title"), lang, s.load),
            show,
            status_line(s, lang),
            *empty,
            *cards,
        ],
        spacing=10,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
