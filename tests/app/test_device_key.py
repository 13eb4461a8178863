"""The phone's signing key: made at enrolment, kept 0600, signs each batch once, rotates; pulled
checkpoints are kept only when the server's key signed them."""

from __future__ import annotations

import stat

import pytest
from fastapi.testclient import TestClient

from app.store import open_store
from app.store.keys import checkpoints, keep_checkpoint, key_path, load_key
from app.sync import SyncClient, SyncError, enrol
from app.sync.enrol import rotate_key
from core import signing
from core.ledger import is_batch
from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from sync_server.sync import checkpoints as server_checkpoints
from tests.server.conftest import REGION_ROWS, TPS


@pytest.fixture
def server(tmp_path):
    settings = Settings(db_path=tmp_path / "s.db", blob_dir=tmp_path / "b")
    with TestClient(create_app(settings)) as client:
        s = SqliteStore(settings.db_path)
        s.replace_region(build(REGION_ROWS))
        user = accounts.create_user(s, "Siti", "ptps", [TPS])
        code = accounts.issue_enrol_code(s, user.id, settings.now_ms(), key=server_key(settings))
        yield client, code, s
        s.close()


def _phone(server, tmp_path):
    client, code, _ = server
    store = open_store(tmp_path / "phone.db")
    me = enrol(store, "http://testserver", code, "HP", transport=client._transport)
    sync = SyncClient(store, "http://testserver", me.token, transport=client._transport)
    return store, me, sync


def test_enrolment_makes_a_key_only_the_owner_can_read(server, tmp_path):
    store, me, _ = _phone(server, tmp_path)
    path = key_path(store)
    assert path == tmp_path / "phone.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [registered] = server[2].evidence().keys(me.device_id)
    key = load_key(store)
    assert key is not None
    assert registered.public_key == signing.public_key_of(key)
    assert me.server_key == signing.public_key_of(server[0].app.state.runtime.server_key)
    assert store.identity().server_key == me.server_key  # kept for checking checkpoints


def test_each_push_is_one_signed_numbered_batch(server, tmp_path):
    store, _me, sync = _phone(server, tmp_path)
    for i in range(3):
        store.save(f"r{i}", "incident", TPS, {"uraian": str(i)})
    sync.batch_size = 2
    assert sync.sync_once().pushed == 3
    store.save("r9", "incident", TPS, {"uraian": "lagi"})
    sync.sync_once()
    log = [e.entry for e in server[2].log_entries() if is_batch(e.entry)]
    assert [(e["manifest"]["batch"], len(e["manifest"]["ops"])) for e in log] == [
        (1, 2),
        (2, 1),
        (3, 1),
    ]


def test_pulled_checkpoints_are_kept_when_the_server_signed_them(server, tmp_path):
    store, me, sync = _phone(server, tmp_path)
    store.save("r1", "incident", TPS, {"uraian": "x"})
    sync.sync_once()
    cp = server_checkpoints.make(server[2], server[0].app.state.runtime.server_key, 1)
    sync.sync_once()
    assert checkpoints(store) == [cp]
    forged = signing.sign_checkpoint(
        signing.new_private_key(), cp.model_copy(update={"log_id": 99})
    )
    assert keep_checkpoint(store, forged, me.server_key) is False
    assert checkpoints(store) == [cp]


def test_rotation_replaces_the_key_file_and_pushes_go_on(server, tmp_path):
    store, me, sync = _phone(server, tmp_path)
    before = load_key(store)
    key_id = rotate_key(store, sync)
    after = load_key(store)
    assert after is not None
    assert after != before
    assert key_id == signing.key_id(signing.public_key_of(after))
    store.save("r1", "incident", TPS, {"uraian": "x"})
    assert sync.sync_once().pushed == 1
    old, new = server[2].evidence().keys(me.device_id)
    assert old.until_ms is not None
    assert new.key_id == key_id


def test_without_a_key_nothing_is_sent_and_the_phone_says_why(server, tmp_path):
    store, _, sync = _phone(server, tmp_path)
    key_path(store).unlink()
    store.save("r1", "incident", TPS, {"uraian": "x"})
    with pytest.raises(SyncError) as exc:
        sync.sync_once()
    assert exc.value.code == "no_device_key"
    assert "daftarkan ulang" in exc.value.message
    assert store.counts()["pending"] == 1
