"""A real server killed with SIGKILL in the middle of a push loses nothing and duplicates nothing.

The server holds its push transaction open (PANTAU_TEST_PUSH_DELAY_MS) and says so on stderr;
the test kills that PID then, restarts on the same file and retries the same batch.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from core import signing
from core.hlc import pack
from core.ledger import is_op
from core.registry import build
from sync_server.admin import accounts
from sync_server.settings import Settings, wall_ms
from sync_server.sync.chain import verify_chain
from tests.server.conftest import REGION_ROWS, TPS, opened, signed_body

pytestmark = [pytest.mark.e2e, pytest.mark.every_backend]
ROOT = Path(__file__).resolve().parents[2]
MARKER = "test push delay"
N_OPS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One uvicorn process on loopback; only this object's PID is ever signalled."""

    def __init__(self, settings: Settings, delay_ms: int, cli: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        db = settings.db_path
        env = {
            **os.environ,
            "PANTAU_DB_PATH": str(db),
            "PANTAU_TEST_PUSH_DELAY_MS": str(delay_ms),
            "PYTHONPATH": str(ROOT),
        }
        if settings.database_url:
            env["PANTAU_DATABASE_URL"] = settings.database_url
        args = ["-m", "uvicorn", "--factory", "sync_server.main:app_from_env"]
        if cli:
            where = [] if settings.database_url else ["--db", str(db)]
            args = ["-m", "sync_server.admin.cli", "serve", *where]
        self.proc = subprocess.Popen(
            [sys.executable, *args, "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "server exited during start"
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).json()["ok"]:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("server did not become healthy in 30 s")

    def wait_for_marker(self, count: int, timeout: float = 30) -> None:
        seen, deadline = 0, time.monotonic() + timeout
        while seen < count:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            seen += MARKER in line

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()


@pytest.fixture
def prepared(settings: Settings) -> tuple[Settings, str, str]:
    with opened(settings) as store:
        store.replace_region(build(REGION_ROWS))
        user = accounts.create_user(store, "PTPS uji", "ptps", ["35.17"])
        DEVICE_KEY[0] = signing.new_private_key()
        public = signing.public_key_of(DEVICE_KEY[0])
        device, token = accounts.add_device(store, user.id, "hp", wall_ms(), public)
    return settings, device.id, token


DEVICE_KEY = [b""]  # the prepared device's private key
NOW = wall_ms()


def batch(device_id: str, seqs: range) -> dict[str, Any]:
    """A push body, signed by the prepared device's key as the app signs it. Every call stamps
    an op the same (one op id, one content), however long signing the last call took."""
    now = NOW
    ops = [
        {"op_id": f"{device_id}:{n}", "seq": n, "record_id": f"r{n}", "kind": "tally",
         "tps": TPS, "fields": {"suara_sah": n % 1000}, "hlc": pack(now, n)}
        for n in seqs
    ]  # fmt: skip
    return signed_body(DEVICE_KEY[0], device_id, seqs[-1], ops)


def push(url: str, token: str, body: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.post(f"{url}/v1/sync/push", json=body, headers=headers, timeout=60)


def pull_all(url: str, token: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    since, headers = 0, {"Authorization": f"Bearer {token}"}
    for _ in range(100):  # bounded: 300 records in pages of 50
        page = httpx.get(
            f"{url}/v1/sync/pull", params={"since": since, "limit": 50}, headers=headers
        ).json()
        records += page["records"]
        since = page["next"]
        if not page["more"]:
            return records
    raise AssertionError("pull did not finish")


def test_kill9_mid_push_then_retry_applies_every_op_once(prepared):
    where, device_id, token = prepared
    first_half, everything = batch(device_id, range(1, 101)), batch(device_id, range(1, N_OPS + 1))
    server = Server(where, delay_ms=1500)
    try:
        assert push(server.url, token, first_half).json()["acked_seq"] == 100
        outcome: dict[str, Any] = {}

        def doomed() -> None:
            try:
                outcome["response"] = push(server.url, token, everything)
            except httpx.HTTPError as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=doomed)
        thread.start()
        server.wait_for_marker(count=2)  # the second push is inside its transaction
        server.kill9()
        thread.join(timeout=30)
        assert "error" in outcome
        assert "response" not in outcome
    finally:
        server.stop()

    with opened(where) as store:
        assert store.count_records() == 100
        assert store.acked_seq(device_id) == 100

    server = Server(where, delay_ms=0)
    try:
        retry = push(server.url, token, everything).json()
        statuses = [r["status"] for r in retry["results"]]
        assert statuses == ["duplicate"] * 100 + ["applied"] * (N_OPS - 100)
        assert retry["acked_seq"] == N_OPS
        again = push(server.url, token, everything).json()
        assert {r["status"] for r in again["results"]} == {"duplicate"}
        records = pull_all(server.url, token)
    finally:
        server.stop()

    assert sorted(r["id"] for r in records) == sorted(f"r{n}" for n in range(1, N_OPS + 1))
    with opened(where) as store:
        assert store.count_records() == N_OPS
        op_ids = [f"{device_id}:{n}" for n in range(1, N_OPS + 1)]
        assert len(store.get_ops(device_id, op_ids)) == N_OPS
        log = list(store.log_entries())
        assert sum(is_op(e.entry) for e in log) == N_OPS
        assert verify_chain(log) is None


def test_cli_serve_answers_on_loopback(prepared):
    where, _, token = prepared
    server = Server(where, delay_ms=0, cli=True)
    try:
        me = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["role"] == "ptps"
    finally:
        server.stop()
    assert server.proc.returncode is not None
