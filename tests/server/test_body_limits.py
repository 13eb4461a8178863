"""Bodies over a route's limit are refused while they stream in: 413 with a reason, before auth,
and a real server's memory stays flat under a large POST (issue 11, point 1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import MakeDevice
from tests.server.test_kill9 import Server

MB = 1024 * 1024


def chunks(total: int, piece: int = 256 * 1024) -> Iterator[bytes]:
    """A body with no Content-Length (chunked), so only counting can stop it."""
    sent = 0
    while sent < total:
        n = min(piece, total - sent)
        yield b"[" * n
        sent += n


def assert_413(res: httpx.Response, limit: int) -> None:
    assert res.status_code == 413, res.text
    body = res.json()
    assert body["code"] == "body_too_large"
    assert str(limit) in body["message"]
    assert str(limit) in body["message_en"]


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/v1/enrol", 4096), ("/v1/blobs", 4096), ("/v1/sync/push", 4 * MB), ("/v1/me", 65536)],
)
def test_declared_length_over_the_limit_is_413_before_auth(client: TestClient, path, limit):
    res = client.post(path, content=b"{" * (limit + 1))  # no token at all
    assert_413(res, limit)


def test_chunked_body_is_cut_off_at_the_limit(client: TestClient):
    res = client.post("/v1/enrol", content=chunks(64 * 1024, piece=1024))
    assert_413(res, 4096)


def test_push_under_the_limit_still_works(make_device: MakeDevice, store: SqliteStore):
    phone = make_device("ptps")
    assert phone.push(phone.op("r1", {"dpt_l": 3})).json()["results"][0]["status"] == "applied"
    assert store.count_records() == 1


def test_photo_chunk_declared_past_the_largest_photo_is_413(make_device: MakeDevice):
    phone = make_device("ptps")
    headers = {**phone.headers, "Upload-Offset": "0", "Content-Length": str(11 * MB)}
    res = phone.client.patch("/v1/blobs/" + "a" * 64, content=b"x" * (11 * MB), headers=headers)
    assert_413(res, 10 * MB)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def declared_only(port: int, length: int) -> bytes:
    """Announce a huge body, send none of it: the answer must not wait for it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = f"POST /v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"
        sock.sendall(head.encode())
        return sock.recv(4096)


@pytest.mark.e2e
def test_real_server_memory_stays_flat_under_a_300_mb_post(tmp_path: Path):
    server = Server(tmp_path / "mem.db", delay_ms=0)
    try:
        before = rss_kb(server.proc.pid)
        for path in ("/v1/enrol", "/v1/sync/push"):
            try:  # chunked: the server answers 413 and closes while the client still sends
                res = httpx.post(server.url + path, content=chunks(300 * MB), timeout=60)
                assert res.status_code == 413
            except httpx.TransportError:
                pass
        assert declared_only(server.port, 300 * MB).startswith(b"HTTP/1.1 413")
        grown = rss_kb(server.proc.pid) - before
        assert grown < 32 * 1024, f"server grew by {grown} kB"
        assert httpx.get(server.url + "/v1/health", timeout=5).json()["ok"]
    finally:
        server.stop()
