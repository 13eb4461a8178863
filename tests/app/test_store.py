"""The device store on a real SQLite file."""

import json

import pytest

from app.store import Identity, open_store
from app.store.exchange import apply_pull, apply_push, cursor, next_batch
from core.errors import DomainError
from core.protocol import OpResult, PullResponse, PushResponse, RecordOut

TPS = "3517012001001"


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "device.db")
    s.set_identity(
        Identity("http://127.0.0.1:1", "dev-1", "tok", "u-1", "Siti", "saksi", 1, (TPS,))
    )
    return s


def test_draft_stays_on_the_device(store):
    rec = store.save_draft("r1", "tally", TPS, {"ballot": "ppwp", "dpt_l": 120})
    assert rec.sync_state == "draft"
    assert rec.author == "u-1"
    assert store.counts() == {"pending": 0, "failed": 0}


def test_final_sends_the_whole_draft_as_one_op(store):
    store.save_draft("r1", "tally", TPS, {"ballot": "ppwp", "dpt_l": 120})
    store.save_draft("r1", "tally", TPS, {"dpt_p": 130})
    rec = store.save("r1", "tally", TPS, {"status": "final"})
    assert rec.sync_state == "pending"
    ops = next_batch(store, 10)
    assert len(ops) == 1
    assert ops[0].fields == {"ballot": "ppwp", "dpt_l": 120, "dpt_p": 130, "status": "final"}
    assert ops[0].op_id == "dev-1:1"


def test_unsent_changes_fold_into_one_op_but_sent_ops_are_frozen(store):
    store.save("r1", "incident", TPS, {"uraian": "a"})
    store.save("r1", "incident", TPS, {"tempat": "balai desa"})
    first = next_batch(store, 10)
    assert len(first) == 1
    assert first[0].fields == {"uraian": "a", "tempat": "balai desa"}
    store.save("r1", "incident", TPS, {"uraian": "b"})
    both = next_batch(store, 10)
    assert [o.seq for o in both] == [1, 2]
    assert both[0].fields == first[0].fields  # the attempted op did not change


def test_bad_input_writes_nothing(store):
    with pytest.raises(DomainError):
        store.save("r1", "tally", TPS, {"dpt_l": 1000})
    with pytest.raises(DomainError):
        store.save("r1", "tally", TPS, {"no_such_field": 1})
    assert store.record("r1") is None
    assert store.counts()["pending"] == 0


def test_push_answers_trim_up_to_acked_seq_and_keep_refusals(store):
    for i in range(3):
        store.save(f"r{i}", "incident", TPS, {"uraian": str(i)})
    ops = next_batch(store, 10)
    response = PushResponse(
        acked_seq=2,
        server_hlc=0,
        results=[
            OpResult(op_id=ops[0].op_id, status="applied"),
            OpResult(
                op_id=ops[1].op_id, status="rejected", code="scope", reason="Di luar TPS Anda"
            ),
            OpResult(op_id=ops[2].op_id, status="applied"),
        ],
    )
    apply_push(store, ops, response)
    assert store.record("r0").sync_state == "sent"
    failed = store.record("r1")
    assert failed.sync_state == "failed"
    assert failed.reason == "Di luar TPS Anda"
    assert store.record("r2").sync_state == "pending"  # beyond acked_seq: sent again
    assert [o.seq for o in next_batch(store, 10)] == [3]


def test_a_new_change_resends_what_was_refused(store):
    store.save("r1", "incident", TPS, {"uraian": "x", "tempat": "y"})
    ops = next_batch(store, 10)
    apply_push(
        store,
        ops,
        PushResponse(
            acked_seq=1,
            server_hlc=0,
            results=[OpResult(op_id=ops[0].op_id, status="rejected", reason="no")],
        ),
    )
    store.save("r1", "incident", TPS, {"tempat": "z"})
    again = next_batch(store, 10)
    assert again[0].fields == {"uraian": "x", "tempat": "z"}
    assert store.record("r1").sync_state == "pending"


def test_pull_merges_and_moves_the_cursor_in_one_transaction(store):
    store.save("r1", "incident", TPS, {"uraian": "mine"})
    mine = store.record("r1").stamps["uraian"]
    page = PullResponse(
        records=[
            RecordOut(
                id="r1",
                kind="incident",
                tps=TPS,
                author="u-1",
                fields={"uraian": "old", "tempat": "pos"},
                stamps={"uraian": (mine[0] - 1, "dev-9"), "tempat": (5, "dev-9")},
                seq=7,
            ),
            RecordOut(
                id="r2",
                kind="tally",
                tps=TPS,
                author="u-2",
                fields={"dpt_l": 1},
                stamps={"dpt_l": (5, "dev-9")},
                seq=8,
            ),
        ],
        next=8,
        more=False,
        server_hlc=mine[0] + 100,
    )
    apply_pull(store, page)
    assert store.record("r1").fields == {"uraian": "mine", "tempat": "pos"}
    assert store.record("r2").sync_state == "sent"
    assert store.record("r2").author == "u-2"
    assert cursor(store) == 8
    assert store.clock.now() > mine[0] + 100


def test_a_failed_pull_page_leaves_neither_records_nor_cursor(store, monkeypatch):
    page = PullResponse(
        records=[
            RecordOut(
                id="r9",
                kind="tally",
                tps=TPS,
                author="x",
                fields={"dpt_l": 1},
                stamps={"dpt_l": (5, "d")},
                seq=3,
            )
        ],
        next=3,
        more=False,
        server_hlc=0,
    )

    def boom(*_a, **_k):
        raise RuntimeError("crash between data and cursor")

    monkeypatch.setattr("app.store.exchange._save_hlc", boom)
    with pytest.raises(RuntimeError):
        apply_pull(store, page)
    assert store.record("r9") is None
    assert cursor(store) == 0


def test_everything_survives_reopening(tmp_path):
    path = tmp_path / "d.db"
    s = open_store(path)
    s.save_draft("r1", "tally", TPS, {"dpt_l": 5})
    s.save("r2", "incident", TPS, {"uraian": "x"})
    last = s.clock.last
    s.db.conn.close()
    again = open_store(path)
    assert again.record("r1").fields == {"dpt_l": 5}
    assert again.counts()["pending"] == 1
    assert again.clock.now() > last


def test_reads_by_tps_kind_and_mine(store):
    store.save_draft("a", "tally", TPS, {"dpt_l": 1})
    store.save_draft("b", "incident", "3517012001002", {"uraian": "x"})
    assert [r.id for r in store.records(tps=TPS)] == ["a"]
    assert [r.id for r in store.records(kind="incident")] == ["b"]
    assert len(store.records(mine=True)) == 2
    store.delete("b")
    assert [r.id for r in store.records()] == ["a"]
    assert json.loads(json.dumps(store.records(include_deleted=True)[0].fields)) is not None


def test_a_delete_carries_what_it_saw_of_every_field(store):
    store.save("r1", "incident", TPS, {"uraian": "x", "tempat": "y"})
    seen = store.record("r1").stamps
    next_batch(store, 10)  # first op sent
    store.delete("r1")
    op = next_batch(store, 10)[-1]
    assert op.fields == {"deleted": True}
    assert op.base["uraian"] == seen["uraian"]
    assert op.base["tempat"] == seen["tempat"]


def test_the_schema_has_no_unused_region_tables(store):
    assert {"records", "outbox", "conflicts", "meta", "photos"} <= set(store.db.table_names())
    assert not {"tps", "areas"} & set(store.db.table_names())
