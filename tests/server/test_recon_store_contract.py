"""The reconciliation part of the storage contract (`store.recon()`), plus the housekeeping
methods of `Store` (note_pulled, gc_tombstones, max_hlc), run against every backend."""

from __future__ import annotations

from typing import Any

from core.merge import Conflict
from core.registry import build
from sync_server.review.flags import is_counted, is_decided, is_open
from sync_server.store.base import Store
from sync_server.store.blob_base import BlobRow
from sync_server.store.models import Device, ReadFilter, StoredRecord, User
from sync_server.store.recon_base import (
    KeyState,
    Official,
    PhotoUse,
    QueueFilter,
    Snapshot,
    Twin,
)
from tests.server.conftest import REGION_ROWS, TPS, TPS_2, TPS_GUDO
from tests.server.test_store_contract import rec

EVERY = ReadFilter(("35",))
A, B = "a" * 64, "b" * 64


def state(
    tps: str,
    ballot: str,
    status: str,
    severity: int = 0,
    rules: tuple[str, ...] = (),
    values: dict[str, int] | None = None,
) -> KeyState:
    values = values or {}
    doc: dict[str, Any] = {"tps": tps, "ballot": ballot, "values": values, "teks": "ñ"}
    return KeyState(tps, ballot, status, severity, 2, rules, doc, values,
                    is_open(status, rules), is_decided(status, severity, rules),
                    counted=is_counted(status, severity, rules))  # fmt: skip


STATES = [
    state(TPS, "ppwp", "agree", values={"suara.1": 10, "suara.2": 5}),  # decided
    state(TPS, "dpd", "conflict", 3, ("vote_conflict",)),  # open
    state(
        TPS_2, "ppwp", "agree", 3, ("votes_above_dpt",), values={"suara.1": 99}
    ),  # open, not decided
    state(TPS_2, "dpd", "verified", 0, (), values={"suara.1": 7}),  # decided
    state(TPS_GUDO, "ppwp", "verified", 1, ("changed_after_verification",)),  # reopened
    state(TPS_GUDO, "dpd", "one_source", 0, ()),
]


def _keys(states: list[KeyState]) -> list[tuple[str, str]]:
    return [(s.tps, s.ballot) for s in states]


def test_cursor_and_rules_version(fresh: Store):
    rs = fresh.recon()
    assert rs.cursor() == 0
    assert rs.rules_version() == ""
    rs.set_cursor(41)
    rs.set_rules_version("7")
    assert rs.cursor() == 41
    assert rs.rules_version() == "7"


def test_snapshots_round_trip_by_record_and_tps(fresh: Store):
    rs = fresh.recon()
    snap = Snapshot("r1", TPS, "ppwp", True, {"suara": {"1": 3}, "catatan": "ñ"},
                    [{"record_id": "r1", "fields": ["suara"], "hlc": 5, "device_id": "d1"}],
                    {"suara": (5, "d1")})  # fmt: skip
    rs.put_snapshot(snap)
    rs.put_snapshot(Snapshot("r0", TPS, "", False, {}))
    rs.put_snapshot(Snapshot("r2", TPS_2, "dpd", False, {"x": 1}))
    assert rs.get_snapshot("r1") == snap
    assert rs.get_snapshot("nope") is None
    assert [s.record_id for s in rs.snapshots_at(TPS)] == ["r0", "r1"]
    changed = Snapshot("r1", TPS, "ppwp", False, {"deleted": True}, [], {"deleted": (9, "d2")})
    rs.put_snapshot(changed)
    assert rs.get_snapshot("r1") == changed


def test_photo_uses_are_replaced_per_record(fresh: Store):
    rs = fresh.recon()
    rs.set_photos("r1", TPS, "ppwp", [A, B])
    rs.set_photos("r2", TPS_2, "ppwp", [A])
    assert rs.photo_uses([A]) == [PhotoUse(A, "r1", TPS, "ppwp"), PhotoUse(A, "r2", TPS_2, "ppwp")]
    rs.set_photos("r1", TPS, "ppwp", [B])
    assert rs.photo_uses([A, B]) == [PhotoUse(A, "r2", TPS_2, "ppwp"),
                                     PhotoUse(B, "r1", TPS, "ppwp")]  # fmt: skip
    assert rs.photo_uses([]) == []
    assert rs.photo_uses(["c" * 64]) == []


def test_photo_twins_by_original_and_by_likeness(fresh: Store):
    """A re-encoded copy of the same camera original is an `original` twin (either way round,
    or two copies of one original); a look-alike by fingerprint is `similar`; when both hold,
    `original` wins."""
    C, O = "c" * 64, "0" * 64
    blobs = fresh.blobs()
    for sha, original in ((A, O), (B, O), (O, None), (C, None)):
        blobs.put_blob(BlobRow(sha, 100, "image/jpeg", "d1", 1, 10, True, original))
    blobs.put_twins(A, [(C, 3), (B, 1)])
    twins = fresh.recon().photo_twins([A])
    assert twins == [Twin(A, O, "original"), Twin(A, B, "original"), Twin(A, C, "similar", 3)]
    assert fresh.recon().photo_twins([]) == []


def test_states_round_trip_replace_and_delete(fresh: Store):
    rs = fresh.recon()
    first = STATES[0]
    rs.put_state(first)
    assert rs.get_state(TPS, "ppwp") == first
    assert rs.get_state(TPS, "dpd") is None
    replaced = state(TPS, "ppwp", "conflict", 3, ("vote_conflict",))
    rs.put_state(replaced)
    assert rs.get_state(TPS, "ppwp") == replaced
    assert rs.totals(EVERY, "desa") == []  # the replaced row's values went with it
    rs.delete_state(TPS, "ppwp")
    assert rs.get_state(TPS, "ppwp") is None
    assert rs.states(QueueFilter(EVERY)) == []


def test_the_queue_filters_and_orders_worst_first(fresh: Store):
    rs = fresh.recon()
    for s in STATES:
        rs.put_state(s)
    every = rs.states(QueueFilter(EVERY))
    assert every == sorted(STATES, key=lambda s: (-s.severity, s.status != "conflict", s.tps,
                                                  s.ballot))  # fmt: skip
    assert _keys(rs.states(QueueFilter(EVERY), open_only=True)) == _keys(
        [s for s in every if s.open]
    )
    assert _keys(rs.states(QueueFilter(ReadFilter((TPS_GUDO,))))) == [(TPS_GUDO, "ppwp"),
                                                                      (TPS_GUDO, "dpd")]  # fmt: skip
    assert _keys(rs.states(QueueFilter(EVERY, kecamatan="35.17.02"))) == _keys(
        [s for s in every if s.tps == TPS_GUDO]
    )
    assert _keys(rs.states(QueueFilter(EVERY, ballot="dpd", status="verified"))) == [(TPS_2, "dpd")]
    assert _keys(rs.states(QueueFilter(EVERY, rule="votes_above_dpt"))) == [(TPS_2, "ppwp")]
    assert rs.states(QueueFilter(ReadFilter(()))) == []


def test_counts_and_totals_follow_open_and_decided(fresh: Store):
    rs = fresh.recon()
    for s in STATES:
        rs.put_state(s)
    counts = rs.state_counts(QueueFilter(EVERY))
    expected = [(s.status, s.open, s.rules, 1) for s in STATES]
    assert sorted(counts) == sorted(expected)
    assert sorted(rs.totals(EVERY, "desa")) == [
        ("3517012001", "dpd", "suara.1", 7),
        ("3517012001", "ppwp", "suara.1", 10),
        ("3517012001", "ppwp", "suara.2", 5),
    ]  # TPS_2's ppwp is agreed but carries a high flag: not counted
    assert sorted(rs.decided_counts(EVERY, "kabupaten")) == [
        ("3517", "dpd", 1),
        ("3517", "ppwp", 1),
    ]
    assert sorted(rs.status_counts(EVERY, "kecamatan")) == [
        ("351701", "dpd", "conflict", 1), ("351701", "dpd", "verified", 1),
        ("351701", "ppwp", "agree", 2), ("351702", "dpd", "one_source", 1),
        ("351702", "ppwp", "verified", 1),
    ]  # fmt: skip
    assert rs.totals(ReadFilter((TPS_GUDO,)), "desa") == []


def test_clear_drops_derived_rows_and_keeps_official_figures(fresh: Store):
    rs = fresh.recon()
    rs.put_state(STATES[0])
    rs.put_snapshot(Snapshot("r1", TPS, "ppwp", True, {}))
    rs.set_photos("r1", TPS, "ppwp", [A])
    rs.put_official([Official(TPS, "ppwp", {"suara": {"1": 4}}, "resmi.csv", 5)])
    rs.set_cursor(9)
    rs.clear()
    assert rs.cursor() == 0
    assert rs.states(QueueFilter(EVERY)) == []
    assert rs.get_snapshot("r1") is None
    assert rs.photo_uses([A]) == []
    assert rs.get_official(TPS, "ppwp") is not None


def test_official_figures_are_upserted_by_tps_and_ballot(fresh: Store):
    rs = fresh.recon()
    first = Official(TPS_2, "ppwp", {"suara": {"1": 4}}, "a.csv", 5)
    rs.put_official([first, Official(TPS, "dpd", {"x": 1}, "a.csv", 5)])
    again = Official(TPS_2, "ppwp", {"suara": {"1": 6}}, "b.csv", 8)
    rs.put_official([again])
    assert rs.get_official(TPS_2, "ppwp") == again
    assert rs.get_official(TPS_GUDO, "ppwp") is None
    assert rs.official_keys() == [(TPS, "dpd"), (TPS_2, "ppwp")]


def test_what_review_reads(fresh: Store):
    rs = fresh.recon()
    fresh.replace_region(build(REGION_ROWS))
    fresh.put_record(rec("t2", TPS, "u1", "saksi", ballot="ppwp", status="final"))
    fresh.put_record(rec("t1", TPS, "u2", "ptps", ballot="dpd", status="draft"))
    fresh.put_record(StoredRecord("i1", "incident", TPS, "u2", "ptps", None, {"x": 1}, {}))
    fresh.put_record(rec("t3", TPS_GUDO, "u3", "ptps", ballot="ppwp", status="final"))
    assert [r.id for r in rs.records_at(TPS)] == ["i1", "t1", "t2"]
    assert [r.id for r in rs.records_at(TPS, "tally")] == ["t1", "t2"]
    assert [r.id for r in rs.records_of("tally", EVERY)] == ["t1", "t2", "t3"]
    hidden = ReadFilter(("3517",), hidden_roles=("saksi",))
    assert [r.id for r in rs.records_of("tally", hidden)] == ["t1", "t3"]
    assert [t.id for t in rs.tps_in(ReadFilter(("3517012001",)))] == [TPS, TPS_2, "3517012001003"]
    assert rs.get_tps(TPS_GUDO).kecamatan_name == "Gudo"
    assert rs.get_tps("3517999999999") is None


def _log(fresh: Store, record_id: str, hlc: int, **fields: Any) -> None:
    fresh.append_log({"record_id": record_id, "kind": "tally", "fields": fields, "hlc": hlc})


def test_history_and_first_finals_come_from_the_log(fresh: Store):
    rs = fresh.recon()
    fresh.put_record(rec("t1", TPS, "u1", "saksi", ballot="ppwp", status="final"))
    fresh.put_record(rec("t2", TPS_GUDO, "u3", "ptps", ballot="dpd", status="final"))
    _log(fresh, "t1", 50, status="draft", ballot="ppwp")
    _log(fresh, "t2", 40, status="final", ballot="dpd")
    _log(fresh, "t1", 70, status="final")
    _log(fresh, "t1", 60, status="final")  # a phone with a slower clock: the earliest counts
    assert [e.entry["hlc"] for e in rs.history("t1")] == [50, 70, 60]
    assert rs.history("nope") == []
    assert sorted(rs.first_finals(EVERY)) == [(TPS, "ppwp", 60), (TPS_GUDO, "dpd", 40)]
    assert rs.first_finals(ReadFilter((TPS,), author="u2")) == []


def test_note_pulled_only_moves_forward_and_holds_back_gc(fresh: Store):
    fresh.add_user(User("u1", "Siti", "ptps", None, (TPS,)))
    for d in ("d1", "d2"):
        fresh.add_device(Device(d, "u1", "hp", 1), f"hash-{d}")
    fresh.put_record(rec("gone", x=1))
    fresh.put_record(rec("gone", deleted=True))  # seq 2: a tombstone
    fresh.put_record(rec("kept", x=1))  # seq 3
    fresh.note_pulled("d1", 3)
    fresh.note_pulled("d1", 1)  # an older page asked again: the cursor stays
    assert fresh.gc_tombstones() == 0  # d2 has pulled nothing
    fresh.note_pulled("d2", 2)
    assert fresh.gc_tombstones() == 1
    assert fresh.get_record("gone") is None
    assert fresh.get_record("kept") is not None
    assert fresh.gc_tombstones() == 0


def test_gc_keeps_a_tombstone_with_an_open_conflict_and_ignores_revoked(fresh: Store):
    fresh.add_user(User("u1", "Siti", "ptps", None, (TPS,)))
    fresh.add_device(Device("d1", "u1", "hp", 1), "h1")
    fresh.add_device(Device("d2", "u1", "hp", 1), "h2")
    fresh.put_record(rec("a", deleted=True))
    seq = fresh.put_record(rec("b", deleted=True))
    cid = fresh.add_conflict("b", Conflict("deleted", None, (1, "d1"), True, (2, "d2")), seq)
    fresh.note_pulled("d1", seq)
    fresh.revoke_device("d2", 5)  # never pulled, but revoked: does not hold anything back
    assert fresh.gc_tombstones() == 1
    assert fresh.get_record("b") is not None
    fresh.resolve_conflict(cid)
    assert fresh.gc_tombstones() == 1
    assert fresh.get_record("b") is None


def test_max_hlc_is_the_largest_stamp_in_the_log(fresh: Store):
    assert fresh.max_hlc() == 0
    _log(fresh, "t1", 1 << 40)
    _log(fresh, "t1", 5)
    assert fresh.max_hlc() == 1 << 40
