"""Concurrent pushes from many devices queue on the write lock; every seq is used exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from sync_server.settings import Settings
from sync_server.store import sqlite as sqlite_store
from sync_server.store.models import ReadFilter
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import MakeDevice


def test_parallel_pushes_all_land_with_unique_server_seqs(make_device: MakeDevice, store):
    phones = [make_device("ptps") for _ in range(4)]

    def work(phone) -> list[int]:
        acked = []
        for b in range(5):
            ops = [phone.op(f"{phone.id}-{b}-{i}", {"suara_sah": i}) for i in range(10)]
            res = phone.push(*ops)
            assert res.status_code == 200, res.text
            acked.append(res.json()["acked_seq"])
            assert phone.pull().status_code == 200
        return acked

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, phones))
    assert results == [[10, 20, 30, 40, 50]] * 4
    assert store.count_records() == 200 and store.server_seq() == 200
    seqs = [r.seq for r in store.records_since(0, 1000, ReadFilter(("35",)))]
    assert seqs == list(range(1, 201))


def test_a_push_that_cannot_get_the_lock_is_503_with_retry_after(
    make_device: MakeDevice, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    phone = make_device("ptps")
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 200)
    phone.client.app.state.runtime.pool.close()  # connections open from now on wait 200 ms
    op = phone.op("r1", {"suara_sah": 1})
    holder = SqliteStore(settings.db_path)
    try:
        with holder.transaction():  # another writer keeps the lock past the timeout
            busy = phone.push(op)
    finally:
        holder.close()
    assert busy.status_code == 503, busy.text
    assert busy.headers["retry-after"] == "2" and busy.json()["code"] == "server_busy"
    assert "dikirim ulang otomatis" in busy.json()["message"]
    again = phone.push(op)  # nothing of the refused push was written: it applies now
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "applied"
    assert again.json()["acked_seq"] == 1
