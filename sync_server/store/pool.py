"""Open store connections kept for the next request.

Opening a SQLite connection costs about half a millisecond, and closing the last connection of
a WAL database checkpoints it, an fsync on every request; reusing a few open connections avoids
both. A connection that saw an error is closed, never reused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sync_server.store.base import Store


class StorePool:
    def __init__(self, open_store: Callable[[], Store], keep: int = 8) -> None:
        self._open_store = open_store
        self._keep = keep
        self._idle: list[Store] = []
        self._lock = threading.Lock()

    def acquire(self) -> Store:
        kept = self.idle()
        return kept if kept is not None else self._open_store()

    def idle(self) -> Store | None:
        """An open store kept from an earlier request, or None (never blocks on I/O)."""
        with self._lock:
            return self._idle.pop() if self._idle else None

    def keep(self, store: Store) -> bool:
        """Keep `store` for the next request when there is room (never blocks on I/O);
        False: the caller closes it."""
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append(store)
                return True
        return False

    def release(self, store: Store) -> None:
        if not self.keep(store):
            store.close()

    def discard(self, store: Store) -> None:
        store.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()
