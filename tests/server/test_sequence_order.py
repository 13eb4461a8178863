"""A sequence pulls can trust (sync_server/store/pg.py): pushers write at once, each holding its
transaction open a while after numbering its batch, and a puller pages by `since` meanwhile.
Every record arrives exactly once, in increasing seq, none skipped: on PostgreSQL that holds
only if numbers become visible in commit order."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from sync_server.main import create_app
from sync_server.settings import Settings
from tests.server.conftest import TPS, Device, MakeDevice

pytestmark = pytest.mark.every_backend  # SQLite and PostgreSQL

PUSHERS, BATCHES, OPS = 4, 6, 15


def test_concurrent_pushers_and_a_puller_see_every_row_once(
    make_device: MakeDevice, settings: Settings
):
    phones = [make_device("ptps") for _ in range(PUSHERS)]
    reader = make_device("supervisor", scope=["35.17"])
    slow = settings.model_copy(update={"test_push_delay_ms": 30})  # a window between numbering
    with TestClient(create_app(slow)) as http:  # and commit, where a later pusher could pass
        phones = [Device(http, p.id, p.token, p.user_id, p.key) for p in phones]
        reader = Device(http, reader.id, reader.token, reader.user_id, reader.key)
        done = threading.Event()
        seen: list[tuple[int, str]] = []

        def push(phone: Device) -> None:
            for b in range(BATCHES):
                ops = [phone.op(f"{phone.id}-{b}-{i}", {"uraian": str(i)}, kind="incident",
                                tps=TPS) for i in range(OPS)]  # fmt: skip
                res = phone.push(*ops)
                assert res.status_code == 200, res.text

        def pull() -> None:
            since = 0
            for _ in range(100_000):  # bounded; ends once pushers are done and nothing is left
                finished = done.is_set()
                page = reader.pull(since=since, limit=7).json()
                seen.extend((r["seq"], r["id"]) for r in page["records"])
                since = page["next"]
                if finished and not page["more"]:
                    return

        puller = threading.Thread(target=pull)
        puller.start()
        with ThreadPoolExecutor(max_workers=PUSHERS) as pool:
            list(pool.map(push, phones))
        done.set()
        puller.join(120)
    assert not puller.is_alive()
    ids = [rid for _, rid in seen]
    assert len(ids) == len(set(ids)) == PUSHERS * BATCHES * OPS  # none twice, none skipped
    seqs = [seq for seq, _ in seen]
    assert seqs == sorted(seqs)
    assert seqs == list(range(1, len(seqs) + 1))
