"""The console's first screen on a laptop that is not enrolled yet: server address and code."""

from __future__ import annotations

import flet as ft

from app.console.state.enrol import EnrolGate
from app.console.strings import t


@ft.component
def EnrolPane(gate: EnrolGate, lang: str = "id") -> ft.Control:
    role = gate.role()
    if role is not None:  # enrolled, but not as a reviewer
        words = t(lang, "enrol_field_role", role=role)
        return ft.Container(ft.Text(words, size=18), padding=24)
    error = gate.error(lang)
    return ft.Container(
        ft.Column(
            [
                ft.Text(t(lang, "enrol_title"), size=22, weight=ft.FontWeight.BOLD),
                ft.Text(t(lang, "enrol_help")),
                ft.TextField(
                    label=t(lang, "enrol_server"),
                    value=gate.server_url,
                    width=420,
                    on_change=lambda e: gate.set_server(str(e.control.value or "")),
                ),
                ft.TextField(
                    label=t(lang, "enrol_code"),
                    value=gate.code,
                    width=420,
                    on_change=lambda e: gate.set_code(str(e.control.value or "")),
                    on_submit=gate.submit,
                ),
                ft.FilledButton(t(lang, "enrol_submit"), on_click=gate.submit, disabled=gate.busy),
                ft.Semantics(
                    identifier="enrol-error",
                    content=ft.Text(error, color=ft.Colors.RED_800) if error else ft.Container(),
                ),
            ],
            spacing=12,
        ),
        padding=24,
    )
