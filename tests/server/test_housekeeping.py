"""Tombstone GC after every active device pulled past, server clock after restart, enrol limits."""

from fastapi.testclient import TestClient

from core import signing
from core.hlc import pack, wall_ms
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.secret import server_key
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import T0, TPS, runtime_of


def _delete_flow(make_device):
    a, b = make_device("ptps"), make_device("ptps")
    assert a.push(a.op("r1", {"uraian": "x"}, kind="incident")).status_code == 200
    seen = {"uraian": [pack(T0, 1), a.id]}  # the delete saw the value it removes: no conflict
    assert a.push(a.op("r1", {"deleted": True}, kind="incident", base=seen)).status_code == 200
    assert a.push(a.op("r2", {"uraian": "tetap"}, kind="incident")).status_code == 200
    return a, b


def test_a_tombstone_stays_until_every_active_device_pulled_past_it(make_device, store):
    a, b = _delete_flow(make_device)
    assert store.gc_tombstones() == 0  # nobody pulled yet
    top = a.pull().json()["next"]
    a.pull(since=top)
    assert store.gc_tombstones() == 0  # b has not
    b.pull(since=top)
    assert store.gc_tombstones() == 1
    assert store.get_record("r1") is None
    assert store.get_record("r2") is not None


def test_a_tombstone_with_an_open_conflict_is_kept(make_device, store):
    a, b = make_device("ptps"), make_device("ptps")
    a.push(a.op("r1", {"uraian": "x"}, kind="incident"))
    b.push(b.op("r1", {"deleted": True}, kind="incident"))  # b never saw a's text: a conflict
    top = a.pull().json()["next"]
    a.pull(since=top)
    b.pull(since=top)
    assert store.gc_tombstones() == 0
    assert store.get_record("r1") is not None


def test_a_revoked_device_does_not_hold_tombstones_back(make_device, store):
    a, b = _delete_flow(make_device)
    top = a.pull().json()["next"]
    a.pull(since=top)
    store.revoke_device(b.id, T0)
    assert store.gc_tombstones() == 1


def test_a_restarted_server_clock_starts_past_every_applied_stamp(settings, make_device):
    phone = make_device("saksi")
    future = pack(T0 + 5 * 60_000, 3)  # five minutes ahead: kept, not clamped
    assert phone.push(phone.op("r1", {"dpt_l": 1}, hlc=future)).status_code == 200
    with TestClient(create_app(settings)) as again:
        hlc = runtime_of(again).clock.now()
    assert hlc > future
    assert wall_ms(hlc) >= T0 + 5 * 60_000


def test_wrong_enrolment_codes_are_rate_limited(client, settings, wall):
    s = SqliteStore(settings.db_path)
    user = accounts.create_user(s, "Siti", "saksi", [TPS], 1)
    good = accounts.issue_enrol_code(s, user.id, wall(), key=server_key(settings))
    s.close()
    for i in range(10):  # ten different codes: the per-code limit (5) is another test's
        assert client.post("/v1/enrol", json={"code": f"ZZZ{i + 2}-ZZZZ"}).status_code == 401
    blocked = client.post("/v1/enrol", json={"code": "ZZZZ-ZZZZ"})  # too soon after the last
    assert blocked.status_code == 429
    assert "tunggu" in blocked.json()["message"]
    wall.ms += 3_000  # issue 11: a valid code still gets through a locked (shared) address
    public = signing.public_key_of(signing.new_private_key())
    assert client.post("/v1/enrol", json={"code": good, "public_key": public}).status_code == 200
