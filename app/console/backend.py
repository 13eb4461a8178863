"""What the console's state needs from outside: the review client, the device store (for
verifications and incident changes, sent by the normal sync), the region, the election, where
exports go, and the map's tile URL. Plus the one mapping from exceptions to words."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.console.strings import t
from app.store import Store
from app.store.regions import RegionIndex
from app.sync import AuthError, Offline, SyncError
from app.sync.review import ReviewClient
from app.ui.state.sync_state import run_sync
from core.election import Election

SyncFn = Callable[[Store], None]
# 403s that refuse one action (say why), not the account (ask the admin).
REFUSED_ONE_ACTION = frozenset({"forbidden", "out_of_scope"})
SYNC_WAIT_S = 20.0


def sync_now(store: Store) -> None:
    """Push the outbox now (sharing the field app's one-sync-at-a-time lock); bounded wait."""
    deadline = time.monotonic() + SYNC_WAIT_S
    while not run_sync(store, lambda _p: None):
        if time.monotonic() > deadline:
            raise SyncError(
                "Sinkron lain masih berjalan; data akan terkirim otomatis.",
                "Another sync is still running; the data will be sent automatically.",
                "sync_busy",
            )
        time.sleep(0.25)


def data_dir_of(store: Store) -> Path:
    """The folder of the device database (the app's data folder)."""
    for row in store.db.execute("pragma database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2]).resolve().parent
    return Path("data").resolve()


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
    def for_services(
        cls,
        store: Store,
        regions: RegionIndex,
        election: Election,
        env: dict[str, str] | None = None,
    ) -> Backend:
        """Config from PANTAU_EXPORT_DIR and PANTAU_TILE_URL, read when the console opens."""
        env = dict(os.environ if env is None else env)
        export_dir = Path(env.get("PANTAU_EXPORT_DIR") or data_dir_of(store) / "ekspor")
        client = ReviewClient.for_store(store)
        return cls(store, client, regions, election, export_dir, env.get("PANTAU_TILE_URL", ""))

    def kecamatan(self) -> list[tuple[str, str]]:
        """(code, name) of every kecamatan, in code order."""
        return sorted((a.code, a.name) for a in self.regions.registry.kecamatan())


def error_text(exc: BaseException) -> tuple[str, str]:
    """Words for a failure, in both languages, saying what to do; never a traceback."""
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
