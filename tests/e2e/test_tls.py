"""TLS (issue 11, point 7): tls-init makes a self-signed certificate, serve speaks HTTPS with
it, the enrolment QR carries its fingerprint and the phone pins it; plain HTTP only on loopback
unless explicitly allowed."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.store.store import open_store
from app.sync.api import Offline, SyncError
from app.sync.client import SyncClient
from app.sync.enrol import enrol
from core.enrolment import parse_qr, qr_payload, split_pin, with_pin
from core.registry import build
from sync_server.admin import accounts
from sync_server.admin.cli import cli
from sync_server.secret import server_key
from sync_server.settings import Settings, wall_ms
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import REGION_ROWS, TPS
from tests.server.test_kill9 import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def tls_init(folder: Path) -> tuple[Path, Path, str]:
    res = runner.invoke(cli, ["tls-init", "--host", "127.0.0.1", "--out-dir", str(folder)])
    assert res.exit_code == 0, res.output
    pin = re.search(r"SHA-256: ([0-9a-f]{64})", res.output)
    assert pin is not None
    return folder / "cert.pem", folder / "key.pem", pin.group(1)


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    db = tmp_path / "server.db"
    s = SqliteStore(db)
    s.migrate()
    s.replace_region(build(REGION_ROWS))
    s.close()
    cert, key, pin = tls_init(tmp_path / "tls")
    port = free_port()
    args = ["-m", "sync_server.admin.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
            "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to 30 s
            try:
                if httpx.get(f"{url}/v1/health", verify=False, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, pin, db
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def new_code(db: Path) -> str:
    s = SqliteStore(db)
    try:
        user = accounts.create_user(s, "Siti", "ptps", [TPS])
        return accounts.issue_enrol_code(
            s, user.id, wall_ms(), key=server_key(Settings(db_path=db))
        )
    finally:
        s.close()


def test_tls_init_key_is_owner_only(tmp_path: Path):
    _, key, pin = tls_init(tmp_path)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert len(pin) == 64


def test_the_phone_pins_the_certificate_from_the_qr(https_server, tmp_path: Path):
    url, pin, db = https_server
    server, code = parse_qr(qr_payload(with_pin(url, pin), new_code(db)))
    assert split_pin(server) == (url, pin)
    store = open_store(tmp_path / "phone.db")
    ident = enrol(store, server, code, "HP Siti")
    assert ident.server_cert.startswith("-----BEGIN CERTIFICATE-----")
    client = SyncClient(store, ident.server_url, ident.token, server_cert=ident.server_cert)
    try:
        assert client.call("GET", "/v1/me")["name"] == "Siti"
    finally:
        client.close()


def test_a_wrong_fingerprint_stops_before_the_code_is_sent(https_server, tmp_path: Path):
    url, pin, db = https_server
    code = new_code(db)
    store = open_store(tmp_path / "phone.db")
    with pytest.raises(SyncError) as err:
        enrol(store, with_pin(url, "0" * 64), code, "HP")
    assert err.value.code == "certificate_mismatch"
    assert store.identity() is None
    s = SqliteStore(db)
    assert s.list_devices() == []  # the code was never sent, so it still works
    s.close()
    assert enrol(store, with_pin(url, pin), code, "HP").server_cert


def test_a_client_pinned_to_another_certificate_refuses_the_server(https_server, tmp_path: Path):
    url, pin, db = https_server
    store = open_store(tmp_path / "phone.db")
    ident = enrol(store, with_pin(url, pin), new_code(db), "HP")
    other_cert, _, _ = tls_init(tmp_path / "other")
    client = SyncClient(store, url, ident.token, server_cert=other_cert.read_text(), attempts=1)
    try:
        with pytest.raises(Offline):
            client.call("GET", "/v1/me")
    finally:
        client.close()


def test_plain_http_off_loopback_needs_an_explicit_allowance(tmp_path: Path):
    db = tmp_path / "s.db"
    res = runner.invoke(cli, ["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "1"])
    assert res.exit_code == 1
    assert "tls-init" in res.output
