"""What the app holds between requests: settings, a store factory and the server's HLC clock.

Routes reach it through `StoreDep` / `RuntimeDep`; nothing here is opened at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, cast

from fastapi import Depends, Request

from core.hlc import Clock
from sync_server.guard import EnrolGuard
from sync_server.review.worker import ReconWorker
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.pool import StorePool


class ServerClock:
    """The server's hybrid logical clock, shared by request threads."""

    def __init__(self, wall: Callable[[], int]) -> None:
        self._clock = Clock(wall)
        self._lock = threading.Lock()
        self.wall = wall

    def now(self) -> int:
        with self._lock:
            return self._clock.now()

    def observe(self, remote: int) -> None:
        with self._lock:
            self._clock.observe(remote)


@dataclass
class Runtime:
    settings: Settings
    open_store: Callable[[], Store]
    clock: ServerClock = field(init=False)
    enrol_guard: EnrolGuard = field(default_factory=EnrolGuard)
    key: bytes = field(init=False)  # enrolment codes are stored as HMACs under it
    recon_worker: ReconWorker = field(init=False)
    pool: StorePool = field(init=False)

    def __post_init__(self) -> None:
        self.clock = ServerClock(self.settings.now_ms)
        self.key = server_key(self.settings)
        self.recon_worker = ReconWorker(self.open_store, self.settings.election_file)
        self.pool = StorePool(self.open_store)


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
