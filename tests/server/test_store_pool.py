"""The request pool: a kept store is handed out again without opening one; past `keep`
stores are closed."""

from __future__ import annotations

from typing import Any, cast

from sync_server.store.base import Store
from sync_server.store.pool import StorePool


class FakeStore:
    def __init__(self, n: int) -> None:
        self.n, self.closed = n, False

    def close(self) -> None:
        self.closed = True


def test_kept_stores_are_reused_and_extra_ones_closed():
    opened: list[FakeStore] = []

    def open_store() -> Store:
        opened.append(FakeStore(len(opened)))
        return cast(Store, opened[-1])

    pool = StorePool(open_store, keep=1)
    assert pool.idle() is None  # nothing kept yet: never opens one
    a, b = pool.acquire(), pool.acquire()
    assert len(opened) == 2
    assert pool.keep(a) is True
    assert pool.keep(b) is False  # no room: the caller closes it
    pool.release(b)
    assert cast(Any, b).closed
    assert not cast(Any, a).closed
    assert pool.idle() is a
    assert pool.idle() is None
    pool.release(a)
    assert pool.acquire() is a
    assert len(opened) == 2
