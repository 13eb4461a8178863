"""Enrolment guessing (issue 11, point 3): eviction never unlocks, forwarded headers only from
configured proxies, a valid code passes a locked shared address, per-code limits, >= 64-bit
codes stored with a keyed hash."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from core import signing
from sync_server.admin import accounts
from sync_server.auth import CODE_BITS, normalize_code
from sync_server.guard import EnrolGuard, Failures, Window, client_address
from sync_server.main import create_app
from sync_server.secret import secret_path, server_key
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import TPS, runtime_of
from tests.server.test_kill9 import Server

PUBLIC = signing.public_key_of(signing.new_private_key())  # a device's key (issue 12)


def issue(settings: Settings, now: int) -> str:
    s = SqliteStore(settings.db_path)
    try:
        user = accounts.create_user(s, "Siti", "ptps", [TPS])
        return accounts.issue_enrol_code(s, user.id, now, key=server_key(settings))
    finally:
        s.close()


def wrong(i: int) -> str:
    return f"Z{i:03d}-ZZZZ-ZZZZ-ZZZZ-ZZZZ".replace("0", "A").replace("1", "B")


def test_a_spray_of_addresses_never_unlocks_a_locked_one():
    f = Failures(Window(limit=3, window_ms=60_000, capacity=100))
    for _ in range(3):
        f.fail("10.0.0.1", 0)
    assert f.locked("10.0.0.1", 1)
    for i in range(10_000):  # the old guard cleared everything past 10,000 addresses
        f.fail(f"172.16.{i // 250}.{i % 250}", 2)
    assert f.locked("10.0.0.1", 3)
    assert len(f) <= 100


def test_codes_carry_at_least_64_bits_and_are_stored_with_a_keyed_hash(client, settings, wall):
    code = issue(settings, wall())
    assert CODE_BITS >= 64
    assert len(normalize_code(code)) >= 17
    s = SqliteStore(settings.db_path)
    [row] = s.db.query("SELECT code_hash FROM enrol_codes")
    s.close()
    assert row["code_hash"] != hashlib.sha256(normalize_code(code).encode()).hexdigest()
    key_file = secret_path(settings)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert client.post("/v1/enrol", json={"code": code, "public_key": PUBLIC}).status_code == 200


def test_a_valid_code_passes_a_locked_shared_address(client, settings, wall):
    good = issue(settings, wall())
    for i in range(10):
        assert client.post("/v1/enrol", json={"code": wrong(i)}).status_code == 401
    assert client.post("/v1/enrol", json={"code": wrong(99)}).status_code == 429  # too soon
    wall.ms += 3_000
    assert client.post("/v1/enrol", json={"code": good, "public_key": PUBLIC}).status_code == 200


def test_wrong_guesses_at_one_code_lock_that_code(client, settings, wall):
    good = issue(settings, wall())
    selector = good[:4]
    for i in range(5):
        wall.ms += 3_000
        guess = f"{selector}-ZZZZ-ZZZZ-ZZZZ-ZZZ{'ABCDE'[i]}"
        assert client.post("/v1/enrol", json={"code": guess}).status_code == 401
    wall.ms += 3_000
    res = client.post("/v1/enrol", json={"code": good})
    assert res.status_code == 429
    assert res.json()["code"] == "enrol_code_locked"


@pytest.mark.parametrize(
    ("peer", "header", "proxies", "seen"),
    [
        ("127.0.0.1", "1.2.3.4", [], "127.0.0.1"),
        ("10.0.0.9", "1.2.3.4", ["10.0.0.9"], "1.2.3.4"),
        ("10.0.0.9", "6.6.6.6, 1.2.3.4", ["10.0.0.0/24"], "1.2.3.4"),
        ("10.0.0.9", "1.2.3.4, 10.0.0.7", ["10.0.0.0/24"], "1.2.3.4"),
        ("8.8.8.8", "1.2.3.4", ["10.0.0.0/24"], "8.8.8.8"),
    ],
)
def test_forwarded_for_counts_only_from_configured_proxies(peer, header, proxies, seen):
    assert client_address(peer, header, proxies) == seen


def test_a_configured_proxy_s_forwarded_address_is_the_one_locked(settings):
    proxied = settings.model_copy(update={"trusted_proxies": ["10.0.0.0/24"]})
    guard = EnrolGuard()
    with TestClient(create_app(proxied), client=("10.0.0.9", 5000)) as c:
        runtime_of(c).enrol_guard = guard
        for i in range(10):
            c.post("/v1/enrol", json={"code": wrong(i)}, headers={"X-Forwarded-For": "1.2.3.4"})
    assert guard.addresses.locked("1.2.3.4", settings.now_ms())


@pytest.mark.e2e
def test_forwarded_for_from_localhost_does_not_dodge_the_lock(tmp_path: Path):
    server = Server(Settings(db_path=tmp_path / "guard.db"), delay_ms=0, cli=True)
    try:
        answers = [
            httpx.post(server.url + "/v1/enrol", json={"code": wrong(i)},
                       headers={"X-Forwarded-For": f"203.0.113.{i}"}, timeout=10).status_code
            for i in range(12)
        ]  # fmt: skip
        assert answers[:10] == [401] * 10
        assert 429 in answers[10:]
    finally:
        server.stop()
