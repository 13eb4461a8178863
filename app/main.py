"""Wiring only: config from the environment, store, region and election, then page.render."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import flet as ft

from app.store import open_store
from app.store.regions import RegionIndex, load_registry
from app.ui.state.services import Services
from app.ui.views.app import App
from core.election import Election

ROOT = Path(__file__).resolve().parent.parent
# Flet serves its web client cross-origin isolated, so Chromium would pick multi-threaded
# skwasm, whose raster worker can stall for good (flutter/flutter#190039): the page keeps
# working, but the screen stays frozen on its first frame ("Working..."). CanvasKit paints
# on the page's own thread, and Flet says it moves update buffers faster too.
WEB_RENDERER = ft.WebRenderer.CANVAS_KIT


@dataclass(frozen=True)
class AppConfig:
    server_url: str = "http://127.0.0.1:8765"
    data_dir: Path = Path("data/device")
    port: int = 8550
    web: bool = False
    sync_interval_s: float = 10.0
    region_csv: Path = ROOT / "assets/data/jombang_wilayah.csv"
    election_file: Path = ROOT / "assets/elections/pemilu2024.json"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AppConfig:
        env = dict(os.environ if env is None else env)
        data = env.get("PANTAU_DATA_DIR") or env.get("FLET_APP_STORAGE_DATA") or "data/device"
        return cls(
            server_url=env.get("PANTAU_SERVER_URL", cls.server_url),
            data_dir=Path(data),
            port=int(env.get("PANTAU_APP_PORT", cls.port)),
            web=_wants_web(env),
            sync_interval_s=float(env.get("PANTAU_SYNC_INTERVAL", cls.sync_interval_s)),
        )


def _wants_web(env: dict[str, str]) -> bool:
    """Web mode when asked, or on a Linux box with no screen; never inside a packaged app."""
    if env.get("PANTAU_WEB") in ("0", "1"):
        return env["PANTAU_WEB"] == "1"
    if env.get("FLET_PLATFORM"):  # Android/iOS/desktop builds embed their own client
        return False
    headless = not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return sys.platform.startswith("linux") and headless


def build_services(config: AppConfig) -> Services:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return Services(
        store=open_store(config.data_dir / "device.db"),
        regions=RegionIndex(load_registry(config.region_csv)),
        election=Election.model_validate_json(config.election_file.read_text(encoding="utf-8")),
        server_url=config.server_url,
        sync_interval_s=config.sync_interval_s,
    )


def run(config: AppConfig | None = None) -> None:
    config = config or AppConfig.from_env()
    services = build_services(config)

    def main(page: ft.Page) -> None:
        page.title = "Pantau TPS"
        page.theme_mode = ft.ThemeMode.LIGHT
        page.theme = ft.Theme(color_scheme_seed=ft.Colors.INDIGO)
        page.render_views(App, services)

    if config.web:
        print(f"Pantau TPS: http://127.0.0.1:{config.port}/", flush=True)
        ft.run(
            main,
            view=ft.AppView.WEB_BROWSER,
            host="127.0.0.1",
            port=config.port,
            no_cdn=True,
            web_renderer=WEB_RENDERER,
        )
    else:
        ft.run(main)
