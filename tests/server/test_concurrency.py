"""Concurrent pushes from many devices queue on the write lock; every seq is used exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sync_server.store.models import ReadFilter
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
    assert store.count_records() == 200
    assert store.server_seq() == 200
    seqs = [r.seq for r in store.records_since(0, 1000, ReadFilter(("35",)))]
    assert seqs == list(range(1, 201))
