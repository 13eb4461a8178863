"""What the app holds between requests: settings, a store factory and the server's HLC clock.

Routes reach it through `StoreDep` / `RuntimeDep` and hand services only what they use (the
clock, a setting); nothing here is opened at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, cast

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from sync_server.clock import ServerClock
from sync_server.gate import Gate
from sync_server.guard import EnrolGuard
from sync_server.review.worker import ReconWorker
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.base import Store, StoreBusy
from sync_server.store.busy import is_busy
from sync_server.store.pool import StorePool
from sync_server.sync.checkpoints import CheckpointTimer, load_or_create_key


@dataclass
class Runtime:
    settings: Settings
    open_store: Callable[[], Store]
    keep_idle: int = 8  # open stores kept between requests (0: the backend pools connections)
    slots: int = 16  # requests holding a store at once (sync_server/gate.py)
    clock: ServerClock = field(init=False)
    enrol_guard: EnrolGuard = field(default_factory=EnrolGuard)
    key: bytes = field(init=False)  # enrolment codes are stored as HMACs under it
    recon_worker: ReconWorker = field(init=False)
    pool: StorePool = field(init=False)
    checkpoints: CheckpointTimer = field(init=False)
    gate: Gate = field(init=False)

    def __post_init__(self) -> None:
        self.clock = ServerClock(self.settings.now_ms)
        self.key = server_key(self.settings)
        self.recon_worker = ReconWorker(self.open_store, self.settings.election_file)
        self.pool = StorePool(self.open_store, self.keep_idle)
        self.gate = Gate(self.slots)
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


async def get_store(runtime: RuntimeDep) -> AsyncIterator[Store]:
    """A connection for one request, back to the pool when the response is done. The request
    first waits its turn on the event loop (sync_server/gate.py), then opens the store in a
    worker thread: no thread ever waits for a connection."""
    async with runtime.gate.turn():
        # A kept connection is taken and given back on the loop itself (a list operation);
        # opening or closing one (I/O) goes to a worker thread.
        kept = runtime.pool.idle()
        store = kept if kept is not None else await run_in_threadpool(runtime.pool.acquire)
        try:
            yield store
        except BaseException as exc:
            await run_in_threadpool(runtime.pool.discard, store)
            if is_busy(exc):  # a single write outside a transaction waited too long: 503
                raise StoreBusy(str(exc)) from exc
            raise
        if not runtime.pool.keep(store):
            await run_in_threadpool(store.close)


StoreDep = Annotated[Store, Depends(get_store)]
