"""Saya: who I am (name, role, party, assigned TPS, device) and the language switch."""

from __future__ import annotations

import flet as ft

from app.ui.components import header, section
from app.ui.i18n import t
from app.ui.state.session import Session


def _lang_button(session: Session, code: str) -> ft.Control:
    label = t(session.lang, f"lang_{code}")
    chosen = session.lang == code
    make = ft.FilledButton if chosen else ft.OutlinedButton
    return make(
        label,
        icon=ft.Icons.CHECK if chosen else None,
        height=48,
        on_click=lambda: session.set_lang(code),
    )


@ft.component
def MeScreen(session: Session) -> ft.Control:
    lang, ident = session.lang, session.identity
    info: list[ft.Control] = []
    if ident is not None:
        tps = session.services.regions.assigned(ident.scope, limit=5)
        info = [
            ft.Text(f"{t(lang, 'name')}: {ident.name}", size=16),
            ft.Text(f"{t(lang, 'role')}: {t(lang, 'role_' + ident.role)}", size=16),
            ft.Text(f"{t(lang, 'party')}: {session.party_label()}", size=16),
            ft.Text(f"{t(lang, 'assigned')}: " + ", ".join(x.label for x in tps), size=16),
            ft.Text(f"{t(lang, 'device')}: {ident.device_id} · {ident.server_url}", size=13),
        ]
    return ft.Column(
        [
            header(t(lang, "me_title"), None, lang),
            section(t(lang, "me_title"), info),
            section(
                t(lang, "language"),
                [ft.Row([_lang_button(session, "id"), _lang_button(session, "en")], wrap=True)],
            ),
        ],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
