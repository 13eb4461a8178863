"""The foot of a form whose record becomes final: the reason, then "Final" or "Koreksi"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.i18n import t
from app.ui.state.correction import Correctable


def final_note(form: Correctable, lang: str) -> ft.Control | None:
    return None if form.editable else ft.Text(t(lang, "is_final"))


def reason_field(form: Correctable, lang: str, always: bool = False) -> ft.Control | None:
    """The reason: asked for while correcting (the C.Hasil also asks it to explain warnings)."""
    if not (always or form.correcting):
        return None
    return ft.TextField(
        label=t(lang, "reason"),
        helper=t(lang, "reason_help" if always else "reason_correction"),
        value=form.alasan,
        multiline=True,
        read_only=not form.editable,
        on_change=lambda e: form.set_reason(e.control.value or ""),
    )


def final_button(form: Correctable, lang: str, on_final: Callable[[], Any]) -> ft.Control:
    if form.editable:
        return ft.FilledButton(t(lang, "final"), icon=ft.Icons.CHECK, on_click=on_final, height=48)
    return ft.OutlinedButton(
        t(lang, "correct"), icon=ft.Icons.EDIT, on_click=form.start_correction, height=48
    )
