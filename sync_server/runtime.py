"""What the app holds between requests: settings, a store factory and the server's HLC clock.

Routes reach it through `StoreDep` / `RuntimeDep` and hand services only what they use (the
clock, a setting); nothing here is opened at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, cast

from fastapi import Depends, Request

from sync_server.clock import ServerClock
from sync_server.review.worker import ReconWorker
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.pool import StorePool
from sync_server.sync.checkpoints import CheckpointTimer, load_or_create_key


class EnrolGuard:
    """Enrolment codes are short enough to type, so wrong guesses are rate-limited per client."""

    def __init__(self, max_failures: int = 10, window_ms: int = 10 * 60_000) -> None:
        self.max_failures = max_failures
        self.window_ms = window_ms
        self._failures: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now_ms: int) -> list[int]:
        kept = [t for t in self._failures.get(client, []) if now_ms - t < self.window_ms]
        self._failures[client] = kept
        return kept

    def allowed(self, client: str, now_ms: int) -> bool:
        with self._lock:
            return len(self._recent(client, now_ms)) < self.max_failures

    def failed(self, client: str, now_ms: int) -> None:
        with self._lock:
            self._recent(client, now_ms).append(now_ms)
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                self._failures.clear()


@dataclass
class Runtime:
    settings: Settings
    open_store: Callable[[], Store]
    clock: ServerClock = field(init=False)
    enrol_guard: EnrolGuard = field(default_factory=EnrolGuard)
    recon_worker: ReconWorker = field(init=False)
    pool: StorePool = field(init=False)
    checkpoints: CheckpointTimer = field(init=False)

    def __post_init__(self) -> None:
        self.clock = ServerClock(self.settings.now_ms)
        self.recon_worker = ReconWorker(self.open_store, self.settings.election_file)
        self.pool = StorePool(self.open_store)
        self.checkpoints = CheckpointTimer(self.open_store, lambda: self.server_key,
                                           self.settings.now_ms,
                                           self.settings.checkpoint_interval_s)  # fmt: skip

    @cached_property
    def server_key(self) -> bytes:
        """Signs checkpoints (sync_server/sync/checkpoints.py); read or made on first use."""
        return load_or_create_key(self.settings.key_path())


def get_runtime(request: Request) -> Runtime:
    return cast(Runtime, request.app.state.runtime)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_store(runtime: RuntimeDep) -> Iterator[Store]:
    """A connection for one request, back to the pool when the response is done."""
    store = runtime.pool.acquire()
    try:
        yield store
    except BaseException:
        runtime.pool.discard(store)
        raise
    runtime.pool.release(store)


StoreDep = Annotated[Store, Depends(get_store)]
