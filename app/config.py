"""What the field app and the supervisor console read from the environment, what they open on
this device (the store, the region, the election), and how a page is served.

Config is read once at start-up (`AppConfig.from_env`) and injected; nothing reads the
environment later.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import flet as ft

from app.store import Store, open_store
from app.store.regions import RegionIndex, load_registry
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
    export_dir: Path | None = None  # the console's exports; None: data_dir / "ekspor"
    tile_url: str = ""  # the console map's tile server (e.g. a local one); "": no tiles

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> AppConfig:
        env = dict(os.environ if env is None else env)
        data = env.get("PANTAU_DATA_DIR") or env.get("FLET_APP_STORAGE_DATA") or "data/device"
        exports = env.get("PANTAU_EXPORT_DIR")
        return cls(
            server_url=env.get("PANTAU_SERVER_URL", cls.server_url),
            data_dir=Path(data),
            port=int(env.get("PANTAU_APP_PORT", cls.port)),
            web=_wants_web(env),
            sync_interval_s=float(env.get("PANTAU_SYNC_INTERVAL", cls.sync_interval_s)),
            export_dir=Path(exports) if exports else None,
            tile_url=env.get("PANTAU_TILE_URL", ""),
        )

    @property
    def exports(self) -> Path:
        return self.export_dir or self.data_dir / "ekspor"


def _wants_web(env: dict[str, str]) -> bool:
    """Web mode when asked, or on a Linux box with no screen; never inside a packaged app."""
    if env.get("PANTAU_WEB") in ("0", "1"):
        return env["PANTAU_WEB"] == "1"
    if env.get("FLET_PLATFORM"):  # Android/iOS/desktop builds embed their own client
        return False
    headless = not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return sys.platform.startswith("linux") and headless


@dataclass(frozen=True)
class Device:
    """What this device holds: its store, the region index and the election definition."""

    store: Store
    regions: RegionIndex
    election: Election


def open_device(config: AppConfig) -> Device:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return Device(
        store=open_store(config.data_dir / "device.db"),
        regions=RegionIndex(load_registry(config.region_csv)),
        election=Election.model_validate_json(config.election_file.read_text(encoding="utf-8")),
    )


def serve(main: Callable[[ft.Page], None], config: AppConfig, name: str) -> None:
    """A desktop window, or (web mode) a local page on 127.0.0.1 with no CDN."""
    if config.web:
        print(f"{name}: http://127.0.0.1:{config.port}/", flush=True)
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
