"""Insiden: the status flow with the 7-day deadline (overdue marked in words and colour),
assignment and comments, in a list with a detail pane."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console.screens.widgets import (
    chip,
    header,
    history_list,
    later,
    severity_chip,
    status_line,
    table,
)
from app.console.state.incidents import FORWARD_TO, IncidentsModel
from app.console.strings import pick, t
from core.review import IncidentRow

LEVEL = {"tinggi": 3, "sedang": 2, "rendah": 1}


def words_of(key: Any) -> str:
    return str(key or "-").replace("_", " ").capitalize()


def deadline_cell(row: IncidentRow, lang: str) -> ft.Control:
    if not row.open:
        return ft.Text(f"{row.deadline or '-'} ({t(lang, 'inc_closed')})")
    if row.overdue:
        return ft.Column(
            [
                chip(t(lang, "inc_overdue"), ft.Colors.RED_700, ft.Icons.ALARM),
                ft.Text(str(row.deadline or ""), size=12),
            ],
            spacing=2,
            tight=True,
        )
    left = t(lang, "inc_days_left", n=row.days_left)
    return ft.Text(f"{row.deadline or '-'}\n{left}")


async def _select(s: IncidentsModel, record_id: str) -> None:
    await s.open(record_id)


def _list(s: IncidentsModel, lang: str) -> ft.Control:
    cols = [
        t(lang, "col_severity"),
        t(lang, "col_tps"),
        t(lang, "f_flag"),
        t(lang, "col_status"),
        t(lang, "inc_deadline"),
        "",
    ]
    rows: list[list[ft.Control | str]] = []
    colors, picks = [], []
    for r in s.rows:
        rows.append(
            [
                severity_chip(LEVEL.get(str(r.tingkat), 0) if not r.overdue else 3, lang),
                r.tps,
                words_of(r.kategori),
                pick(lang, r.proses_label),
                deadline_cell(r, lang),
                ft.Semantics(
                    identifier=f"incident-{r.id}",
                    content=ft.TextButton(
                        t(lang, "open"),
                        icon=ft.Icons.CHEVRON_RIGHT,
                        on_click=later(_select, s, r.id),
                    ),
                ),
            ]
        )
        chosen = r.id == s.selected
        colors.append(ft.Colors.INDIGO_50 if chosen else ft.Colors.RED_50 if r.overdue else None)
        picks.append(lambda rid=r.id: s.open(rid))
    if not rows:
        return ft.Text(t(lang, "inc_empty"), italic=True)
    return table(cols, rows, colors=colors, on_select=picks, keys=[r.id for r in s.rows])


def _detail(s: IncidentsModel, lang: str) -> ft.Control:
    row = s.current()
    if row is None:
        return ft.Text(t(lang, "inc_pick"), italic=True)
    steps: list[ft.Control] = [
        ft.Semantics(
            identifier=f"step-{p}",
            content=ft.OutlinedButton(
                t(lang, f"proses_{p}"),
                icon=ft.Icons.ARROW_FORWARD,
                on_click=later(s.advance, p),
                disabled=s.loading,
            ),
        )
        for p in s.next_steps()
    ]
    forward = ft.Dropdown(
        label=t(lang, "inc_forward_to"),
        value=s.forward_to,
        width=220,
        dense=True,
        options=[ft.DropdownOption(key=k, text=t(lang, f"to_{k}")) for k in FORWARD_TO],
        on_select=lambda e: setattr(s, "forward_to", str(e.control.value or "gakkumdu")),
    )
    comments = [ft.Text(f"• {c}", size=13) for c in row.komentar]
    return ft.Column(
        [
            ft.Text(
                f"{words_of(row.jenis)} · {words_of(row.kategori)}",
                size=18,
                weight=ft.FontWeight.BOLD,
            ),
            ft.Text(f"TPS {row.tps} · {row.id}", size=12),
            ft.Text(str(row.uraian or "")),
            ft.Row(
                [
                    ft.Text(f"{t(lang, 'col_status')}:"),
                    chip(pick(lang, row.proses_label), ft.Colors.INDIGO_700, ft.Icons.FLAG),
                ]
            ),
            deadline_cell(row, lang),
            ft.Divider(),
            ft.Text(t(lang, "inc_next"), weight=ft.FontWeight.BOLD),
            ft.Row(steps, wrap=True) if steps else ft.Text(t(lang, "inc_closed"), italic=True),
            forward if "diteruskan" in s.next_steps() else ft.Container(),
            ft.Row(
                [
                    ft.TextField(
                        label=t(lang, "inc_assign"),
                        value=s.assign_text,
                        width=260,
                        dense=True,
                        on_submit=s.assign,
                        on_change=lambda e: setattr(s, "assign_text", e.control.value),
                    ),
                    ft.OutlinedButton(
                        t(lang, "inc_save_assign"),
                        icon=ft.Icons.PERSON_ADD,
                        on_click=s.assign,
                        disabled=s.loading,
                    ),
                ]
            ),
            ft.Row(
                [
                    ft.TextField(
                        label=t(lang, "inc_comment"),
                        value=s.comment_text,
                        width=260,
                        dense=True,
                        multiline=True,
                        on_change=lambda e: setattr(s, "comment_text", e.control.value),
                    ),
                    ft.OutlinedButton(
                        t(lang, "inc_add_comment"),
                        icon=ft.Icons.COMMENT,
                        on_click=s.comment,
                        disabled=s.loading,
                    ),
                ]
            ),
            ft.Text(t(lang, "inc_comments"), weight=ft.FontWeight.BOLD),
            *comments,
            status_line(s, lang),
            ft.Divider(),
            ft.Text(t(lang, "history"), weight=ft.FontWeight.BOLD),
            history_list(s.history, lang, row.id),
        ],
        spacing=8,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )


@ft.component
def IncidentsScreen(s: IncidentsModel, lang: str) -> ft.Control:
    left = ft.Column(
        [ft.Row([_list(s, lang)], scroll=ft.ScrollMode.AUTO)], scroll=ft.ScrollMode.AUTO, expand=3
    )
    right = ft.Container(_detail(s, lang), expand=2, padding=ft.Padding.only(left=12))
    return ft.Column(
        [
            header(t(lang, "inc_title"), lang, s.load),
            ft.Row(
                [left, ft.VerticalDivider(width=1), right],
                expand=True,
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
        ],
        expand=True,
    )
