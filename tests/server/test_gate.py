"""Requests wait for a database connection on the event loop, never in a worker thread
(sync_server/gate.py): more requests at once than threads and connections all finish, and a
turn that never comes is a 503, not a hang."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sync_server.gate import Gate
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.base import StoreBusy
from tests.server.conftest import MakeDevice

THREADS = 40  # anyio's default thread limit, which FastAPI's sync work shares


def test_at_most_size_holders_and_every_waiter_gets_a_turn():
    gate, inside, most = Gate(2), [0], [0]

    async def one() -> None:
        async with gate.turn():
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.01)
            inside[0] -= 1

    async def crowd() -> None:
        await asyncio.gather(*(one() for _ in range(12)))

    asyncio.run(crowd())
    assert most == [2]
    assert inside == [0]


def test_a_turn_that_never_comes_is_store_busy():
    gate = Gate(1, wait_s=0.05)

    async def two() -> None:
        async with gate.turn():
            with pytest.raises(StoreBusy):
                async with gate.turn():
                    pass

    asyncio.run(two())


@pytest.mark.every_backend
def test_more_requests_than_threads_and_connections_all_finish(
    make_device: MakeDevice, settings: Settings
):
    """The hang bench/load.py met at 500 devices on PostgreSQL: with every thread blocked in
    the pool's wait, the requests holding a connection found no thread to finish on."""
    phone = make_device("ptps")
    small = settings.model_copy(update={"db_pool_size": 4})
    app = create_app(small)
    me = {"Authorization": f"Bearer {phone.token}"}

    async def crowd() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            pulls = [http.get("/v1/sync/pull", headers=me) for _ in range(THREADS + 20)]
            return [r.status_code for r in await asyncio.gather(*pulls)]

    assert asyncio.run(crowd()) == [200] * (THREADS + 20)
