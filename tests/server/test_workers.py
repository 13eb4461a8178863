"""`serve --workers 2` on PostgreSQL: two processes behind one port share the database and the
photo directory; pushes, pulls and review reads answer whichever process takes them, and
reconciliation is caught up once (the leader holds Store.exclusive)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core import signing
from core.hlc import pack
from core.registry import build
from sync_server.admin import accounts
from sync_server.settings import Settings, wall_ms
from tests.pg_cluster import Cluster, free_port
from tests.server.conftest import REGION_ROWS, TPS, opened, signed_body
from tests.server.recon_helpers import VOTES, form

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited during start"
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("server did not become healthy in 60 s")


def test_two_workers_on_postgresql(pg: Cluster, tmp_path: Path):
    settings = Settings(database_url=pg.new_database(), blob_dir=tmp_path / "blobs")
    with opened(settings) as store:
        store.replace_region(build(REGION_ROWS))
        ptps = accounts.create_user(store, "PTPS uji", "ptps", [TPS])
        boss = accounts.create_user(store, "Supervisor uji", "supervisor", ["35.17"])
        key = signing.new_private_key()
        phone, token = accounts.add_device(
            store, ptps.id, "hp", wall_ms(), signing.public_key_of(key)
        )
        _, boss_token = accounts.add_device(store, boss.id, "laptop", wall_ms())
    port = free_port()
    # PANTAU_DB_PATH: unused on PostgreSQL, but the server's secret key file goes beside it
    env = {**os.environ, "PANTAU_DATABASE_URL": str(settings.database_url),
           "PANTAU_BLOB_DIR": str(settings.blob_dir), "PYTHONPATH": str(ROOT),
           "PANTAU_DB_PATH": str(tmp_path / "unused.db")}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync_server.admin.cli", "serve", "--workers", "2",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        me = {"Authorization": f"Bearer {token}"}
        for n in range(1, 7):  # several requests: both processes get some
            op = {"op_id": f"{phone.id}:{n}", "seq": n, "record_id": f"t{n}", "kind": "tally",
                  "tps": TPS, "fields": form(VOTES), "hlc": pack(wall_ms(), n)}  # fmt: skip
            body = signed_body(key, phone.id, n, [op])
            res = httpx.post(f"{url}/v1/sync/push", json=body, headers=me, timeout=30)
            assert res.status_code == 200, res.text
            assert res.json()["acked_seq"] == n
        pulled = httpx.get(f"{url}/v1/sync/pull", headers=me, timeout=30).json()
        assert [r["seq"] for r in pulled["records"]] == [1, 2, 3, 4, 5, 6]
        review = {"Authorization": f"Bearer {boss_token}"}
        got = httpx.get(f"{url}/v1/review/tps/{TPS}/ppwp", headers=review, timeout=60)
        assert got.status_code == 200, got.text
        assert got.json()["sources"]  # reconciled before the read answered
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    with opened(settings) as store:  # reconciliation read every entry, each exactly once
        # six pushes of one op: each logged its signed manifest, then the op
        assert store.recon().cursor() == 2 * 6 == max(e.id for e in store.log_entries())
