"""Property: however a device's ops arrive (split, reordered, repeated), the end is the same."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from core import signing
from core.hlc import pack
from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import REGION_ROWS, T0, TPS, signed_body

N = 8
# Each op writes one field of one of two records; later seqs carry later stamps.
OPS = [
    {"op_id": f"o{n}", "seq": n, "record_id": f"r{n % 2}", "kind": "tally", "tps": TPS,
     "fields": {"suara_sah" if n % 3 else "suara_tidak_sah": n}, "hlc": pack(T0, n)}
    for n in range(1, N + 1)
]  # fmt: skip


def final_state(deliveries: list[list[int]]) -> tuple[Any, int]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(db_path=Path(tmp) / "s.db", now_ms=lambda: T0))
        store = SqliteStore(Path(tmp) / "s.db")
        store.replace_region(build(REGION_ROWS))
        user = accounts.create_user(store, "P", "ptps", [TPS])
        key = signing.new_private_key()
        device, token = accounts.add_device(store, user.id, "hp", T0, signing.public_key_of(key))
        headers = {"Authorization": f"Bearer {token}"}
        acked = 0
        with TestClient(app) as client:
            for n, chunk in enumerate(deliveries, start=1):
                body = signed_body(key, device.id, n, [OPS[i] for i in chunk])
                acked = client.post("/v1/sync/push", json=body, headers=headers).json()["acked_seq"]
            records = client.get("/v1/sync/pull", headers=headers).json()["records"]
        store.close()
    # Device ids are random per run: compare the HLC part of each stamp.
    state = [(r["id"], r["fields"], {k: v[0] for k, v in r["stamps"].items()}) for r in records]
    return sorted(state, key=lambda item: item[0]), acked


IN_ORDER = final_state([list(range(N))])

deliveries = st.permutations(range(N)).flatmap(
    lambda order: st.lists(st.integers(0, N - 1), max_size=4).map(
        lambda extra: [list(order[:3]), list(order[3:]) + extra, list(order[2:5])]
    )
)


@settings(max_examples=15, deadline=None)
@given(deliveries)
def test_any_delivery_order_ends_in_the_same_state(chunks):
    assert final_state(chunks) == IN_ORDER
    assert IN_ORDER[1] == N
