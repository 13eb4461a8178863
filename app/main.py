"""Wiring only: config from the environment, store, region and election, then page.render.

A supervisor or admin identity gets the review console (app.console) in the same window.
"""

from __future__ import annotations

import flet as ft

from app.config import WEB_RENDERER, AppConfig, Device, open_device, serve
from app.console import console_for
from app.ui.state.services import Services
from app.ui.views.app import App

__all__ = ["WEB_RENDERER", "AppConfig", "build_services", "run"]


def build_services(config: AppConfig, device: Device | None = None) -> Services:
    device = device or open_device(config)
    return Services(
        store=device.store,
        regions=device.regions,
        election=device.election,
        server_url=config.server_url,
        sync_interval_s=config.sync_interval_s,
        console_for=console_for(device, config),
    )


def run(config: AppConfig | None = None) -> None:
    config = config or AppConfig.from_env()
    services = build_services(config)

    def main(page: ft.Page) -> None:
        page.title = "Pantau TPS"
        page.theme_mode = ft.ThemeMode.LIGHT
        page.theme = ft.Theme(color_scheme_seed=ft.Colors.INDIGO)
        page.render_views(App, services)

    serve(main, config, "Pantau TPS")
