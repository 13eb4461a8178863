"""Enrolment against the real in-process server."""

import pytest
from fastapi.testclient import TestClient

from app.store import open_store
from app.sync import SyncClient, SyncError, enrol
from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore

TPS = "3517012001001"
ROWS = [{"kode": "35.17", "nama": "Jombang"}, {"kode": "35.17.01", "nama": "Perak"},
        {"kode": "35.17.01.2001", "nama": "Jantiganggong", "nama_kecamatan": "Perak",
         "tps_reguler_pemilu2024": "1"}]  # fmt: skip


@pytest.fixture
def server(tmp_path):
    settings = Settings(db_path=tmp_path / "s.db", blob_dir=tmp_path / "b")
    with TestClient(create_app(settings)) as client:
        s = SqliteStore(settings.db_path)
        s.replace_region(build(ROWS))
        user = accounts.create_user(s, "Siti", "saksi", [TPS], 1)
        code = accounts.issue_enrol_code(s, user.id, settings.now_ms(), key=server_key(settings))
        s.close()
        yield client, code


def test_enrol_saves_identity_and_the_token_works(server, tmp_path):
    client, code = server
    store = open_store(tmp_path / "d.db")
    me = enrol(store, "http://testserver", code.lower(), "HP Siti", transport=client._transport)
    assert (me.name, me.role, me.party, me.scope) == ("Siti", "saksi", 1, (TPS,))
    assert store.identity() == me
    assert store.device_id == me.device_id
    store.save("r1", "incident", TPS, {"uraian": "uang dibagikan"})
    sync = SyncClient(store, "http://testserver", me.token, transport=client._transport)
    assert sync.sync_once().pushed == 1


def test_a_code_works_once(server, tmp_path):
    client, code = server
    enrol(open_store(tmp_path / "a.db"), "http://testserver", code, transport=client._transport)
    with pytest.raises(SyncError) as exc:
        enrol(open_store(tmp_path / "b.db"), "http://testserver", code, transport=client._transport)
    assert exc.value.code == "enrol_code_used"
    assert exc.value.message


def test_a_bad_address_says_what_to_do(tmp_path):
    with pytest.raises(SyncError) as exc:
        enrol(open_store(tmp_path / "c.db"), "server.local", "ABCD-EFGH")
    assert "http://" in exc.value.message
