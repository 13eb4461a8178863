"""The supervisor console alone, in web mode, for browser tests: an enrolled laptop store.

Env: PANTAU_DATA_DIR (the laptop's data folder), PANTAU_SERVER_URL, PANTAU_ENROL_CODE (used
once, if the store is not enrolled yet), PANTAU_APP_PORT; optional PANTAU_EXPORT_DIR and
PANTAU_TILE_URL. Serves only on 127.0.0.1 with no CDN.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import flet as ft

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.console import console_view
from app.main import WEB_RENDERER, AppConfig, build_services
from app.sync import enrol
from app.ui.state.services import Services


@ft.component
def ConsoleApp(services: Services) -> list[ft.View]:
    return console_view(services)


def main() -> None:
    config = AppConfig.from_env()
    services = build_services(config)
    code = os.environ.get("PANTAU_ENROL_CODE", "")
    if services.store.identity() is None and code:
        enrol(services.store, config.server_url, code, "laptop supervisor")

    def start(page: ft.Page) -> None:
        page.title = "Pantau TPS - Konsol"
        page.theme_mode = ft.ThemeMode.LIGHT
        page.theme = ft.Theme(color_scheme_seed=ft.Colors.INDIGO)
        page.render_views(ConsoleApp, services)

    print(f"console: http://127.0.0.1:{config.port}/", flush=True)
    ft.run(
        start,
        view=ft.AppView.WEB_BROWSER,
        host="127.0.0.1",
        port=config.port,
        no_cdn=True,
        web_renderer=WEB_RENDERER,  # as the field app: see app/main.py
    )


if __name__ == "__main__":
    main()
