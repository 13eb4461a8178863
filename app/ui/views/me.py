"""Saya: who I am (name, role, party, assigned TPS, device), language, server, sign out."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import header, keep, section
from app.ui.state.session import Session

SHOWN_TPS = 5


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


def _assigned(session: Session) -> str:
    """The first few assigned TPS and how many more (a police officer may have many)."""
    ident = session.identity
    tps = session.services.regions.assigned(ident.scope if ident else ())
    text = ", ".join(x.label for x in tps[:SHOWN_TPS]) or "-"
    if len(tps) > SHOWN_TPS:
        text += " " + t(session.lang, "and_more", n=len(tps) - SHOWN_TPS)
    return f"{t(session.lang, 'assigned')}: {text}"


def _info(session: Session) -> list[ft.Control]:
    lang, ident = session.lang, session.identity
    if ident is None:
        return []
    return keep(
        ft.Text(f"{t(lang, 'name')}: {ident.name}", size=16),
        ft.Text(f"{t(lang, 'role')}: {t(lang, 'role_' + ident.role)}", size=16),
        ft.Text(f"{t(lang, 'party')}: {session.party_label()}", size=16)
        if ident.party is not None  # only a saksi is a party's witness
        else None,
        ft.Semantics(identifier="me-assigned", content=ft.Text(_assigned(session), size=16)),
        ft.Text(f"{t(lang, 'device')}: {ident.device_id}", size=13),
    )


@ft.component
def _Server(session: Session) -> ft.Control:
    lang = session.lang
    url = session.identity.server_url if session.identity else ""
    typed, set_typed = ft.use_state(url)
    note, set_note = ft.use_state("")

    def save() -> None:
        set_note("server_saved" if session.set_server(typed) else "server_bad")

    return section(
        t(lang, "server_change"),
        keep(
            ft.TextField(
                label=t(lang, "server_url"),
                value=typed,
                keyboard_type=ft.KeyboardType.URL,
                on_change=lambda e: set_typed(e.control.value or ""),
            ),
            ft.Semantics(identifier="server-note", content=ft.Text(t(lang, note)))
            if note
            else None,
            ft.OutlinedButton(t(lang, "save"), icon=ft.Icons.SAVE, height=48, on_click=save),
        ),
    )


@ft.component
def _SignOut(session: Session) -> ft.Control:
    lang = session.lang
    blocked, set_blocked = ft.use_state(0)
    page = ft.context.page

    def confirmed() -> None:
        page.pop_dialog()
        if not session.sign_out():
            set_blocked(max(1, session.services.store.pending_records()))

    def ask() -> None:
        page.show_dialog(
            ft.AlertDialog(
                modal=True,
                title=ft.Text(t(lang, "sign_out")),
                content=ft.Text(t(lang, "sign_out_help")),
                actions=[
                    ft.TextButton(t(lang, "cancel"), on_click=lambda: page.pop_dialog()),
                    ft.FilledButton(t(lang, "sign_out_confirm"), on_click=confirmed),
                ],
            )
        )

    return section(
        t(lang, "sign_out"),
        keep(
            ft.Text(t(lang, "sign_out_help")),
            ft.Semantics(
                identifier="sign-out-blocked",
                content=ft.Text(t(lang, "sign_out_blocked", n=blocked), color=ft.Colors.RED_900),
            )
            if blocked
            else None,
            ft.OutlinedButton(t(lang, "sign_out"), icon=ft.Icons.LOGOUT, height=48, on_click=ask),
        ),
    )


@ft.component
def MeScreen(session: Session) -> ft.Control:
    lang = session.lang
    return ft.Column(
        [
            header(t(lang, "me_title"), None, lang),
            section(t(lang, "me_title"), _info(session)),
            section(
                t(lang, "language"),
                [ft.Row([_lang_button(session, "id"), _lang_button(session, "en")], wrap=True)],
            ),
            _Server(session),
            _SignOut(session),
        ],
        scroll=ft.ScrollMode.AUTO,
        expand=True,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
