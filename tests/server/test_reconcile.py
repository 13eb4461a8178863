"""Reconciliation through real pushes: agree / conflict / single, every flag, verification."""

from __future__ import annotations

from typing import Any

import pytest

from sync_server.review.comparison import Decision, Source, compare
from sync_server.review.reconcile import recompute_all
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import TPS, TPS_2, TPS_GUDO, MakeDevice
from tests.server.recon_helpers import SHA_A, SHA_B, VOTES, form, reconciled, send, verification


def _state(store: SqliteStore, tps: str = TPS, ballot: str = "ppwp") -> dict[str, Any]:
    state = reconciled(store).get_state(tps, ballot)
    assert state is not None
    return state.doc


def _field(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in doc["fields"] if f["field"] == name)


def _rules(doc: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in doc["flags"]]


def _src(name: str, **values: int) -> Source:
    return Source(name, f"r-{name}", name, values)


@pytest.mark.parametrize(
    ("sources", "field", "state", "value"),
    [
        ([_src("ptps", dpt_j=300), _src("polisi", dpt_j=300)], "dpt_j", "agree", 300),
        ([_src("ptps", dpt_j=300), _src("polisi", dpt_j=299)], "dpt_j", "conflict", None),
        ([_src("ptps", dpt_j=300), _src("polisi")], "dpt_j", "single", 300),
        ([_src("ptps", **{"suara.1": 99}), _src("resmi", **{"suara.1": 44})], "suara.1", "conflict", None),
    ],
)  # fmt: skip
def test_field_states(sources, field, state, value):
    c = compare(sources, None)
    [f] = [f for f in c.fields if f.field == field]
    assert (f.state, f.value) == (state, value)


@pytest.mark.parametrize(
    ("sources", "decision", "status"),
    [
        ([], None, "no_data"),
        ([_src("ptps", dpt_j=1)], None, "one_source"),
        ([_src("ptps", dpt_j=1), _src("polisi", dpt_j=1)], None, "agree"),
        ([_src("ptps", dpt_j=1), _src("polisi", dpt_j=2)], None, "conflict"),
        ([_src("ptps", dpt_j=1), _src("polisi", dpt_j=2)], Decision("v", "s", {"dpt_j": 2}), "verified"),
        ([_src("ptps", dpt_j=1), _src("polisi", dpt_j=2)], Decision("v", "s", {"suara.1": 2}), "conflict"),
        ([_src("ptps", dpt_j=1)], Decision("v", "s", {}), "verified"),
    ],
)  # fmt: skip
def test_status(sources, decision, status):
    assert compare(sources, decision).status == status


def test_latest_tally_of_a_source_is_current():
    old = Source("ptps", "r1", "u", {"dpt_j": 1}, stamp=(1, "d"))
    new = Source("ptps", "r2", "u", {"dpt_j": 2}, stamp=(2, "d"))
    c = compare([new, old], None)
    assert [s.record_id for s in c.sources] == ["r2"]
    assert c.values["dpt_j"] == 2


def test_holdout_one_source_misreads_99_as_44(make_device: MakeDevice, store: SqliteStore):
    ptps, polisi, saksi = make_device("ptps"), make_device("polisi"), make_device("saksi", party=2)
    send(ptps, "t-ptps", form(VOTES))
    send(polisi, "t-pol", form(VOTES))
    misread = form(VOTES)
    misread["suara"] = {**VOTES, "1": 44}
    send(saksi, "t-saksi", misread)
    doc = _state(store)
    assert doc["status"] == "conflict"
    conflicts = [f["field"] for f in doc["fields"] if f["state"] == "conflict"]
    assert conflicts == ["suara.1"]
    assert _field(doc, "suara.1")["values"] == {"ptps": 99, "polisi": 99, "saksi:2": 44}
    vote_flags = [f for f in doc["flags"] if f["rule"] == "vote_conflict"]
    assert len(vote_flags) == 1
    assert vote_flags[0]["fields"] == ["suara.1"]
    assert "44" in vote_flags[0]["message_id"]
    assert "99" in vote_flags[0]["message_id"]
    assert _field(doc, "suara.2")["state"] == "agree"


def test_948_votes_at_a_300_voter_tps_is_flagged(make_device: MakeDevice, store: SqliteStore):
    ptps = make_device("ptps")
    send(ptps, "t1", form({"1": 948, "2": 0, "3": 0}, dpt=300))
    doc = _state(store)
    assert {"votes_above_dpt", "votes_above_max"} <= set(_rules(doc))
    assert doc["flags"][0]["severity"] == 3
    [limit] = [f for f in doc["flags"] if f["rule"] == "votes_above_max"]
    assert limit["severity"] == 3
    assert "948" in limit["message_id"]


def test_votes_above_306_flagged_even_with_a_bigger_dpt(
    make_device: MakeDevice, store: SqliteStore
):
    send(make_device("ptps"), "t1", form({"1": 200, "2": 110, "3": 0}, dpt=400))
    rules = _rules(_state(store))
    assert "votes_above_max" in rules
    assert "votes_above_dpt" not in rules


def test_hard_identity_broken_is_flagged(make_device: MakeDevice, store: SqliteStore):
    send(make_device("ptps"), "t1", form(VOTES, suara_total=999))
    doc = _state(store)
    flags = [f for f in doc["flags"] if f["rule"] == "identity"]
    assert flags
    assert all(f["source"] == "ptps" and f["message_en"] for f in flags)
    assert any("V.C harus = V.A + V.B" in f["message_id"] for f in flags)


def test_drafts_and_deleted_tallies_do_not_count(make_device: MakeDevice, store: SqliteStore):
    ptps, polisi = make_device("ptps"), make_device("polisi")
    send(ptps, "t1", form(VOTES, status="draft"))
    assert reconciled(store).get_state(TPS, "ppwp") is None
    send(ptps, "t1", {"status": "final"})
    send(polisi, "t2", form({**VOTES, "1": 1}))
    assert _state(store)["status"] == "conflict"
    send(polisi, "t2", {"deleted": True})
    doc = _state(store)
    assert doc["status"] == "one_source"


def test_photo_used_for_two_tps_flags_both(make_device: MakeDevice, store: SqliteStore):
    a = make_device("ptps", scope=[TPS])
    b = make_device("ptps", scope=[TPS_GUDO])
    send(a, "t-a", form(VOTES, photos=[SHA_A]))
    assert "photo_reused" not in _rules(_state(store))
    send(b, "t-b", form(VOTES, photos=[SHA_A, SHA_B]), tps=TPS_GUDO)
    assert "photo_reused" in _rules(_state(store))
    assert "photo_reused" in _rules(_state(store, TPS_GUDO))
    send(b, "t-b", {"photos": [SHA_B]}, tps=TPS_GUDO)
    assert "photo_reused" not in _rules(_state(store))


def test_a_cHasil_photo_reused_as_incident_evidence_at_another_tps_is_flagged(
    make_device: MakeDevice, store: SqliteStore
):
    a = make_device("ptps", scope=[TPS])
    b = make_device("ptps", scope=[TPS_GUDO])
    send(a, "t-a", form(VOTES, photos=[SHA_A]))
    send(b, "i-b", {"jenis": "laporan", "tps": TPS_GUDO, "bukti": [SHA_A]}, kind="incident",
         tps=TPS_GUDO)  # fmt: skip
    [flag] = [f for f in _state(store)["flags"] if f["rule"] == "photo_reused"]
    assert TPS_GUDO in flag["message_id"]
    assert flag["severity"] >= 3
    send(b, "i-b", {"bukti": [SHA_B]}, kind="incident", tps=TPS_GUDO)  # evidence replaced
    assert "photo_reused" not in _rules(_state(store))


def test_change_after_final_is_flagged(make_device: MakeDevice, store: SqliteStore):
    ptps = make_device("ptps")
    send(ptps, "t1", form(VOTES))
    assert "changed_after_final" not in _rules(_state(store))
    send(ptps, "t1", {"suara": {**VOTES, "1": 98}, "suara_sah": 267, "suara_total": 269})
    [flag] = [f for f in _state(store)["flags"] if f["rule"] == "changed_after_final"]
    assert "suara" in flag["fields"]
    assert flag["source"] == "ptps"
    assert "WIB" in flag["message_id"]


def test_verification_takes_precedence(make_device: MakeDevice, store: SqliteStore):
    ptps, polisi = make_device("ptps"), make_device("polisi")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "t1", form(VOTES))
    send(polisi, "t2", form(VOTES, suara={**VOTES, "1": 44}))
    assert _state(store)["status"] == "conflict"
    v = verification(nilai={"suara.1": 99}, sumber=["t1", "t2"], photos=[SHA_A],
                     alasan="Foto C.Hasil plano jelas menunjukkan 99")  # fmt: skip
    send(sup, "v1", v, kind="verification")
    doc = _state(store)
    assert doc["status"] == "verified"
    f = _field(doc, "suara.1")
    assert f["state"] == "conflict"
    assert f["verified"]
    assert f["value"] == 99
    assert doc["decision"]["alasan"].startswith("Foto")
    assert doc["decision"]["sumber"] == [
        "t1",
        "t2",
    ]
    assert "vote_conflict" not in _rules(doc)
    assert doc["values"]["suara.1"] == 99


def test_override_beats_agreeing_sources(make_device: MakeDevice, store: SqliteStore):
    ptps, polisi = make_device("ptps"), make_device("polisi")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "t1", form(VOTES))
    send(polisi, "t2", form(VOTES))
    send(sup, "v1", verification(nilai={"suara": {"1": 97}, "suara_sah": 267, "suara_total": 269},
                                 alasan="Koreksi"), kind="verification")  # fmt: skip
    doc = _state(store)
    assert doc["values"]["suara.1"] == 97
    assert doc["status"] == "verified"


def test_saksi_cannot_push_a_verification(make_device: MakeDevice):
    saksi = make_device("saksi")
    res = saksi.push(saksi.op("v1", verification(nilai={}), kind="verification"))
    assert res.json()["results"][0]["status"] == "rejected"


def test_official_figure_is_a_source(store: SqliteStore, make_device: MakeDevice):
    from sync_server.review.official import import_rows

    send(make_device("ptps"), "t1", form(VOTES))
    import_rows(
        store, [{"tps": TPS, "ballot": "ppwp", "suara.1": "44", "suara.2": "120"}], 1, "x.csv"
    )
    doc = _state(store)
    assert _field(doc, "suara.1")["values"] == {"ptps": 99, "resmi": 44}
    assert [s["source"] for s in doc["sources"]] == ["ptps", "resmi"]


def test_recompute_all_rebuilds_the_same_rows(make_device: MakeDevice, store: SqliteStore):
    ptps, polisi = make_device("ptps", scope=[TPS, TPS_2]), make_device("polisi")
    send(ptps, "t1", form(VOTES, photos=[SHA_A]))
    send(ptps, "t3", form(VOTES, photos=[SHA_A]), tps=TPS_2)
    send(polisi, "t2", form({**VOTES, "3": 5}))
    send(ptps, "t1", {"status": "draft"})
    before = {(s.tps, s.ballot): s for s in reconciled(store).states(_everything())}
    recompute_all(store)
    after = {(s.tps, s.ballot): s for s in reconciled(store).states(_everything())}
    assert before == after
    assert len(after) == 2


def _everything():
    from sync_server.review.reconcile import all_scope
    from sync_server.store.recon_base import QueueFilter

    return QueueFilter(all_scope())
