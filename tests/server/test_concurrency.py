"""Concurrent pushes from many devices queue on the write lock; every seq is used exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.models import ReadFilter
from tests.server.conftest import Device, MakeDevice

pytestmark = pytest.mark.every_backend  # SQLite and PostgreSQL


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
    assert store.count_records() == 200
    assert store.server_seq() == 200
    seqs = [r.seq for r in store.records_since(0, 1000, ReadFilter(("35",)))]
    assert seqs == list(range(1, 201))


def test_a_push_that_cannot_get_the_lock_is_503_with_retry_after(
    make_device: MakeDevice, settings: Settings, store: Store
):
    phone = make_device("ptps")
    quick = settings.model_copy(update={"db_lock_timeout_ms": 200})
    with TestClient(create_app(quick)) as http:
        phone = Device(http, phone.id, phone.token, phone.user_id, phone.key)
        op = phone.op("r1", {"suara_sah": 1})
        with store.transaction():  # another writer holds the lock past the timeout: it wrote
            store.append_log({"kind": "test_hold"})  # numbered (the counter row, the file)
            busy = phone.push(op)
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "2"
        assert busy.json()["code"] == "server_busy"
        assert "dikirim ulang otomatis" in busy.json()["message"]
        again = phone.push(op)  # nothing of the refused push was written: it applies now
    assert again.status_code == 200
    assert again.json()["results"][0]["status"] == "applied"
    assert again.json()["acked_seq"] == 1


def test_a_single_write_outside_a_transaction_that_waits_too_long_is_503(
    make_device: MakeDevice, settings: Settings, store: Store
) -> None:
    phone = make_device("ptps")
    quick = settings.model_copy(update={"db_lock_timeout_ms": 200})
    with TestClient(create_app(quick)) as http:
        phone = Device(http, phone.id, phone.token, phone.user_id, phone.key)
        with store.transaction():  # another writer holds the device's row (SQLite: the file)
            store.note_pulled(phone.id, 5)
            busy = phone.pull(since=7)  # a pull notes how far the device has read: a write
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "2"
        assert phone.pull(since=7).status_code == 200
