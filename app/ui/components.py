"""Small building blocks shared by the screens: state chip, header, section, number field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flet as ft

from app.i18n import t
from app.ui.state.badge import Badge

T = TypeVar("T")

ICONS = {
    "empty": ft.Icons.RADIO_BUTTON_UNCHECKED,
    "draft": ft.Icons.EDIT_NOTE,
    "final_pending": ft.Icons.SCHEDULE_SEND,
    "pending": ft.Icons.SCHEDULE_SEND,
    "sent": ft.Icons.CLOUD_DONE,
    "attention": ft.Icons.ERROR,
    "conflict": ft.Icons.CALL_SPLIT,
}


def state_chip(lang: str, b: Badge, ident: str = "") -> ft.Control:
    """The record's state: icon, colour and words, never colour alone."""
    words = t(lang, f"chip_{b.key}")
    if b.key == "attention" and b.reason(lang):
        words = f"{words}: {b.reason(lang)}"
    chip = ft.Container(
        content=ft.Row(
            [
                ft.Icon(ICONS[b.key], color=ft.Colors.WHITE, size=16),
                ft.Text(words, color=ft.Colors.WHITE, size=13, weight=ft.FontWeight.W_600),
            ],
            spacing=4,
            tight=True,
            wrap=True,
        ),
        bgcolor=b.color,
        border_radius=14,
        padding=ft.Padding.symmetric(horizontal=10, vertical=4),
    )
    row = ft.Row([chip], tight=True)
    return ft.Semantics(identifier=ident, content=row) if ident else row


def header(title: str, on_back: Callable[[], Any] | None, lang: str) -> ft.Control:
    back = (
        ft.Semantics(
            identifier="back",
            content=ft.IconButton(ft.Icons.ARROW_BACK, tooltip=t(lang, "back"), on_click=on_back),
        )
        if on_back
        else ft.Container(width=8)
    )
    return ft.Row(
        [back, ft.Text(title, size=20, weight=ft.FontWeight.BOLD, expand=True)],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


def outside_scope(lang: str) -> ft.Control:
    """Why nothing can be written here (a TPS outside the user's scope)."""
    return ft.Semantics(
        identifier="outside-scope",
        content=ft.Container(
            ft.Row(
                [
                    ft.Icon(ft.Icons.LOCK_OUTLINE, color=ft.Colors.BROWN_900),
                    ft.Text(t(lang, "outside_scope"), color=ft.Colors.BROWN_900, expand=True),
                ]
            ),
            bgcolor=ft.Colors.AMBER_50,
            border=ft.Border.all(1, ft.Colors.AMBER_900),
            padding=12,
            border_radius=8,
        ),
    )


def section(title: str, controls: list[ft.Control]) -> ft.Control:
    return ft.Card(
        content=ft.Container(
            ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD), *controls], spacing=8),
            padding=12,
        ),
        semantic_container=False,
    )


@ft.component
def _number_field(
    label: str,
    value: int | None,
    on_change: Callable[[str], None],
    enabled: bool = True,
    error: bool = False,
    expand: bool | int | None = None,
) -> ft.Control:
    return ft.TextField(
        label=label,
        value="" if value is None else str(value),
        keyboard_type=ft.KeyboardType.NUMBER,
        input_filter=ft.NumbersOnlyInputFilter(),  # type: ignore[no-untyped-call]
        max_length=3,
        counter="",
        read_only=not enabled,
        expand=expand,
        border_color=ft.Colors.RED_700 if error else None,
        on_change=lambda e: on_change(e.control.value or ""),
    )


# Memoised: a field re-renders only when its own arguments change. Re-rendering every field of
# the form on each keystroke could send a stale value to a field whose new text is still on
# its way to Python, and the typed digits would vanish. `on_change` must be a stable callable.
number_field: Callable[..., ft.Control] = ft.memo(_number_field)  # type: ignore[no-untyped-call]


def finding_text(message: str, level: str, lang: str) -> ft.Control:
    colors = {
        "error": ft.Colors.RED_900,
        "warning": ft.Colors.ORANGE_900,
        "flag": ft.Colors.BLUE_900,
    }
    icons = {"error": ft.Icons.ERROR, "warning": ft.Icons.WARNING, "flag": ft.Icons.FLAG}
    return ft.Row(
        [
            ft.Icon(icons[level], color=colors[level], size=18),
            ft.Text(f"{t(lang, 'lvl_' + level)}: {message}", color=colors[level], expand=True),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def human_bytes(n: int) -> str:
    """Sizes people read: 850 B, 120 KB, 1.4 MB."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n // 1024} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def footer(*controls: ft.Control | None) -> ft.Control:
    """What stays above the navigation bar while the form scrolls: the Final step and what
    blocks it, so neither hides behind the bar."""
    return ft.Semantics(
        identifier="form-footer",
        content=ft.Container(
            ft.Column(keep(*controls), spacing=6, tight=True),
            padding=ft.Padding.only(top=6),
            border=ft.Border.only(top=ft.BorderSide(1, ft.Colors.OUTLINE_VARIANT)),
        ),
    )


def form_screen(body: list[ft.Control], foot: ft.Control, ref: Any = None) -> ft.Control:
    """A form: its fields scroll, its footer (Final, reasons it is refused) stays in view."""
    return ft.Column(
        [
            ft.Column(
                body,
                ref=ref,
                scroll=ft.ScrollMode.AUTO,
                expand=True,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
            ),
            foot,
        ],
        expand=True,
        spacing=0,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )


def keep(*controls: ft.Control | None) -> list[ft.Control]:
    """The controls that are there (lets a screen write `x if cond else None`)."""
    return [c for c in controls if c is not None]


def use_model(make: Callable[[], T]) -> T:
    """A state object made once per mounted screen (and subscribed when observable)."""
    value, _ = ft.use_state(make)  # type: ignore[arg-type]
    return value  # type: ignore[no-any-return]
