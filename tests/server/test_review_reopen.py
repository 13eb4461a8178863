"""A verified TPS-ballot comes back to the queue when something it did not see contradicts it,
and totals count only what is settled: verified and undisputed, or agreed with no high flag."""

from __future__ import annotations

from typing import Any

import pytest

from core.hlc import pack
from sync_server.review.comparison import Decision, Source, compare
from sync_server.review.official import import_rows
from sync_server.review.reconcile import all_scope
from sync_server.store.recon_base import QueueFilter
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import T0, TPS, TPS_2, MakeDevice
from tests.server.recon_helpers import VOTES, form, reconciled, send, verification

MINUTE = 60_000
LATER = pack(T0 + 10 * MINUTE, 0)  # after the verification below
VERIFIED_AT = pack(T0 + 5 * MINUTE, 0)


def _src(name: str, stamp: int = 1, values: dict[str, int] | None = None) -> Source:
    return Source(name, f"r-{name}", name, values or {}, stamp=(stamp, name))


DECISION = Decision("v", "sup", {"suara.1": 99}, ("r-ptps", "r-polisi"), stamp=(10, "sup"))


@pytest.mark.parametrize(
    ("sources", "disputed"),
    [
        # what the verification saw: the loser of the conflict is no dispute
        ([_src("ptps", values={"suara.1": 99}), _src("polisi", values={"suara.1": 44})], {}),
        # a cited source rewritten after the decision with another value
        ([_src("ptps", 11, values={"suara.1": 98}), _src("polisi", values={"suara.1": 44})], {"ptps": 98}),
        # ... or with the verified value: nothing to review
        ([_src("ptps"), _src("polisi", 11, values={"suara.1": 99})], {}),
        # a source the decision does not cite, even with an older stamp
        ([_src("ptps", values={"suara.1": 99}), _src("saksi:2", 5, values={"suara.1": 45})], {"saksi:2": 45}),
        # equal stamps count as seen
        ([_src("polisi", 10, values={"suara.1": 44})], {}),
    ],
)  # fmt: skip
def test_disputed_is_what_the_decision_did_not_see(sources, disputed):
    c = compare(sources, DECISION)
    [f] = [f for f in c.fields if f.field == "suara.1"]
    assert f.verified
    assert f.value == 99
    assert f.disputed == disputed
    assert c.status == "verified"


def test_a_decision_citing_nothing_is_disputed_only_by_later_writes():
    d = Decision("v", "sup", {"dpt_j": 300}, (), stamp=(10, "sup"))
    assert compare([_src("ptps", 3, values={"dpt_j": 299})], d).fields[0].disputed == {}
    assert compare([_src("ptps", 30, values={"dpt_j": 299})], d).fields[0].disputed == {"ptps": 299}


def _verify_conflict(make_device: MakeDevice) -> dict[str, Any]:
    """PTPS 99, police 44; the supervisor verifies 99 citing both, at VERIFIED_AT."""
    ptps, polisi = make_device("ptps"), make_device("polisi")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "t1", form(VOTES))
    send(polisi, "t2", form(VOTES, suara={**VOTES, "1": 44}))
    send(sup, "v1", verification(nilai={"suara.1": 99}, sumber=["t1", "t2"], alasan="Plano 99"),
         kind="verification", hlc=VERIFIED_AT)  # fmt: skip
    return {"ptps": ptps, "polisi": polisi, "sup": sup}


def _get(dev: Any, path: str, **params: Any) -> Any:
    res = dev.client.get(path, params=params, headers=dev.headers)
    assert res.status_code == 200, res.text
    return res.json()


def _kabupaten(sup: Any) -> dict[str, Any]:
    [row] = _get(sup, "/v1/review/totals", level="kabupaten", ballot="ppwp")["rows"]
    return dict(row)


def test_a_source_changing_a_verified_value_sends_it_back(make_device: MakeDevice):
    d = _verify_conflict(make_device)
    sup = d["sup"]
    assert _get(sup, "/v1/review/queue")["items"] == []
    assert _kabupaten(sup)["values"]["suara.1"] == 99
    send(d["ptps"], "t1", {"suara": {**VOTES, "1": 89}}, hlc=LATER)
    q = _get(sup, "/v1/review/queue")
    [item] = q["items"]
    assert (item["tps"], item["status"], item["severity"]) == (TPS, "verified", 3)
    assert "changed_after_verification" in item["rules"]
    top = item["top_flag"]
    assert top["rule"] == "changed_after_verification"
    assert top["fields"] == ["suara.1"]
    assert "IV no. 1 diverifikasi 99" in top["message_id"]
    assert "PTPS 89" in top["message_id"]
    assert q["counts"]["queue"] == 1
    assert q["counts"]["open_by_status"] == {"verified": 1}
    cmp = _get(sup, f"/v1/review/tps/{TPS}/ppwp")
    [field] = [f for f in cmp["fields"] if f["field"] == "suara.1"]
    assert field["verified"]
    assert field["value"] == 99
    assert field["disputed"] == {"ptps": 89}
    assert "changed_after_verification" in [f["rule"] for f in cmp["flags"]]
    row = _kabupaten(sup)  # open again: its votes leave the totals until decided again
    assert row["values"] == {}
    assert (row["decided"], row["verified"], row["open"]) == (0, 1, 5)
    # Verifying again, having seen the change, settles it (here: the change was a slip).
    send(sup, "v1", verification(nilai={"suara.1": 99}, sumber=["t1", "t2"],
                                 alasan="Plano tetap 99; ubahan PTPS salah ketik"),
         kind="verification", hlc=pack(T0 + 20 * MINUTE, 0))  # fmt: skip
    assert _get(sup, "/v1/review/queue")["items"] == []
    assert _kabupaten(sup)["values"]["suara.1"] == 99


def test_a_change_from_a_phone_whose_clock_is_behind_still_sends_it_back(
    make_device: MakeDevice,
):
    d = _verify_conflict(make_device)
    sup = d["sup"]
    assert _get(sup, "/v1/review/queue")["items"] == []
    behind = pack(T0 + 1 * MINUTE, 7)  # written after the verification, stamped before it
    send(d["ptps"], "t1", {"suara": {**VOTES, "1": 89}}, hlc=behind)
    [item] = _get(sup, "/v1/review/queue")["items"]
    assert "changed_after_verification" in item["rules"]
    cmp = _get(sup, f"/v1/review/tps/{TPS}/ppwp")
    [field] = [f for f in cmp["fields"] if f["field"] == "suara.1"]
    assert field["disputed"] == {"ptps": 89}


def test_a_new_source_disagreeing_with_the_verified_value_sends_it_back(
    make_device: MakeDevice,
):
    d = _verify_conflict(make_device)
    saksi = make_device("saksi", party=2)
    send(saksi, "t3", form(VOTES))  # agrees with the verified 99: stays settled
    assert _get(d["sup"], "/v1/review/queue")["items"] == []
    send(saksi, "t3", {"suara": {**VOTES, "1": 45}})
    [item] = _get(d["sup"], "/v1/review/queue")["items"]
    assert item["top_flag"]["fields"] == ["suara.1"]
    assert "Saksi" in item["top_flag"]["message_id"]
    assert "45" in item["top_flag"]["message_id"]


def test_an_official_figure_disagreeing_after_verification_sends_it_back(
    make_device: MakeDevice, store: SqliteStore
):
    d = _verify_conflict(make_device)
    import_rows(store, [{"tps": TPS, "ballot": "ppwp", "suara.1": "99"}], T0, "kpu.csv")
    assert _get(d["sup"], "/v1/review/queue")["items"] == []
    import_rows(store, [{"tps": TPS, "ballot": "ppwp", "suara.1": "98"}], T0, "kpu2.csv")
    [item] = _get(d["sup"], "/v1/review/queue")["items"]
    assert "Angka resmi KPU 98" in item["top_flag"]["message_id"]


def test_agreeing_on_an_impossible_count_is_not_decided(make_device: MakeDevice):
    ptps, polisi = make_device("ptps"), make_device("polisi")
    sup = make_device("supervisor", scope=["35.17"])
    impossible = form({"1": 948, "2": 0, "3": 0}, dpt=300)
    send(ptps, "t1", impossible)
    send(polisi, "t2", impossible)
    cmp = _get(sup, f"/v1/review/tps/{TPS}/ppwp")
    assert cmp["status"] == "agree"
    assert "votes_above_max" in [f["rule"] for f in cmp["flags"]]
    row = _kabupaten(sup)
    assert row["values"] == {}
    assert (row["decided"], row["open"]) == (0, 5)
    [item] = _get(sup, "/v1/review/queue")["items"]
    assert (item["tps"], item["status"], item["severity"]) == (TPS, "agree", 3)
    send(sup, "v1", verification(nilai={"suara": {"1": 248}, "suara_sah": 248, "suara_total": 250},
                                 sumber=["t1", "t2"], alasan="Plano: 248, bukan 948"),
         kind="verification", hlc=VERIFIED_AT)  # fmt: skip
    row = _kabupaten(sup)
    assert row["values"]["suara.1"] == 248
    assert row["decided"] == 1


def test_agreeing_with_only_a_medium_flag_is_decided(make_device: MakeDevice):
    ptps, polisi = make_device("ptps"), make_device("polisi")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "t1", form(VOTES))
    send(polisi, "t2", form(VOTES))
    send(ptps, "t1", {"catatan": "tulisan diperjelas"})  # changed after final: medium
    cmp = _get(sup, f"/v1/review/tps/{TPS}/ppwp")
    assert [f["severity"] for f in cmp["flags"]] == [2]
    row = _kabupaten(sup)
    assert row["decided"] == 1
    assert row["values"]["suara.1"] == 99


def test_store_open_and_decided_match_the_key_state_rules(
    make_device: MakeDevice, store: SqliteStore
):
    """The SQL of states(open_only), totals and decided_counts says what KeyState says."""
    test_agreeing_on_an_impossible_count_is_not_decided(make_device)
    ptps = make_device("ptps", scope=[TPS_2])
    polisi = make_device("polisi", scope=[TPS_2])
    send(ptps, "u1", form(VOTES), tps=TPS_2)
    send(polisi, "u2", form(VOTES), tps=TPS_2)
    send(make_device("saksi", scope=[TPS_2], party=3), "u3", form({**VOTES, "3": 7}), tps=TPS_2)
    rs = reconciled(store)
    every = rs.states(QueueFilter(all_scope()))
    assert len(every) == 2
    assert {s.status for s in every} == {"verified", "conflict"}
    open_ = [(s.tps, s.ballot) for s in rs.states(QueueFilter(all_scope()), open_only=True)]
    assert open_ == [(s.tps, s.ballot) for s in every if s.open] == [(TPS_2, "ppwp")]
    decided = sum(n for _, _, n in rs.decided_counts(all_scope(), "kabupaten"))
    assert decided == sum(s.decided for s in every) == 1
    counts = rs.state_counts(QueueFilter(all_scope()))
    assert sorted((st, o, n) for st, o, _, n in counts) == [("conflict", True, 1),
                                                          ("verified", False, 1)]  # fmt: skip


def test_rows_built_by_older_rules_are_rebuilt_on_the_next_review_read(
    make_device: MakeDevice, store: SqliteStore
):
    """After an upgrade changes the rules, the stored rows are rebuilt from the log once."""
    from sync_server.review.reconcile import RULES_VERSION

    d = _verify_conflict(make_device)
    assert _get(d["sup"], "/v1/review/queue")["items"] == []
    rs = store.recon()
    assert rs.rules_version() == RULES_VERSION
    with store.transaction():  # as an older server left them: stale, and an older version
        store.db.execute("UPDATE recon_state SET status = 'conflict', rules = ',vote_conflict,'")
        rs.set_rules_version("1")
    assert _get(d["sup"], "/v1/review/queue")["items"] == []  # rebuilt: verified again
    assert rs.rules_version() == RULES_VERSION
    [state] = rs.states(QueueFilter(all_scope()))
    assert state.status == "verified"
    assert not state.open
