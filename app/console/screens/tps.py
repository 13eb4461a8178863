"""TPS: sources in columns, fields in rows, differences marked with a word and a colour;
photos one click away; verify or override with a required reason; every record's history."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console.screens.tps_dialogs import confirm_dialog, photo_dialog
from app.console.screens.tps_table import table
from app.console.screens.widgets import (
    header,
    history_list,
    later,
    severity_chip,
    status_chip,
    status_line,
)
from app.console.state.comparison import ComparisonModel
from app.console.state.console import Models
from app.console.strings import pick, t
from core.review import Flag, TpsComparison


def _flag_row(c: ComparisonModel, f: Flag, lang: str) -> ft.Control:
    row: list[ft.Control] = [severity_chip(f.severity, lang), ft.Text(f.message(lang), expand=True)]
    if f.rule == "photo_reused" and len(f.photos) == 2:
        mine, theirs = f.photos
        row.append(
            ft.Semantics(
                identifier=f"compare-{theirs[:12]}",
                content=ft.IconButton(
                    ft.Icons.COMPARE,
                    tooltip=t(lang, "photo_pair_title"),
                    on_click=later(c.compare_photos, mine, theirs),
                ),
            )
        )
    return ft.Row(row, vertical_alignment=ft.CrossAxisAlignment.START)


def _flags(c: ComparisonModel, d: TpsComparison, lang: str) -> ft.Control:
    if not d.flags:
        return ft.Text(t(lang, "no_flags"), italic=True)
    return ft.Column([_flag_row(c, f, lang) for f in d.flags], spacing=6)


def _findings(c: ComparisonModel, lang: str) -> ft.Control:
    """Every source's form checks (recomputed on the server), worst first."""
    rows: list[ft.Control] = [
        ft.Row(
            [
                severity_chip(f.severity, lang),
                ft.Text(s.name(lang), weight=ft.FontWeight.W_600),
                ft.Text(f.message(lang), expand=True),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        for s, f in c.findings()
    ]
    title = ft.Text(t(lang, "source_findings"), size=16, weight=ft.FontWeight.BOLD)
    body = rows or [ft.Text(t(lang, "no_findings"), italic=True)]
    return ft.Semantics(identifier="source-findings", content=ft.Column([title, *body]))


def _history(d: TpsComparison, lang: str) -> ft.Control:
    items = [history_list(entries, lang, record_id) for record_id, entries in d.history.items()]
    return ft.Column(items, spacing=6)


def _verify_box(c: ComparisonModel, d: TpsComparison, lang: str, ask: Any) -> ft.Control:
    decision = d.decision
    done: list[ft.Control] = []
    if decision:  # a long reason wraps (a chip would run off the pane)
        words = t(lang, "verified_by", alasan=decision.alasan)
        row = ft.Row(
            [
                ft.Icon(ft.Icons.VERIFIED, color=ft.Colors.WHITE, size=16),
                ft.Text(words, color=ft.Colors.WHITE, weight=ft.FontWeight.W_600, expand=True),
            ],
            vertical_alignment=ft.CrossAxisAlignment.START,
        )
        done = [ft.Container(row, bgcolor=ft.Colors.GREEN_800, border_radius=12, padding=8)]
    return ft.Column(
        [
            *done,
            ft.Switch(
                label=t(lang, "override_all"),
                value=c.override_all,
                on_change=lambda e: setattr(c, "override_all", bool(e.control.value)),
            ),
            ft.TextField(
                label=t(lang, "reason"),
                value=c.reason,
                multiline=True,
                min_lines=2,
                on_change=lambda e: c.set_reason(str(e.control.value or "")),
            ),
            ft.Row(
                [
                    ft.FilledButton(
                        t(lang, "verify"), icon=ft.Icons.VERIFIED, on_click=ask, disabled=c.loading
                    ),
                    ft.Text("Ctrl+Enter", size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ]
            ),
        ],
        spacing=8,
    )


def _picker(m: Models, c: ComparisonModel, lang: str, typed: str, set_typed: Any) -> ft.Control:
    async def show() -> None:
        await m.open_tps(typed.strip(), c.ballot or "ppwp")

    return ft.Row(
        [
            ft.TextField(
                label=t(lang, "tps_id"),
                value=typed,
                width=240,
                on_submit=show,
                on_change=lambda e: set_typed(str(e.control.value or "")),
            ),
            ft.OutlinedButton(t(lang, "show"), icon=ft.Icons.SEARCH, on_click=show),
        ],
        wrap=True,
    )


@ft.component
def TpsScreen(m: Models, c: ComparisonModel, lang: str) -> ft.Control:
    typed, set_typed = ft.use_state(c.tps)
    ft.use_dialog(confirm_dialog(m, c, lang, c.cancel_ask) if c.asking else None)
    ft.use_dialog(photo_dialog(c, lang))
    ask = c.ask

    if c.doc is None:
        return ft.Column(
            [
                header(t(lang, "tps_title"), lang),
                ft.Text(t(lang, "tps_none")),
                _picker(m, c, lang, typed, set_typed),
                status_line(c, lang),
            ]
        )
    d = c.doc
    title = f"{d.tps_label or c.tps} · {c.ballot.upper()}"
    summary = ft.Row(
        [
            status_chip(d.status, pick(lang, d.status_label)),
            ft.Text(t(lang, "differences", n=len(d.differences))),
            ft.Text(t(lang, "sources_n", n=len(d.sources))),
            _picker(m, c, lang, typed, set_typed),  # another TPS without going back
        ],
        spacing=16,
        wrap=True,
    )
    side = ft.Column(
        [
            ft.Text(t(lang, "flags"), size=16, weight=ft.FontWeight.BOLD),
            _flags(c, d, lang),
            ft.Divider(),
            _verify_box(c, d, lang, ask),
            status_line(c, lang),
            ft.Divider(),
            ft.Text(t(lang, "history"), size=16, weight=ft.FontWeight.BOLD),
            _history(d, lang),
        ],
        spacing=8,
        col={"xs": 12, "lg": 4},
    )
    grid = ft.Semantics(
        identifier="tps-compare",
        col={"xs": 12, "lg": 8},
        content=ft.Column([table(c, d, lang), _findings(c, lang)]),
    )
    # Side by side on a laptop; at phone width the decision and history go under the table.
    body = ft.ResponsiveRow([grid, side], vertical_alignment=ft.CrossAxisAlignment.START)
    return ft.Column(
        [
            header(title, lang, c.load),
            summary,
            body,
        ],
        expand=True,
        spacing=8,
        scroll=ft.ScrollMode.AUTO,
    )
