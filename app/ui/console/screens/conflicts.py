"""Konflik: concurrent edits of one field; both values side by side; pick, or merge; resolve."""

from __future__ import annotations

import json
from typing import Any

import flet as ft

from app.ui.console.screens.widgets import header, later, status_line
from app.ui.console.state.conflicts import ConflictsModel
from app.ui.console.state.console import Models
from app.ui.console.strings import t


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


def _card(s: ConflictsModel, row: dict[str, Any], lang: str) -> ft.Control:
    cid = row["id"]
    title = t(
        lang,
        "conf_record",
        kind=t(lang, f"kind_{row.get('kind')}") if row.get("kind") else "-",
        record=row["record_id"],
        tps=row.get("tps") or "-",
        field=row["field"],
    )
    merged = s.merged.get(str(cid), s.merge_default(row))
    body = ft.Column(
        [
            ft.Row(
                [
                    ft.Icon(ft.Icons.CALL_SPLIT, color=ft.Colors.RED_700),
                    ft.Text(title, weight=ft.FontWeight.BOLD, expand=True),
                ]
            ),
            ft.Row(
                [
                    _value_box(
                        t(lang, "conf_current"), row.get("current_value"), ft.Colors.BLUE_700
                    ),
                    _value_box(
                        t(lang, "conf_incoming"), row.get("incoming_value"), ft.Colors.ORANGE_800
                    ),
                ]
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
        ],
        spacing=8,
    )
    card = ft.Card(ft.Container(body, padding=12), semantic_container=False)
    return ft.Semantics(identifier=f"conflict-{cid}", content=card)


@ft.component
def ConflictsScreen(m: Models, s: ConflictsModel, lang: str) -> ft.Control:
    cards = [_card(s, r, lang) for r in s.rows]
    return ft.Column(
        [
            header(t(lang, "conf_title"), lang, s.load),
            status_line(s, lang),
            *(cards or [ft.Text(t(lang, "conf_empty"), italic=True)]),
        ],
        spacing=10,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
