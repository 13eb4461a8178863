"""The supervisor console on its own: `python -m app.console` (config from the same PANTAU_*
variables as the field app, plus PANTAU_EXPORT_DIR and PANTAU_TILE_URL)."""

from __future__ import annotations

import logging

import flet as ft

from app.config import AppConfig, open_device, serve
from app.console import console_view


def run(config: AppConfig | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = config or AppConfig.from_env()
    device = open_device(config)

    @ft.component
    def ConsoleApp() -> list[ft.View]:
        return console_view(device, config)

    def main(page: ft.Page) -> None:
        page.title = "Pantau TPS - Konsol"
        page.theme_mode = ft.ThemeMode.LIGHT
        page.theme = ft.Theme(color_scheme_seed=ft.Colors.INDIGO)
        page.render_views(ConsoleApp)

    serve(main, config, "Pantau TPS - Konsol")
