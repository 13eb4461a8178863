"""A pulled page is applied in bulk, and the device keeps stamps packed on disk (m004)."""

import json

import pytest
from sqlite_utils import Database

from app.store import Identity, open_store
from app.store.exchange import apply_pull, cursor
from app.store.schema import migrations
from core.protocol import PullResponse, RecordOut
from core.stamps import pack

TPS = "3517012001001"


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "device.db")
    s.set_identity(
        Identity("http://127.0.0.1:1", "dev-1", "tok", "u-1", "Siti", "ptps", None, (TPS,))
    )
    return s


def _page(n: int, start: int = 0, packed: bool = True) -> PullResponse:
    records = []
    for i in range(start, start + n):
        fields = {"dpt_l": i, "dpt_p": 2 * i, "status": "final"}
        stamps = {
            "dpt_l": (100 + i, "dev-9"),
            "dpt_p": (90 + i, "dev-9"),
            "status": (100 + i, "dev-9"),
        }
        records.append(RecordOut(id=f"r{i}", kind="tally", tps=TPS, author="u-9", fields=fields,
                                 stamps=pack(fields, stamps) if packed else stamps, seq=i + 1))  # fmt: skip
    return PullResponse(records=records, next=start + n, more=False, server_hlc=5)


def _statements(store, page: PullResponse) -> list[str]:
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        apply_pull(store, page)
    finally:
        store.db.conn.set_trace_callback(None)
    return seen


def _kinds(statements: list[str]) -> dict[str, int]:
    """How many statements of each verb ran (an executemany row counts once per row)."""
    found: dict[str, int] = {}
    for sql in statements:
        verb = sql.strip().split()[0].lower()
        found[verb] = found.get(verb, 0) + 1
    return found


def test_a_page_is_read_with_the_same_few_queries_whatever_its_size(store):
    for rid in ("r3", "r10"):  # one record of each page already here, with an op queued
        store.save(rid, "tally", TPS, {"dpt_l": 1})
    small = _statements(store, _page(5))
    big = _statements(store, _page(400, start=5))
    assert _kinds(big)["select"] == _kinds(small)["select"] == 2  # records, outbox
    # one upsert per record, cursor and clock, and the server's copy of the record with an op
    # queued (what a refusal of that op puts back)
    assert _kinds(big)["insert"] == 400 + 2 + 1
    relaxed = [s for s in big if "pragma synchronous" in s.lower()]  # test_a_page_commits_...
    assert not any("pragma" in s.lower() or "sqlite_master" in s.lower()
                   for s in big if s not in relaxed)  # fmt: skip
    assert len(store.records()) == 405
    assert cursor(store) == 405


def test_pulled_records_read_back_with_their_stamps(store):
    apply_pull(store, _page(3))
    rec = store.record("r2")
    assert rec.fields == {"dpt_l": 2, "dpt_p": 4, "status": "final"}
    assert rec.stamps == {"dpt_l": (102, "dev-9"), "dpt_p": (92, "dev-9"), "status": (102, "dev-9")}
    assert rec.sync_state == "sent"
    assert rec.author == "u-9"
    assert store.clock.now() > 102  # the clock moved past the page's stamps


def test_both_page_shapes_store_the_same_rows(tmp_path):
    rows = []
    for packed in (True, False):
        s = open_store(tmp_path / f"d{packed}.db")
        apply_pull(s, _page(4, packed=packed))
        rows.append(s.db.execute("select id, fields, stamps from records order by id").fetchall())
    assert rows[0] == rows[1]
    assert json.loads(rows[0][0][2]) == [100, "dev-9", {"dpt_p": [-10]}]


def test_a_draft_and_an_unsent_change_survive_a_bulk_page(store):
    store.save_draft("r1", "tally", TPS, {"dpt_l": 555})
    store.save("r2", "tally", TPS, {"dpt_l": 777})  # queued, not yet sent
    apply_pull(store, _page(4))
    assert store.record("r1").fields["dpt_l"] == 555  # newer than the server's: kept
    assert store.record("r2").fields["dpt_l"] == 777
    assert store.record("r2").sync_state == "pending"
    assert store.record("r2").fields["dpt_p"] == 4  # the server's other fields arrive
    assert store.record("r3").fields["dpt_l"] == 3


def test_m004_packs_an_old_device_database_and_loses_nothing(tmp_path):
    path = tmp_path / "old.db"
    db = Database(str(path))
    migrations.apply(db, stop_before="m004_packed_stamps")
    old_stamps = {"dpt_l": [7, "d1"], "dpt_p": [9, "d2"], "status": [7, "d1"]}
    db["records"].insert_all([
        {"id": "a", "kind": "tally", "tps": TPS, "author": "u", "fields": json.dumps(
            {"dpt_l": 1, "dpt_p": 2, "status": "final"}), "stamps": json.dumps(old_stamps),
         "status": "final", "shared": 1, "deleted": 0, "updated_ms": 1},
        {"id": "b", "kind": "incident", "tps": TPS, "author": "u", "fields": json.dumps(
            {"uraian": "banjir", "deleted": True}), "stamps": json.dumps({}),
         "status": "draft", "shared": 0, "deleted": 1, "updated_ms": 2},
    ])  # fmt: skip
    db["outbox"].insert({"seq": 1, "op_id": "d1:1", "record_id": "a", "kind": "tally", "tps": TPS,
                         "fields": "{}", "hlc": 7, "base": "{}", "attempted": 0,
                         "state": "pending"})  # fmt: skip
    db.conn.close()
    s = open_store(path)
    a = s.record("a")
    assert a.fields == {"dpt_l": 1, "dpt_p": 2, "status": "final"}
    assert a.stamps == {k: tuple(v) for k, v in old_stamps.items()}
    assert a.sync_state == "pending"
    b = s.records(include_deleted=True, kind="incident")[0]
    assert b.fields == {"uraian": "banjir", "deleted": True}
    assert b.stamps == {}
    raw = s.db.execute("select stamps from records where id = 'a'").fetchone()[0]
    assert json.loads(raw) == [7, "d1", {"dpt_p": [2, "d2"]}]


def _synchronous(store) -> int:
    return int(store.db.execute("pragma synchronous").fetchone()[0])  # 1 NORMAL, 2 FULL


def test_a_page_commits_without_fsync_and_saves_stay_full(store):
    """A pulled page (the server still holds it) commits with synchronous=NORMAL, set before
    its transaction and put back to FULL after, also when applying it fails; the person's
    saves keep FULL (README "Sync": a save survives the battery dying)."""
    seen = _statements(store, _page(3))
    lowered = [s.strip().lower() for s in seen]
    begin = next(i for i, s in enumerate(lowered) if s.startswith("begin"))
    commit = max(i for i, s in enumerate(lowered) if s.startswith("commit"))
    assert lowered[begin - 1] == "pragma synchronous = normal"
    assert lowered[commit + 1] == "pragma synchronous = full"
    assert _synchronous(store) == 2
    broken = _page(2, start=10)
    broken.records[1].stamps = ["not", "a stamp"]  # type: ignore[assignment]
    with pytest.raises((ValueError, TypeError)):
        apply_pull(store, broken)
    assert _synchronous(store) == 2
    assert cursor(store) == 3  # the failed page left nothing
    seen.clear()
    store.db.conn.set_trace_callback(seen.append)
    store.save("r1", "tally", TPS, {"dpt_l": 9})
    store.db.conn.set_trace_callback(None)
    assert not any("synchronous" in s.lower() for s in seen)
    assert _synchronous(store) == 2
