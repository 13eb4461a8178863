"""What the console's state needs from outside: the review client, the device store (for
verifications and incident changes, sent by the normal sync), the region, the election, where
exports go, and the map's tile URL. Plus the one mapping from exceptions to words.

Everything here goes through app.sync and app.store's public verbs; config is injected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.config import AppConfig, Device
from app.console.strings import t
from app.store import Store
from app.store.regions import RegionIndex
from app.sync import AuthError, Offline, SyncError
from app.sync.review import ReviewClient
from app.sync.runner import sync_now
from core.election import Election

SyncFn = Callable[[Store], None]
# 403s that refuse one action (say why), not the account (ask the admin).
REFUSED_ONE_ACTION = frozenset({"forbidden", "out_of_scope"})


@dataclass
class Backend:
    store: Store
    client: ReviewClient
    regions: RegionIndex
    election: Election
    export_dir: Path
    tile_url: str = ""
    sync: SyncFn = sync_now

    @classmethod
    def open(
        cls, device: Device, config: AppConfig, transport: httpx.BaseTransport | None = None
    ) -> Backend:
        """The console for this device's enrolled identity (SyncError `not_enrolled` if none)."""
        client = ReviewClient.for_store(device.store, transport)
        return cls(device.store, client, device.regions, device.election, config.exports,
                   config.tile_url)  # fmt: skip

    def kecamatan(self) -> list[tuple[str, str]]:
        """(code, name) of every kecamatan, in code order."""
        return sorted((a.code, a.name) for a in self.regions.registry.kecamatan())


def error_text(exc: BaseException) -> tuple[str, str]:
    """Words for a failure, in both languages, saying what to do; never a traceback. (The
    caller logs a failure nobody planned for: Loadable.call, EnrolGate.submit.)"""
    if isinstance(exc, Offline):
        return t("id", "err_offline"), t("en", "err_offline")
    if isinstance(exc, AuthError) and exc.code not in REFUSED_ONE_ACTION:
        return t("id", "err_auth", msg=exc.message), t("en", "err_auth", msg=exc.message_en)
    if isinstance(exc, SyncError):
        if exc.code == "not_enrolled":
            return t("id", "err_not_enrolled"), t("en", "err_not_enrolled")
        return t("id", "err_server", msg=exc.message), t("en", "err_server", msg=exc.message_en)
    what = type(exc).__name__
    return t("id", "err_unexpected", what=what), t("en", "err_unexpected", what=what)
