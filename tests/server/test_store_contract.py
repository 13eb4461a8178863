"""The storage contract: every backend in tests/server/backends.py passes the same suite
(`fresh` is a fresh, migrated store of each)."""

from __future__ import annotations

import pytest

from core.merge import Conflict
from core.registry import build
from sync_server.store.base import Store
from sync_server.store.models import (
    Device,
    EnrolCode,
    OpRow,
    PushWrites,
    ReadFilter,
    StoredRecord,
    User,
)
from sync_server.store.pg import PgStore
from sync_server.store.sqlite import SqliteStore
from sync_server.sync.chain import GENESIS, verify_chain
from tests.server.conftest import REGION_ROWS, TPS, TPS_2, TPS_GUDO


def rec(record_id: str, tps: str = TPS, author: str = "u1", role: str = "ptps", **fields):
    stamps = {k: (1, "d1") for k in fields}
    return StoredRecord(record_id, "tally", tps, author, role, None, fields, stamps)


def test_migrate_twice_is_harmless(fresh: Store):
    fresh.migrate()
    assert fresh.count_records() == 0


def test_users_and_devices(fresh: Store):
    user = User("u1", "Siti", "saksi", 1, (TPS, "35.17"))
    fresh.add_user(user)
    assert fresh.get_user("u1") == user
    assert fresh.get_user("nope") is None
    device = Device("d1", "u1", "hp", 5)
    fresh.add_device(device, "hash1")
    assert fresh.device_by_token("hash1") == device
    assert fresh.device_by_token("hash2") is None
    assert fresh.revoke_device("d1", 9)
    assert not fresh.revoke_device("nope", 9)
    assert fresh.revoke_device("d1", 12)  # idempotent: keeps the first time
    assert fresh.get_device("d1") == Device("d1", "u1", "hp", 5, 9)
    assert [d.id for d in fresh.list_devices()] == ["d1"]
    assert fresh.list_users() == [user]


def test_enrol_codes_are_single_use(fresh: Store):
    fresh.add_user(User("u1", "Siti", "ptps", None, (TPS,)))
    fresh.add_enrol_code(EnrolCode("h", "u1", 100))
    assert fresh.get_enrol_code("h") == EnrolCode("h", "u1", 100)
    assert fresh.use_enrol_code("h", 50, "d1")
    assert not fresh.use_enrol_code("h", 51, "d2")
    assert fresh.get_enrol_code("h").used_ms == 50


def test_put_record_bumps_the_server_seq(fresh: Store):
    assert fresh.server_seq() == 0
    assert fresh.put_record(rec("a", dpt_l=1)) == 1
    assert fresh.put_record(rec("b", dpt_l=2)) == 2
    assert fresh.put_record(rec("a", dpt_l=3)) == 3
    got = fresh.get_record("a")
    assert got.seq == 3
    assert got.fields == {"dpt_l": 3}
    assert got.stamps == {"dpt_l": (1, "d1")}
    assert fresh.count_records() == 2
    assert fresh.server_seq() == 3
    everything = ReadFilter(("35",))
    assert [r.id for r in fresh.records_since(0, 10, everything)] == ["b", "a"]
    assert [r.id for r in fresh.records_since(2, 10, everything)] == ["a"]
    assert [r.id for r in fresh.records_since(0, 1, everything)] == ["b"]


FILTERS = [
    ReadFilter(()),
    ReadFilter(("35",)),
    ReadFilter(("3517012001",)),
    ReadFilter((TPS,)),
    ReadFilter((TPS_2, "351702")),
    ReadFilter(("3517",), author="u1"),
    ReadFilter(("3517",), hidden_roles=("saksi",)),
    ReadFilter(("3517",), author="u2", hidden_roles=("saksi", "polisi")),
]


@pytest.mark.parametrize("read", FILTERS)
def test_read_filter_in_the_backend_matches_its_python_twin(fresh: Store, read: ReadFilter):
    records = [
        rec("a", TPS, "u1", "saksi", x=1),
        rec("b", TPS, "u2", "ptps", x=1),
        rec("c", TPS_2, "u2", "polisi", x=1),
        rec("d", TPS_GUDO, "u3", "supervisor", x=1),
    ]
    for r in records:
        fresh.put_record(r)
    expected = [r.id for r in records if read.matches(r)]
    assert [r.id for r in fresh.records_since(0, 100, read)] == expected


def test_ops_and_contiguous_acks(fresh: Store):
    for seq in (1, 2, 4):
        fresh.add_op(OpRow("d1", f"o{seq}", seq, "r", "applied"))
    assert fresh.acked_seq("d1") == 0
    assert fresh.advance_acked_seq("d1") == 2
    fresh.add_op(OpRow("d1", "o3", 3, "r", "rejected", "x", "alasan", "reason"))
    assert fresh.advance_acked_seq("d1") == 4
    assert fresh.acked_seq("d1") == 4
    assert fresh.get_op("d1", "o3") == OpRow("d1", "o3", 3, "r", "rejected", "x", "alasan",
                                             "reason")  # fmt: skip
    assert fresh.get_op("d2", "o3") is None
    assert fresh.acked_seq("d2") == 0


def test_conflicts_keep_both_values_and_stamps(fresh: Store):
    seq = fresh.put_record(rec("a", x=1))
    conflict = Conflict("x", {"v": [1]}, (5, "d1"), None, (7, "d2"))
    cid = fresh.add_conflict("a", conflict, seq)
    [row] = fresh.list_conflicts(ReadFilter(("35",)))
    assert (row.id, row.record_id, row.conflict, row.seq, row.resolved) == (cid, "a", conflict,
                                                                            seq, False)  # fmt: skip
    assert fresh.list_conflicts(ReadFilter(("351702",))) == []
    assert fresh.resolve_conflict(cid)
    assert not fresh.resolve_conflict(cid + 100)
    assert fresh.list_conflicts(ReadFilter(("35",))) == []
    assert fresh.list_conflicts(ReadFilter(("35",)), include_resolved=True)[0].resolved


def test_change_log_chains_hashes(fresh: Store):
    first = fresh.append_log({"n": 1, "teks": "ñ"})
    second = fresh.append_log({"n": 2})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert list(fresh.log_entries()) == [first, second]
    assert verify_chain(fresh.log_entries()) is None


def test_a_failed_transaction_writes_nothing(fresh: Store):
    def crash() -> None:
        with fresh.transaction():
            fresh.put_record(rec("a", x=1))
            fresh.append_log({"n": 1})
            fresh.add_op(OpRow("d1", "o1", 1, "a", "applied"))
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    assert fresh.get_record("a") is None
    assert fresh.server_seq() == 0
    assert list(fresh.log_entries()) == []
    assert fresh.get_op("d1", "o1") is None


def test_region_is_replaced_whole(fresh: Store):
    fresh.replace_region(build(REGION_ROWS))
    assert fresh.count_tps() == 5
    assert fresh.has_tps(TPS)
    assert not fresh.has_tps("3517012001004")
    fresh.replace_region(build(REGION_ROWS[:3]))
    assert fresh.count_tps() == 3
    assert not fresh.has_tps(TPS_GUDO)


def test_batch_reads_find_exactly_what_exists(fresh: Store):
    fresh.replace_region(build(REGION_ROWS))
    fresh.put_record(rec("a", x=1))
    fresh.put_record(rec("b", TPS_2, y=2))
    fresh.add_op(OpRow("d1", "o1", 1, "a", "applied"))
    fresh.add_op(OpRow("d2", "o2", 1, "b", "applied"))
    assert set(fresh.get_records(["a", "b", "a", "zz"])) == {"a", "b"}
    assert fresh.get_records(["b"])["b"] == fresh.get_record("b")
    assert fresh.get_ops("d1", ["o1", "o2", "o9"]) == {"o1": fresh.get_op("d1", "o1")}
    assert fresh.known_tps([TPS, TPS_GUDO, "3517012001009", TPS]) == {TPS, TPS_GUDO}
    many = [f"r{i}" for i in range(1200)]  # past one `IN (...)` chunk
    assert fresh.get_records(many) == {}
    assert fresh.known_tps([]) == set()


def test_save_push_writes_the_whole_batch_at_once(fresh: Store):
    fresh.put_record(rec("a", x=1))  # seq 1
    a2 = StoredRecord("a", "tally", TPS, "u1", "ptps", None, {"x": 2}, {"x": (3, "d1")}, seq=3)
    b = StoredRecord("b", "tally", TPS_2, "u2", "saksi", 2, {"y": 1}, {"y": (2, "d2")}, seq=2)
    conflict = Conflict("x", 1, (1, "d1"), 2, (3, "d1"))
    writes = PushWrites(
        records=[b, a2],
        server_seq=3,
        log=[{"record_id": "b", "seq": 2}, {"record_id": "a", "seq": 3}],
        ops=[OpRow("d1", "o2", 2, "b", "applied"), OpRow("d1", "o3", 3, "a", "conflict")],
        conflicts=[("a", conflict, 3)],
    )
    fresh.save_push(writes)
    assert fresh.server_seq() == 3
    assert fresh.get_record("a") == a2
    assert fresh.get_record("b") == b  # author fields kept as given for a new record
    assert [r.id for r in fresh.records_since(1, 10, ReadFilter(("35",)))] == ["b", "a"]
    [row] = fresh.list_conflicts(ReadFilter(("35",)))
    assert (row.record_id, row.conflict, row.seq) == ("a", conflict, 3)
    assert set(fresh.get_ops("d1", ["o2", "o3"])) == {"o2", "o3"}
    entries = list(fresh.log_entries())
    assert [e.entry["seq"] for e in entries] == [2, 3]
    assert verify_chain(entries) is None
    assert fresh.log_since(entries[0].id, 10) == entries[1:]
    assert fresh.log_since(0, 1) == entries[:1]
    assert fresh.log_since(entries[1].id, 5) == []


def test_a_failed_batch_writes_nothing(fresh: Store):
    b = StoredRecord("b", "tally", TPS, "u2", "saksi", 2, {"y": 1}, {"y": (2, "d2")}, seq=1)
    op = OpRow("d1", "o1", 1, "b", "applied")

    def crash() -> None:
        with fresh.transaction():
            fresh.save_push(PushWrites([b], 1, [{"n": 1}], [op], []))
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    assert fresh.get_record("b") is None
    assert fresh.server_seq() == 0
    assert list(fresh.log_entries()) == []
    assert fresh.get_ops("d1", ["o1"]) == {}


def test_op_content_hashes_and_device_epochs(fresh: Store):
    fresh.add_op(OpRow("d-1", "d-1:1", 1, "r1", "applied", content_hash="ab" * 32))
    fresh.add_op(OpRow("d-1~1", "d-1:1:3", 3, "r1", "applied", content_hash="cd" * 32))
    assert fresh.get_ops("d-1", ["d-1:1"])["d-1:1"].content_hash == "ab" * 32
    assert (fresh.held_seq("d-1"), fresh.held_seq("d-1~1"), fresh.held_seq("d-2")) == (1, 3, 0)
    assert fresh.device_epoch("d-1") == 0
    assert [fresh.new_epoch("d-1"), fresh.new_epoch("d-1")] == [1, 2]
    assert (fresh.device_epoch("d-1"), fresh.device_epoch("d-2")) == (2, 0)


def test_exclusive_is_held_by_one_holder_at_a_time(fresh: Store):
    other = _second(fresh)
    try:
        with fresh.exclusive("recon") as first:
            assert first
            with other.exclusive("recon", wait=False) as second:
                assert not second  # the reconciliation leader is taken
            with other.exclusive("other-name", wait=False) as unrelated:
                assert unrelated
        with other.exclusive("recon", wait=False) as after:
            assert after  # released on leaving
    finally:
        other.close()


def _second(store: Store) -> Store:
    """Another connection to the same database, as a second server process would hold."""
    if isinstance(store, PgStore):
        return PgStore(store.pool)
    assert isinstance(store, SqliteStore)
    return SqliteStore(store.path)


def test_wrong_enrolment_guesses_are_counted_per_selector_and_forgotten_when_old(fresh: Store):
    with fresh.transaction():
        for at in (10, 20, 30):
            fresh.add_code_failure("ABCD", at, forget_before_ms=0)
        fresh.add_code_failure("WXYZ", 30, forget_before_ms=0)
    assert fresh.code_failures("ABCD", since_ms=0) == 3
    assert fresh.code_failures("ABCD", since_ms=20) == 2
    assert fresh.code_failures("QQQQ", since_ms=0) == 0
    with fresh.transaction():
        fresh.add_code_failure("WXYZ", 40, forget_before_ms=25)  # older guesses are dropped
    assert fresh.code_failures("ABCD", since_ms=0) == 1
    assert fresh.code_failures("WXYZ", since_ms=0) == 2
