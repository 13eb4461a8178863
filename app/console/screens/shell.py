"""The console shell: a navigation rail on the left, the chosen screen on the right."""

from __future__ import annotations

import flet as ft

from app.console.state.console import Models
from app.console.state.shell import TABS, Nav
from app.console.strings import t

RAIL = (
    ("nav_queue", ft.Icons.INBOX),
    ("nav_tps", ft.Icons.COMPARE_ARROWS),
    ("nav_incidents", ft.Icons.REPORT),
    ("nav_conflicts", ft.Icons.CALL_SPLIT),
    ("nav_map", ft.Icons.MAP),
    ("nav_dashboard", ft.Icons.INSIGHTS),
    ("nav_exports", ft.Icons.DOWNLOAD),
)


def _body(m: Models, nav: Nav) -> ft.Control:
    from app.console.screens.conflicts import ConflictsScreen
    from app.console.screens.dashboard import DashboardScreen
    from app.console.screens.exports import ExportsScreen
    from app.console.screens.incidents import IncidentsScreen
    from app.console.screens.map import MapScreen
    from app.console.screens.queue import QueueScreen
    from app.console.screens.tps import TpsScreen

    lang = nav.lang
    screens = (
        lambda: QueueScreen(m, m.queue, lang),
        lambda: TpsScreen(m, m.comparison, lang),
        lambda: IncidentsScreen(m.incidents, lang),
        lambda: ConflictsScreen(m.conflicts, lang),
        lambda: MapScreen(m, m.plan, lang),
        lambda: DashboardScreen(m, m.dashboard, lang),
        lambda: ExportsScreen(m, m.exports, lang),
    )
    return screens[nav.tab]()


def shortcut(key: str, ctrl: bool) -> str | None:
    """The console's keyboard shortcuts (ux.md): Ctrl+Enter (Cmd+Enter) verifies the open TPS.
    Opening a queue row is Tab to its "Buka" button and Enter, as for any button."""
    if ctrl and key == "Enter":
        return "verify"
    return None


@ft.component
def Shell(m: Models, nav: Nav) -> ft.Control:
    async def first() -> None:
        await m.go(nav.tab)

    def on_key(e: ft.KeyboardEvent) -> None:
        if shortcut(e.key, e.ctrl or e.meta) == "verify" and TABS[nav.tab] == "tps":
            m.comparison.ask()

    def listen() -> None:
        page = ft.context.page
        page.on_keyboard_event = on_key
        page.update()

    ft.use_effect(first, [])
    ft.use_effect(listen, [])

    async def change(e: ft.Event[ft.NavigationRail]) -> None:
        await m.go(int(e.control.selected_index or 0))

    ident = m.backend.store.identity()
    rail = ft.NavigationRail(
        selected_index=nav.tab,
        label_type=ft.NavigationRailLabelType.ALL,
        min_width=88,
        leading=ft.Column(
            [
                ft.Icon(ft.Icons.SHIELD, color=ft.Colors.INDIGO_800, size=30),
                ft.Text("Pantau TPS", size=12, weight=ft.FontWeight.BOLD),
            ],
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=2,
        ),
        trailing=ft.TextButton(t(nav.lang, "lang_switch"), on_click=nav.toggle_lang),
        destinations=[
            ft.NavigationRailDestination(icon=icon, label=t(nav.lang, key)) for key, icon in RAIL
        ],
        on_change=change,
    )
    who = f"{ident.name} · {ident.role}" if ident else ""
    top = ft.Row(
        [
            ft.Text(t(nav.lang, "title"), size=13, color=ft.Colors.ON_SURFACE_VARIANT),
            # at phone width the name wraps between words in what is left, never cut off
            ft.Text(
                who,
                size=13,
                color=ft.Colors.ON_SURFACE_VARIANT,
                expand=True,
                text_align=ft.TextAlign.RIGHT,
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    content = ft.Container(
        ft.Column([top, ft.Container(_body(m, nav), expand=True)], spacing=4, expand=True),
        expand=True,
        padding=ft.Padding.only(left=12, right=12, top=6, bottom=6),
    )
    return ft.Row([rail, ft.VerticalDivider(width=1), content], expand=True, spacing=0)
