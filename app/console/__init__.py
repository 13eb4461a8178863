"""The supervisor console (laptop): review queue, TPS comparison, incidents, conflicts, map and
deployment plan, dashboard, exports, behind a navigation rail.

Started on its own (`python -m app.console`, app.console.main), it asks for a supervisor's
enrolment code when the laptop is not enrolled yet. The field app's main hands a supervisor or
admin identity to it through `console_for`.
"""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.config import AppConfig, Device
from app.console.backend import Backend, error_text
from app.console.screens.enrol import EnrolPane
from app.console.screens.shell import Shell
from app.console.state.console import Models
from app.console.state.enrol import CONSOLE_ROLES, EnrolGate
from app.sync import SyncError


@ft.component
def Console(backend: Backend) -> ft.Control:
    """The whole console for one session (its state lives as long as the page)."""
    models = ft.use_memo(lambda: Models.create(backend), [])
    return Shell(models, models.nav)


@ft.component
def ConsoleOpen(device: Device, config: AppConfig) -> ft.Control:
    def make() -> Backend | tuple[str, str]:
        try:
            return Backend.open(device, config)
        except SyncError as exc:
            return error_text(exc)

    backend = ft.use_memo(make, [])
    if isinstance(backend, tuple):
        return ft.Container(ft.Text(backend[0], size=18), padding=24)
    return Console(backend)


@ft.component
def ConsoleRoot(device: Device, config: AppConfig) -> ft.Control:
    """Enrolment until this device holds a supervisor or admin identity, then the console."""
    # made once per page and, being observable, re-renders this when it changes
    gate: EnrolGate = ft.use_state(lambda: EnrolGate(device.store, config.server_url))[0]  # type: ignore[arg-type,return-value]
    if not gate.may_review():
        return EnrolPane(gate)
    return ConsoleOpen(device, config)


def console_view(device: Device, config: AppConfig) -> list[ft.View]:
    """The console as the page's only view (for `page.render_views` / the app shell)."""
    return [ft.View(route="/", padding=0, controls=[ConsoleRoot(device, config)])]


def console_for(device: Device, config: AppConfig) -> Callable[[str], list[ft.View] | None]:
    """For the field app's shell: the console's views for a reviewer role, else None."""

    def views(role: str) -> list[ft.View] | None:
        return console_view(device, config) if role in CONSOLE_ROLES else None

    return views


__all__ = ["CONSOLE_ROLES", "Console", "ConsoleRoot", "console_for", "console_view"]
