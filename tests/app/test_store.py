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
    assert failed.reason == 'Di luar TPS Anda (ditolak: uraian = "1")'
    assert store.record("r2").sync_state == "pending"  # beyond acked_seq: sent again
    assert [o.seq for o in next_batch(store, 10)] == [3]


def _refuse_all(store, ops):
    results = [OpResult(op_id=o.op_id, status="rejected", reason="Ditolak") for o in ops]
    apply_push(store, ops, PushResponse(acked_seq=ops[-1].seq, server_hlc=0, results=results))


def test_a_refused_field_is_never_sent_again_and_the_user_sees_its_value(store):
    store.save("r1", "incident", TPS, {"uraian": "x", "tempat": "y"})
    ops = next_batch(store, 10)
    apply_push(
        store,
        ops,
        PushResponse(
            acked_seq=1, server_hlc=0, results=[OpResult(op_id=ops[0].op_id, status="applied")]
        ),
    )
    store.save("r1", "incident", TPS, {"uraian": "refused"})
    _refuse_all(store, next_batch(store, 10))
    rec = store.record("r1")
    assert rec.sync_state == "failed"
    assert rec.reason == 'Ditolak (ditolak: uraian = "refused")'
    assert rec.reason_en == 'Ditolak (refused: uraian = "refused")'
    assert store.refused("r1") == {"uraian": "refused"}
    assert rec.fields["uraian"] == "x"  # the server's value again, not the refused one
    store.save("r1", "incident", TPS, {"tempat": "z"})
    [again] = next_batch(store, 10)
    assert again.fields == {"tempat": "z"}  # the refused field does not poison the record
    assert store.counts() == {"pending": 1, "failed": 1}


def test_retry_sends_the_refused_values_again(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    _refuse_all(store, next_batch(store, 10))
    assert "uraian" not in store.record("r1").fields
    store.retry("r1")
    [op] = next_batch(store, 10)
    assert op.fields == {"uraian": "x"}
    assert store.refused("r1") == {}


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


def _page(record_id, fields, stamps, seq=1):
    rec = RecordOut(id=record_id, kind="tally", tps=TPS, author="u-1", fields=fields,
                    stamps=stamps, seq=seq)  # fmt: skip
    return PullResponse(records=[rec], next=seq, more=False, server_hlc=0)


def test_a_local_draft_whose_id_arrives_in_a_pull_stays_a_draft_and_is_sent_whole(store):
    store.save_draft("t1", "tally", TPS, {"dpt_l": 7})
    apply_pull(store, _page("t1", {"suara_sah": 5}, {"suara_sah": (1, "dev-2")}))
    rec = store.record("t1")
    assert rec.sync_state == "draft"
    assert rec.fields == {"dpt_l": 7, "suara_sah": 5}
    assert next_batch(store, 10) == []
    store.save("t1", "tally", TPS, {"status": "final"})
    [op] = next_batch(store, 10)
    assert op.fields == {"dpt_l": 7, "suara_sah": 5, "status": "final"}
    assert op.base["suara_sah"] == (1, "dev-2")  # it saw the pulled value: no conflict


def test_a_folded_op_stamps_every_field_as_the_server_will(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    store.save("r1", "incident", TPS, {"tempat": "y"})
    [op] = next_batch(store, 10)
    stamps = store.record("r1").stamps
    assert stamps["uraian"] == stamps["tempat"] == (op.hlc, "dev-1")


def test_editing_a_record_deleted_here_names_the_delete_in_its_base(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    deleted = store.delete("r1").stamps["deleted"]
    next_batch(store, 10)  # sent: the next change is an op of its own
    store.save("r1", "incident", TPS, {"uraian": "back"})
    assert next_batch(store, 10)[-1].base["deleted"] == deleted


def test_a_folded_change_keeps_the_base_of_the_first_one(store):
    """The folded op was written on top of what the server held, not on top of itself."""
    store.save("r1", "incident", TPS, {"uraian": "a"})
    seen = store.record("r1").stamps["uraian"]
    [op] = next_batch(store, 10)
    ok = [OpResult(op_id=op.op_id, status="applied")]
    apply_push(store, [op], PushResponse(acked_seq=1, server_hlc=0, results=ok))
    store.save("r1", "incident", TPS, {"uraian": "b"})
    store.save("r1", "incident", TPS, {"uraian": "c", "tempat": "d"})
    [folded] = next_batch(store, 10)
    assert folded.fields == {"uraian": "c", "tempat": "d"}
    assert folded.base == {"uraian": seen, "tempat": None}
