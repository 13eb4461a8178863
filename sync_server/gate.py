"""How many requests hold a store at once (one per pooled connection), the rest wait their turn
without a thread.

Why: FastAPI opens a request's store in its thread pool (40 threads). When more requests than
connections arrived at once, every thread ended up blocked in the connection pool's wait, so
the requests that *had* a connection found no thread to run on: nothing finished until the
pool's 30 s timeout answered 503, and the retries filled the threads again (bench/load.py on
PostgreSQL at 500+ devices). Waiting here, on the event loop, leaves the threads to the
requests that can use them. A request that waits longer than `wait_s` is answered 503 with
Retry-After (StoreBusy), as any other contention.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sync_server.store.base import StoreBusy

WAIT_S = 20.0  # under the pool's own 30 s, so a stalled turn is a 503, never a thread stuck


class Gate:
    """At most `size` holders at a time, per event loop (tests run apps on several loops)."""

    def __init__(self, size: int, wait_s: float = WAIT_S) -> None:
        self.size = max(1, size)
        self.wait_s = wait_s
        self._sems: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _sem(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._sems.get(loop)
        if sem is None:
            sem = self._sems[loop] = asyncio.Semaphore(self.size)
        return sem

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        sem = self._sem()
        try:
            await asyncio.wait_for(sem.acquire(), self.wait_s)
        except TimeoutError as exc:
            raise StoreBusy(f"no database connection free for {self.wait_s:.0f} s") from exc
        try:
            yield
        finally:
            sem.release()
