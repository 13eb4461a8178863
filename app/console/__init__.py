"""The supervisor console (laptop): review queue, TPS comparison, incidents, conflicts, map and
deployment plan, dashboard, exports, behind a navigation rail.

Wire it in the field app's shell for a supervisor/admin identity:

    if session.identity.role in CONSOLE_ROLES:
        return console_view(services)
"""

from __future__ import annotations

import flet as ft

from app.console.backend import Backend, error_text
from app.console.screens.shell import Shell
from app.console.state.console import Models
from app.sync import SyncError
from app.ui.state.services import Services

CONSOLE_ROLES = frozenset({"supervisor", "admin"})


@ft.component
def Console(backend: Backend) -> ft.Control:
    """The whole console for one session (its state lives as long as the page)."""
    models = ft.use_memo(lambda: Models.create(backend), [])
    return Shell(models, models.nav)


@ft.component
def ConsoleRoot(services: Services) -> ft.Control:
    def make() -> Backend | tuple[str, str]:
        try:
            return Backend.for_services(services.store, services.regions, services.election)
        except SyncError as exc:
            return error_text(exc)

    backend = ft.use_memo(make, [])
    if isinstance(backend, tuple):
        return ft.Container(ft.Text(backend[0], size=18), padding=24)
    return Console(backend)


def console_view(services: Services) -> list[ft.View]:
    """The console as the page's only view (for `page.render_views` / the app shell)."""
    return [ft.View(route="/", padding=0, controls=[ConsoleRoot(services)])]


__all__ = ["CONSOLE_ROLES", "Console", "ConsoleRoot", "console_view"]
