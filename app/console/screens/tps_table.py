"""The comparison table: fields in rows, sources in columns, each source's C.Hasil photo in the
head of its own column (a tap opens it large to zoom), differences marked with a word and a
colour, the decision in the last column.

Two tables side by side with the same row heights: the field names stay put while the sources
scroll sideways, so the table reads at phone width (412 px) as on a laptop."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console.screens.widgets import chip, later
from app.console.state.comparison import ComparisonModel, majority
from app.console.strings import t
from core.review import FieldComparison, SourceTally, TpsComparison

DIFF_BG = ft.Colors.RED_50
ROW_H = 64  # every row of both tables, so they line up
HEAD_H = 176  # a source's name and its photo
THUMB_W, THUMB_H = 96, 124
FIELD_W = 118


def _more_pages(c: ComparisonModel, s: SourceTally, lang: str) -> list[ft.Control]:
    """Icons for the source's other photo pages (the first is the thumbnail)."""
    return [
        ft.Semantics(
            identifier=f"photo-{sha[:12]}",
            content=ft.IconButton(
                ft.Icons.PHOTO,
                tooltip=f"{t(lang, 'photo')} {i + 2}",
                on_click=later(c.show_photo, sha),
            ),
        )
        for i, sha in enumerate(s.photos[1:])
    ]


def _thumb(c: ComparisonModel, s: SourceTally, lang: str) -> ft.Control:
    sha = s.photos[0] if s.photos else ""
    data = c.thumbs.get(sha)
    if data:
        return ft.Image(
            src=data,
            width=THUMB_W,
            height=THUMB_H,
            fit=ft.BoxFit.COVER,
            semantics_label=t(lang, "photo_of", source=s.name(lang)),
        )
    words = t(lang, "no_photo") if not sha else t(lang, "photo_not_here")
    return ft.Container(
        ft.Text(words, size=11, italic=True, text_align=ft.TextAlign.CENTER),
        width=THUMB_W,
        height=THUMB_H,
        alignment=ft.Alignment.CENTER,
        bgcolor=ft.Colors.GREY_100,
    )


def source_head(c: ComparisonModel, s: SourceTally, lang: str) -> ft.Control:
    """The source's name over its photo; a tap on the photo opens it large."""
    sha = s.photos[0] if s.photos else ""
    shown = bool(c.thumbs.get(sha))
    picture = ft.Container(
        _thumb(c, s, lang),
        on_click=later(c.show_photo, sha) if shown else None,
        tooltip=t(lang, "photo_zoom") if shown else None,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=4,
    )
    pages = _more_pages(c, s, lang)
    body = ft.Column(
        [
            ft.Text(s.name(lang), weight=ft.FontWeight.BOLD, width=THUMB_W, max_lines=2),
            ft.Row([picture, *pages], spacing=0, tight=True),
        ],
        spacing=2,
        tight=True,
    )
    return ft.Semantics(identifier=f"thumb-{s.source}", content=body)


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
    row = ft.Row(words, spacing=4, run_spacing=2, wrap=True, width=FIELD_W)
    return ft.Semantics(identifier=f"field-{f.field}", content=row)


def _decision_cell(c: ComparisonModel, f: FieldComparison, lang: str) -> ft.Control:
    name = f.field
    if not c.editable(f):
        return ft.Text(c.typed.get(name, ""), weight=ft.FontWeight.BOLD)
    return ft.TextField(
        value=c.typed.get(name, ""),
        label=f"{t(lang, 'decision')} {f.label or name}",
        width=170,
        dense=True,
        keyboard_type=ft.KeyboardType.NUMBER,
        input_filter=ft.NumbersOnlyInputFilter(),  # type: ignore[no-untyped-call]
        on_change=lambda e: c.type_value(name, str(e.control.value or "")),
    )


def _grid(columns: list[ft.DataColumn], rows: list[ft.DataRow]) -> ft.DataTable:
    return ft.DataTable(
        columns=columns,
        rows=rows,
        column_spacing=14,
        horizontal_margin=8,
        data_row_min_height=ROW_H,
        data_row_max_height=ROW_H,
        heading_row_height=HEAD_H,
    )


def _bold(words: str) -> ft.Text:
    return ft.Text(words, weight=ft.FontWeight.BOLD)


def table(c: ComparisonModel, d: TpsComparison, lang: str) -> ft.Control:
    """The field names (fixed) beside the sources and the decision (scrolling sideways)."""
    names: list[ft.DataRow] = []
    values: list[ft.DataRow] = []
    # Differences first (then form order), so the supervisor never scrolls to find them.
    for f in sorted(d.fields, key=lambda f: not f.needs_decision and f.state != "conflict"):
        common = f.value if f.disputed else majority(f.values)
        diff = f.state == "conflict" or bool(f.disputed)
        colour = DIFF_BG if diff else None
        cells = [
            ft.DataCell(_value_cell(v, diff and v is not None and v != common))
            for v in (f.values.get(s.source) for s in d.sources)
        ]
        cells.append(ft.DataCell(_decision_cell(c, f, lang)))
        names.append(ft.DataRow(cells=[ft.DataCell(_field_cell(f, lang))], color=colour))
        values.append(ft.DataRow(cells=cells, color=colour))
    heads = [ft.DataColumn(label=source_head(c, s, lang), numeric=True) for s in d.sources]
    heads.append(ft.DataColumn(label=_bold(t(lang, "decision"))))
    fixed = ft.Container(
        _grid([ft.DataColumn(label=_bold(t(lang, "field")))], names),
        border=ft.Border.only(right=ft.BorderSide(1, ft.Colors.OUTLINE_VARIANT)),
    )
    moving = ft.Row([_grid(heads, values)], scroll=ft.ScrollMode.AUTO, expand=True)
    return ft.Semantics(
        identifier="compare-table",
        content=ft.Row(
            [fixed, moving],
            spacing=0,
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
    )
