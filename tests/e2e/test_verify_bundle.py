"""End to end on a real server process: phones enrol (keys made on the device), sign their pushes,
keep the checkpoints the server signs on its interval; the supervisor's evidence ZIP passes
`pantau-verify` offline, a swapped photo fails it, and `verify-log` proves the log extends the
checkpoints the phone holds."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from app.store import open_store
from app.store.keys import checkpoints, key_path
from app.store.photos import add_photo
from app.sync import SyncClient, enrol
from app.sync.enrol import rotate_key
from app.sync.uploads import sync_and_upload
from core import signing
from core.checkpoint import to_text
from core.registry import build
from sync_server.admin import accounts
from sync_server.secret import server_key
from sync_server.settings import Settings, wall_ms
from sync_server.store.sqlite import SqliteStore
from tests.photos import form_photo
from tests.server.conftest import REGION_ROWS, TPS
from tests.server.recon_helpers import VOTES, form
from tests.server.test_kill9 import ROOT, Server

pytestmark = pytest.mark.e2e


def _codes(db: Path) -> tuple[str, str]:
    store = SqliteStore(db)
    store.migrate()
    store.replace_region(build(REGION_ROWS))
    saksi = accounts.create_user(store, "Siti", "saksi", [TPS], 1)
    boss = accounts.create_user(store, "Bu Ani", "supervisor", ["35.17"])
    key = server_key(Settings(db_path=db))  # the server process hashes codes with it
    codes = tuple(accounts.issue_enrol_code(store, u.id, wall_ms(), key=key) for u in (saksi, boss))
    store.close()
    return codes  # type: ignore[return-value]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})  # fmt: skip


def test_a_bundle_from_a_real_server_verifies_offline(tmp_path: Path, monkeypatch):
    db = tmp_path / "server.db"
    monkeypatch.setenv("PANTAU_BLOB_DIR", str(tmp_path / "blobs"))
    monkeypatch.setenv("PANTAU_CHECKPOINT_INTERVAL_S", "0.2")
    saksi_code, boss_code = _codes(db)
    server = Server(Settings(db_path=db), delay_ms=0)
    try:
        phone = open_store(tmp_path / "phone.db")
        me = enrol(phone, server.url, saksi_code, "HP Siti")
        assert stat.S_IMODE(key_path(phone).stat().st_mode) == 0o600
        sha = add_photo(phone, form_photo(1200, 900, seed=7))
        # a complete final form (the server refuses an incomplete one)
        phone.save("t1", "tally", TPS, {**form(VOTES), "tps": TPS, "photos": [sha]})
        client = SyncClient(phone, server.url, me.token)
        sync_and_upload(client)
        new_key_id = rotate_key(
            phone, client
        )  # a rotation mid-election; later pushes use the new key
        phone.save("t1", "tally", TPS, {"dpt_p": 130})
        time.sleep(0.6)  # the server signs its head every 0.2 s
        assert client.sync_once().pushed == 1
        time.sleep(0.6)
        client.sync_once()
        client.close()
        held = checkpoints(phone)
        assert held
        assert all(signing.verify_checkpoint(c, me.server_key) for c in held)

        boss = open_store(tmp_path / "boss.db")
        boss_me = enrol(boss, server.url, boss_code, "Laptop Bu Ani")
        res = httpx.get(f"{server.url}/v1/review/evidence/tps/{TPS}", timeout=30,
                        headers={"Authorization": f"Bearer {boss_me.token}"})  # fmt: skip
        assert res.status_code == 200, res.text
    finally:
        server.stop()
    bundle = tmp_path / "bukti.zip"
    bundle.write_bytes(res.content)
    key = f"--server-key={me.server_key}"  # with "=": a base64url key may start with "-"
    ok = _run("-m", "verifier.main", str(bundle), key)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "HASIL: SAH" in ok.stdout
    assert "VERDICT: VALID" in ok.stdout
    assert "2 op bertanda tangan perangkat" in ok.stdout
    assert new_key_id in ok.stdout

    with zipfile.ZipFile(io.BytesIO(res.content)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files[f"photos/{sha}.jpg"] = form_photo(1200, 900, seed=8)  # another form's photo
    swapped = tmp_path / "ditukar.zip"
    with zipfile.ZipFile(swapped, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    bad = _run("-m", "verifier.main", str(swapped))
    assert bad.returncode == 1
    assert f"GAGAL  photos/{sha}.jpg: foto ditukar" in bad.stdout
    assert f"FAILED photos/{sha}.jpg: photo swapped" in bad.stdout

    held_file = tmp_path / "checkpoint-hp.txt"
    held_file.write_text("".join(to_text(c) for c in held))
    env = {"PANTAU_DB_PATH": str(db)}
    log = _run(
        "-m", "sync_server.admin.cli", "verify-log", "--checkpoints", str(held_file), env=env
    )
    assert log.returncode == 0, log.stdout + log.stderr
    assert f"{len(held)} checkpoint diperpanjang" in log.stdout
