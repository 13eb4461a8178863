"""Small pieces every console screen uses: header, counts, chips, status line, table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import flet as ft

from app.console.state.base import Loadable
from app.console.strings import t
from app.field_labels import field_label
from core.election import Election
from core.records import KINDS
from core.review import HistoryEntry

STATUS_STYLE: dict[str, tuple[str, ft.IconData]] = {
    "conflict": (ft.Colors.RED_700, ft.Icons.CALL_SPLIT),
    "verified": (ft.Colors.GREEN_800, ft.Icons.VERIFIED),
    "agree": (ft.Colors.TEAL_700, ft.Icons.DONE_ALL),
    "one_source": (ft.Colors.AMBER_900, ft.Icons.LOOKS_ONE),
    "partial": (ft.Colors.AMBER_900, ft.Icons.RULE),
    "no_data": (ft.Colors.BLUE_GREY_600, ft.Icons.RADIO_BUTTON_UNCHECKED),
}
SEVERITY_STYLE: dict[int, tuple[str, ft.IconData]] = {
    3: (ft.Colors.RED_700, ft.Icons.PRIORITY_HIGH),
    2: (ft.Colors.ORANGE_800, ft.Icons.WARNING_AMBER),
    1: (ft.Colors.BLUE_GREY_700, ft.Icons.INFO_OUTLINE),
    0: (ft.Colors.BLUE_GREY_500, ft.Icons.REMOVE),
}


def chip(words: str, color: str, icon: ft.IconData | None = None) -> ft.Control:
    """Colour, icon and words together: never colour alone."""
    parts: list[ft.Control] = [
        ft.Text(words, color=ft.Colors.WHITE, size=13, weight=ft.FontWeight.W_600)
    ]
    if icon is not None:
        parts.insert(0, ft.Icon(icon, color=ft.Colors.WHITE, size=16))
    return ft.Container(
        ft.Row(parts, spacing=4, tight=True),
        bgcolor=color,
        border_radius=12,
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
    )


def status_chip(status: str, words: str) -> ft.Control:
    color, icon = STATUS_STYLE.get(status, STATUS_STYLE["no_data"])
    return chip(words, color, icon)


def severity_chip(severity: int, lang: str) -> ft.Control:
    color, icon = SEVERITY_STYLE.get(severity, SEVERITY_STYLE[0])
    return chip(t(lang, f"sev_{severity if severity in SEVERITY_STYLE else 0}"), color, icon)


def header(title: str, lang: str, on_reload: Callable[[], Any] | None = None) -> ft.Control:
    """The screen's title and its reload button; at phone width the button goes under the
    title, so a long name wraps between words, not inside one."""
    items: list[ft.Control] = [ft.Text(title, size=22, weight=ft.FontWeight.BOLD)]
    if on_reload is not None:
        items.append(
            ft.OutlinedButton(t(lang, "reload"), icon=ft.Icons.REFRESH, on_click=on_reload)
        )
    return ft.Row(
        items,
        wrap=True,
        alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


def count_card(label: str, value: Any, ident: str, color: str = ft.Colors.INDIGO_800) -> ft.Control:
    body = ft.Column(
        [
            ft.Text(str(value), size=26, weight=ft.FontWeight.BOLD, color=color),
            ft.Text(label, size=13, color=ft.Colors.ON_SURFACE),
        ],
        spacing=0,
        tight=True,
    )
    box = ft.Container(
        body,
        padding=ft.Padding.symmetric(horizontal=14, vertical=8),
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=10,
    )
    return ft.Semantics(identifier=ident, content=box)


def status_line(model: Loadable, lang: str) -> ft.Control:
    """Progress (with numbers when known), the last error (what to do) and the last notice."""
    rows: list[ft.Control] = []
    if model.loading:
        words = model.progress(lang) or t(lang, "loading")
        rows.append(ft.Column([ft.ProgressBar(), ft.Text(words, size=13)], spacing=2))
    if model.error(lang):
        rows.append(
            _banner(
                model.error(lang),
                ft.Colors.RED_50,
                ft.Colors.RED_900,
                ft.Icons.ERROR_OUTLINE,
                "console-error",
            )
        )
    elif model.notice(lang) and not model.loading:
        rows.append(
            _banner(
                model.notice(lang),
                ft.Colors.GREEN_50,
                ft.Colors.GREEN_900,
                ft.Icons.CHECK_CIRCLE_OUTLINE,
                "console-notice",
            )
        )
    return ft.Column(rows, spacing=4)


def _banner(words: str, bg: str, fg: str, icon: ft.IconData, ident: str) -> ft.Control:
    row = ft.Row([ft.Icon(icon, color=fg), ft.Text(words, color=fg, expand=True)])
    return ft.Semantics(
        identifier=ident, content=ft.Container(row, bgcolor=bg, padding=8, border_radius=8)
    )


def table(
    columns: Sequence[str | ft.Control],
    rows: Sequence[Sequence[ft.Control | str]],
    *,
    numeric: Sequence[int] = (),
    colors: Sequence[str | None] | None = None,
    on_select: Sequence[Callable[[], Any] | None] | None = None,
    sortable: Sequence[int] = (),
    sorted_by: tuple[int, bool] | None = None,
    on_sort: Callable[[int, bool], Awaitable[Any]] | None = None,
    keys: Sequence[str] | None = None,
) -> ft.DataTable:
    """`sortable` columns call `on_sort(index, ascending)` from their header; `sorted_by`
    (index, ascending) draws the arrow. `keys` (one per row, stable per item) keep each row's
    controls with its item when the rows change order; without them a row's controls are
    updated in place, and Flutter web keeps the first semantics identifier of a node."""

    def cell(c: ft.Control | str) -> ft.DataCell:
        return ft.DataCell(ft.Text(c) if isinstance(c, str) else c)

    async def sort(e: ft.DataColumnSortEvent) -> None:
        if on_sort is not None:
            await on_sort(e.column_index, e.ascending)

    def col(i: int, c: str | ft.Control) -> ft.DataColumn:
        label = ft.Text(c, weight=ft.FontWeight.BOLD) if isinstance(c, str) else c
        handler = sort if on_sort is not None and i in sortable else None
        return ft.DataColumn(label=label, numeric=i in numeric, on_sort=handler)

    data_rows = []
    for i, r in enumerate(rows):
        color = colors[i] if colors else None
        select = on_select[i] if on_select else None
        data_rows.append(
            ft.DataRow(
                cells=[cell(c) for c in r],
                color=color,
                on_select_change=_on_select(select) if select else None,
                key=keys[i] if keys else None,
            )
        )
    return ft.DataTable(
        columns=[col(i, c) for i, c in enumerate(columns)],
        rows=data_rows,
        column_spacing=16,
        heading_row_height=44,
        data_row_min_height=40,
        data_row_max_height=56,
        show_checkbox_column=False,
        sort_column_index=sorted_by[0] if sorted_by else None,
        sort_ascending=sorted_by[1] if sorted_by else False,
    )


def _on_select(fn: Callable[[], Any]) -> Callable[[Any], Awaitable[None]]:
    """A row tap handler calling `fn`, awaited when it is a coroutine function."""

    async def handler(_e: Any) -> None:
        result = fn()
        if hasattr(result, "__await__"):
            await result

    return handler


def dropdown(
    label: str,
    value: str,
    options: Sequence[tuple[str, str]],
    on_select: Callable[[str], Any],
    width: int = 220,
    ident: str = "",
    menu: Mapping[str, str] | None = None,
) -> ft.Control:
    """`options` are (key, text shown once chosen); `menu` gives fuller words for the open
    list where they differ. `ident` names it for tests (flt-semantics-identifier)."""

    async def changed(e: ft.Event[ft.Dropdown]) -> None:
        result = on_select(str(e.control.value or ""))
        if hasattr(result, "__await__"):
            await result

    menu = menu or {}
    box = ft.Dropdown(
        label=label,
        value=value,
        width=width,
        dense=True,
        options=[
            ft.DropdownOption(key=k, text=text, content=ft.Text(menu[k]) if k in menu else None)
            for k, text in options
        ],
        on_select=changed,
    )
    return ft.Semantics(identifier=ident, content=box) if ident else box


def ballot_options(election: Election, lang: str) -> list[tuple[str, str]]:
    """(code, short name) of every ballot, for a dropdown's field: "PPWP", not "Presiden dan
    Wakil Presiden (PPWP)", which a phone-wide field cut off (`ballot_menu` has the names)."""
    return [(code, short_name(name)) for code, name in ballot_menu(election, lang).items()]


def ballot_menu(election: Election, lang: str) -> dict[str, str]:
    """code -> the ballot's full name, for a dropdown's open list."""
    return {b.code: b.name_en if lang == "en" else b.name_id for b in election.ballots}


def short_name(name: str) -> str:
    """The abbreviation a ballot's name ends with in brackets, else the name itself:
    "Regency/City Council (DPRD Kab/Kota)" -> "DPRD Kab/Kota"."""
    _, bracket, tail = name.rpartition(" (")
    return tail[:-1] if bracket and tail.endswith(")") else name


def later(fn: Callable[..., Awaitable[Any]], *args: Any) -> Callable[[], Awaitable[None]]:
    """An async click handler calling `fn(*args)` (Flet awaits only coroutine functions)."""

    async def handler() -> None:
        await fn(*args)

    return handler


def history_list(entries: list[HistoryEntry], lang: str, record_id: str) -> ft.Control:
    """One record's history: when, who, from which device, and what (or which conflict was
    resolved and why)."""
    items: list[ft.Control] = []
    for e in entries:
        line = t(
            lang,
            "history_entry",
            at=e.at,
            who=e.user_name,
            device=e.device_id or "-",
        )
        items.append(ft.Text(f"{line}\n{record_id}: {history_words(e, lang)}", size=12))
    return ft.Column(items, spacing=6)


# What says which record this is, not what changed in it.
IDENTITY_FIELDS = {"tps", "pemilu", "ballot", "status"}
# The form's order (I.A ... V.C for a tally): ops travel with their keys sorted.
FORM_ORDER = {name: i for i, name in enumerate(dict.fromkeys(
    name for model in KINDS.values() for name in model.model_fields))}  # fmt: skip


def history_words(e: HistoryEntry, lang: str) -> str:
    """One history entry in words: the fields changed, or the conflict resolved and why."""
    r = e.resolution
    if r:
        return t(lang, "history_resolution", id=r.conflict_id, field=r.field, value=r.value,
                 choice=t(lang, f"choice_{r.choice}"), alasan=r.alasan or "-")  # fmt: skip
    keys = sorted((k for k in e.fields if k not in IDENTITY_FIELDS),
                  key=lambda k: FORM_ORDER.get(k, len(FORM_ORDER)))  # fmt: skip
    names = [field_label(k, lang) for k in keys]  # the form's words, never the raw key
    what = t(lang, "changed", fields=", ".join(names[:6]) + ("…" if len(names) > 6 else ""))
    return what + (f" · {e.note}" if e.note else "")
