"""Enrolment: server address (prefilled) and the one-time code, typed or read from the admin's
QR code (views/enrol_qr.py); once, then straight to work."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import keep, use_model
from app.ui.state.enrol_form import EnrolForm
from app.ui.state.session import Session
from app.ui.views.enrol_qr import QrEnrol


@ft.component
def EnrolScreen(session: Session) -> ft.Control:
    lang = session.lang
    services = session.services
    form = use_model(lambda: EnrolForm(services.store, server_url=services.server_url))

    async def submit() -> None:
        identity = await form.submit()
        if identity is not None:
            session.enrolled(identity)

    return ft.Container(
        padding=20,
        content=ft.Column(
            keep(
                ft.Icon(ft.Icons.HOW_TO_VOTE, size=56, color=ft.Colors.BLUE_900),
                ft.Text(t(lang, "app_title"), size=26, weight=ft.FontWeight.BOLD),
                ft.Text(t(lang, "enrol_title"), size=20),
                ft.Text(t(lang, "enrol_help")),
                ft.TextField(
                    label=t(lang, "server_url"),
                    value=form.server_url,
                    keyboard_type=ft.KeyboardType.URL,
                    on_change=lambda e: form.set_server(e.control.value or ""),
                ),
                ft.TextField(
                    label=t(lang, "enrol_code"),
                    value=form.code,
                    capitalization=ft.TextCapitalization.CHARACTERS,
                    on_change=lambda e: form.set_code(e.control.value or ""),
                    on_submit=submit,
                ),
                ft.Semantics(
                    identifier="enrol-error",
                    content=ft.Text(form.error(lang), color=ft.Colors.RED_900),
                )
                if form.error(lang)
                else None,
                ft.Semantics(
                    identifier="enrol-notice",
                    content=ft.Row(
                        [
                            ft.Icon(ft.Icons.QR_CODE_2, color=ft.Colors.GREEN_900),
                            ft.Text(form.notice(lang), color=ft.Colors.GREEN_900, expand=True),
                        ]
                    ),
                )
                if form.notice(lang)
                else None,
                ft.ProgressBar() if form.busy else None,
                ft.FilledButton(
                    t(lang, "enrol_busy") if form.busy else t(lang, "enrol_submit"),
                    icon=ft.Icons.LOGIN,
                    disabled=form.busy,
                    on_click=submit,
                    height=48,
                ),
                QrEnrol(form, lang),
                ft.Row(
                    [
                        ft.TextButton(
                            "Bahasa Indonesia", height=48, on_click=lambda: session.set_lang("id")
                        ),
                        ft.TextButton(
                            "English", height=48, on_click=lambda: session.set_lang("en")
                        ),
                    ]
                ),
            ),
            spacing=14,
            scroll=ft.ScrollMode.AUTO,
        ),
    )
