"""TPS: sources in columns, fields in rows, differences marked with a word and a colour;
photos one click away; verify or override with a required reason; every record's history."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console.screens.tps_dialogs import confirm_dialog, photo_dialog
from app.console.screens.widgets import (
    chip,
    header,
    history_list,
    later,
    severity_chip,
    status_chip,
    status_line,
)
from app.console.state.comparison import ComparisonModel, majority
from app.console.state.console import Models
from app.console.strings import pick, t
from core.review import FieldComparison, Flag, SourceTally, TpsComparison

DIFF_BG = ft.Colors.RED_50


def _source_head(c: ComparisonModel, s: SourceTally, lang: str) -> ft.Control:
    label = s.name(lang)
    photos: list[ft.Control] = [
        ft.Semantics(
            identifier=f"photo-{sha[:12]}",
            content=ft.IconButton(
                ft.Icons.PHOTO,
                tooltip=f"{t(lang, 'photo')} {i + 1}",
                on_click=later(c.show_photo, sha),
            ),
        )
        for i, sha in enumerate(s.photos)
    ]
    if not photos:
        photos = [ft.Text(t(lang, "no_photo"), size=11, italic=True)]
    return ft.Column(
        [ft.Text(label, weight=ft.FontWeight.BOLD), ft.Row(photos, spacing=0)],
        spacing=0,
        tight=True,
    )


def _thumbs(c: ComparisonModel, d: TpsComparison, lang: str) -> ft.Control | None:
    """Each source's C.Hasil photo in the order of the columns; a click opens it to zoom."""
    if not any(c.thumbs.get(s.photos[0]) for s in d.sources if s.photos):
        return None
    cells: list[ft.Control] = []
    for s in d.sources:
        label = (s.label_en if lang == "en" else s.label) or s.source
        sha = s.photos[0] if s.photos else ""
        data = c.thumbs.get(sha)
        picture: ft.Control = (
            ft.Image(
                src=data,
                width=200,
                height=260,
                fit=ft.BoxFit.CONTAIN,
                semantics_label=t(lang, "photo_of", source=label),
            )
            if data
            else ft.Container(
                ft.Text(t(lang, "no_photo"), size=12, italic=True),
                width=200,
                height=260,
                alignment=ft.Alignment.CENTER,
                bgcolor=ft.Colors.GREY_100,
            )
        )
        cells.append(
            ft.Semantics(
                identifier=f"thumb-{s.source}",
                content=ft.Container(
                    ft.Column([ft.Text(label, weight=ft.FontWeight.BOLD), picture], spacing=4),
                    on_click=later(c.show_photo, sha) if data else None,
                    tooltip=t(lang, "photo_zoom") if data else None,
                    padding=4,
                    border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                    border_radius=6,
                ),
            )
        )
    return ft.Row(cells, spacing=8, scroll=ft.ScrollMode.AUTO)


def _value_cell(value: Any, differs: bool) -> ft.Control:
    if value is None:
        return ft.Text("-")
    if not differs:
        return ft.Text(str(value))
    return ft.Row(
        [
            ft.Icon(ft.Icons.ERROR, color=ft.Colors.RED_800, size=16),
            ft.Text(f"{value} ≠", color=ft.Colors.RED_900, weight=ft.FontWeight.BOLD),
        ],
        spacing=2,
        tight=True,
    )


def _field_cell(f: FieldComparison, lang: str) -> ft.Control:
    words: list[ft.Control] = [ft.Text(f.label or f.field, weight=ft.FontWeight.W_600)]
    if f.disputed:
        words.append(chip(t(lang, "state_disputed"), ft.Colors.RED_700, ft.Icons.REPLAY))
    elif f.verified:
        words.append(chip(t(lang, "state_verified"), ft.Colors.GREEN_800, ft.Icons.VERIFIED))
    elif f.state == "conflict":
        words.append(chip(t(lang, "state_conflict"), ft.Colors.RED_700, ft.Icons.CALL_SPLIT))
    elif f.state == "single":
        words.append(ft.Text(t(lang, "state_single"), size=11, italic=True))
    return ft.Row(words, spacing=6, tight=True)


def _decision_cell(c: ComparisonModel, f: FieldComparison, lang: str) -> ft.Control:
    name = f.field
    if not c.editable(f):
        return ft.Text(c.typed.get(name, ""), weight=ft.FontWeight.BOLD)
    return ft.TextField(
        value=c.typed.get(name, ""),
        label=f"{t(lang, 'decision')} {f.label or name}",
        width=150,
        dense=True,
        keyboard_type=ft.KeyboardType.NUMBER,
        input_filter=ft.NumbersOnlyInputFilter(),  # type: ignore[no-untyped-call]
        on_change=lambda e: c.type_value(name, str(e.control.value or "")),
    )


def _table(c: ComparisonModel, d: TpsComparison, lang: str) -> ft.Control:
    sources = d.sources
    cols = [ft.DataColumn(label=ft.Text(t(lang, "field"), weight=ft.FontWeight.BOLD))]
    cols += [ft.DataColumn(label=_source_head(c, s, lang), numeric=True) for s in sources]
    cols.append(ft.DataColumn(label=ft.Text(t(lang, "decision"), weight=ft.FontWeight.BOLD)))
    rows = []
    # Differences first (then form order), so the supervisor never scrolls to find them.
    for f in sorted(d.fields, key=lambda f: not f.needs_decision and f.state != "conflict"):
        values, disputed = f.values, f.disputed
        common = f.value if disputed else majority(values)
        diff = f.state == "conflict" or bool(disputed)
        cells = [ft.DataCell(_field_cell(f, lang))]
        for s in sources:
            v = values.get(s.source)
            cells.append(ft.DataCell(_value_cell(v, diff and v is not None and v != common)))
        cells.append(ft.DataCell(_decision_cell(c, f, lang)))
        rows.append(ft.DataRow(cells=cells, color=DIFF_BG if diff else None))
    return ft.DataTable(
        columns=cols,
        rows=rows,
        column_spacing=18,
        data_row_min_height=38,
        data_row_max_height=60,
        heading_row_height=64,
    )


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
        ]
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
        width=380,
        scroll=ft.ScrollMode.AUTO,
        spacing=8,
    )
    grid = ft.Column(
        [
            x
            for x in (
                _thumbs(c, d, lang),
                ft.Row([_table(c, d, lang)], scroll=ft.ScrollMode.AUTO),
                _findings(c, lang),
            )
            if x is not None
        ],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
    return ft.Column(
        [
            header(title, lang, c.load),
            summary,
            ft.Semantics(
                identifier="tps-compare",
                expand=True,
                content=ft.Row(
                    [grid, ft.VerticalDivider(width=1), side],
                    expand=True,
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
            ),
        ],
        expand=True,
        spacing=8,
    )
