"""Push and pull over HTTP in-process: round trip, idempotency, acked_seq, per-op rejection."""

from __future__ import annotations

import pytest

from core.hlc import pack
from core.ledger import is_batch, is_op
from tests.server.conftest import T0, TPS, TPS_2, MakeDevice

pytestmark = pytest.mark.every_backend  # SQLite and PostgreSQL


def test_health_needs_no_token(client):
    assert client.get("/v1/health").json() == {"ok": True, "protocol": 2}


def test_push_then_pull_round_trip(make_device: MakeDevice):
    phone = make_device("ptps")
    res = phone.push(phone.op("r1", {"dpt_l": 120, "dpt_p": 130, "status": "draft"}))
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["acked_seq"] == 1
    assert body["results"] == [
        {"op_id": f"{phone.id}:1", "status": "applied", "code": None, "reason": None,
         "reason_en": None}
    ]  # fmt: skip
    pulled = phone.pull().json()
    [record] = pulled["records"]
    assert record["id"] == "r1"
    assert record["tps"] == TPS
    assert record["kind"] == "tally"
    assert record["author"] == phone.user_id
    assert record["fields"] == {"dpt_l": 120, "dpt_p": 130, "status": "draft"}
    assert record["stamps"]["dpt_l"] == [pack(T0, 1), phone.id]
    assert pulled["next"] == record["seq"]
    assert pulled["more"] is False
    assert pulled["server_hlc"] >= pack(T0, 1)


def test_pull_pages_by_server_seq(make_device: MakeDevice):
    phone = make_device("ptps")
    phone.push(*[phone.op(f"r{i}", {"dpt_l": i}) for i in range(5)])
    first = phone.pull(limit=2).json()
    assert [r["id"] for r in first["records"]] == ["r0", "r1"]
    assert first["more"]
    rest = phone.pull(since=first["next"], limit=10).json()
    assert [r["id"] for r in rest["records"]] == ["r2", "r3", "r4"]
    assert not rest["more"]
    empty = phone.pull(since=rest["next"]).json()
    assert empty["records"] == []
    assert empty["next"] == rest["next"]


def test_same_batch_twice_is_applied_once(make_device: MakeDevice, store):
    phone = make_device("ptps")
    ops = [phone.op("r1", {"dpt_l": 1}), phone.op("r2", {"dpt_l": 2})]
    assert [r["status"] for r in phone.push(*ops).json()["results"]] == ["applied", "applied"]
    again = phone.push(*ops).json()
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert again["acked_seq"] == 2
    assert store.count_records() == 2
    assert store.server_seq() == 2
    log = [e.entry for e in store.log_entries()]
    assert sum(map(is_op, log)) == 2
    assert sum(map(is_batch, log)) == 1  # the retry logs nothing


def test_overlapping_and_reordered_batches(make_device: MakeDevice, store):
    phone = make_device("ptps")
    ops = [phone.op(f"r{i}", {"dpt_l": i}) for i in range(1, 6)]
    assert phone.push(ops[2], ops[0]).json()["acked_seq"] == 1  # seq 2 still missing
    res = phone.push(ops[4], ops[3], ops[2], ops[1]).json()
    assert [r["status"] for r in res["results"]] == ["applied", "applied", "duplicate", "applied"]
    assert res["acked_seq"] == 5
    assert store.count_records() == 5


def test_acked_seq_stops_at_the_first_gap(make_device: MakeDevice):
    phone = make_device("ptps")
    ops = {n: phone.op(f"r{n}", {"dpt_l": n}, seq=n) for n in (1, 2, 4, 5)}
    assert phone.push(*ops.values()).json()["acked_seq"] == 2
    assert phone.push(phone.op("r3", {"dpt_l": 3}, seq=3)).json()["acked_seq"] == 5


def test_rejected_ops_count_as_held_and_answer_the_same_on_retry(make_device: MakeDevice):
    phone = make_device("ptps")
    bad = phone.op("r1", {"dpt_l": 1000})
    good = phone.op("r2", {"dpt_l": 1})
    res = phone.push(bad, good).json()
    assert res["acked_seq"] == 2
    assert [r["status"] for r in res["results"]] == ["rejected", "applied"]
    retry = phone.push(bad).json()["results"][0]
    assert retry["status"] == "rejected"
    assert retry["code"] == "invalid_fields"


@pytest.mark.parametrize(
    ("fields", "kwargs", "code"),
    [
        ({"dpt_l": 1000}, {}, "invalid_fields"),
        ({"dpt_l": -1}, {}, "invalid_fields"),
        ({"dpt_l": "12"}, {}, "invalid_fields"),
        ({"no_such_field": 1}, {}, "invalid_fields"),
        ({}, {}, "empty_op"),
        ({"dpt_l": 1}, {"tps": "3517012001"}, "invalid_tps"),
        ({"dpt_l": 1}, {"tps": "3517012001000"}, "invalid_tps"),
        ({"dpt_l": 1}, {"tps": "3517012001099"}, "unknown_tps"),
        ({"dpt_l": 1, "tps": TPS_2}, {}, "tps_mismatch"),
        ({"dpt_l": 1}, {"tps": "3517022001001"}, "forbidden"),
        ({"alasan": "cocok"}, {"kind": "verification"}, "forbidden"),
    ],
)
def test_one_bad_op_is_rejected_alone(make_device: MakeDevice, store, fields, kwargs, code):
    phone = make_device("ptps", scope=["35.17.01"])
    res = phone.push(
        phone.op("ok1", {"dpt_l": 1}),
        phone.op("bad", fields, **kwargs),
        phone.op("ok2", {"dpt_l": 2}),
    ).json()
    statuses = [r["status"] for r in res["results"]]
    assert statuses == ["applied", "rejected", "applied"]
    rejected = res["results"][1]
    assert rejected["code"] == code
    assert rejected["reason"]
    assert rejected["reason_en"]
    assert store.get_record("bad") is None
    assert store.count_records() == 2
    assert res["acked_seq"] == 3


@pytest.mark.parametrize(
    ("second", "code"),
    [
        ({"kind": "incident", "fields": {"uraian": "x"}}, "kind_mismatch"),
        ({"tps": TPS_2, "fields": {"dpt_l": 2}}, "tps_mismatch"),
    ],
)
def test_a_record_keeps_its_kind_and_tps(make_device: MakeDevice, store, second, code):
    phone = make_device("ptps", scope=["35.17.01.2001"])
    phone.push(phone.op("r1", {"dpt_l": 1}))
    rest = {k: v for k, v in second.items() if k != "fields"}  # shared by every backend's run
    res = phone.push(phone.op("r1", second["fields"], **rest)).json()["results"][0]
    assert (res["status"], res["code"]) == ("rejected", code)
    record = store.get_record("r1")
    assert record.kind == "tally"
    assert record.tps == TPS
    assert record.fields == {"dpt_l": 1}


def test_stale_base_records_a_conflict_with_both_values(make_device: MakeDevice, client):
    ptps = make_device("ptps")
    laptop = make_device(user_id=ptps.user_id)  # the same user on a second device
    ptps.push(ptps.op("r1", {"suara_sah": 200}, hlc=pack(T0, 1)))
    seen = ptps.pull().json()["records"][0]["stamps"]["suara_sah"]
    ptps.push(ptps.op("r1", {"suara_sah": 210}, hlc=pack(T0 + 1000), base={"suara_sah": seen}))
    res = laptop.push(
        laptop.op("r1", {"suara_sah": 199}, hlc=pack(T0 + 2000), base={"suara_sah": seen})
    ).json()["results"][0]
    assert res["status"] == "conflict"
    assert "suara_sah" in res["reason"]
    [conflict] = client.get("/v1/conflicts", headers=ptps.headers).json()
    assert conflict["field"] == "suara_sah"
    assert conflict["record_id"] == "r1"
    assert conflict["current_value"] == 210
    assert conflict["incoming_value"] == 199
    assert conflict["current_stamp"] == [pack(T0 + 1000), ptps.id]
    assert conflict["incoming_stamp"] == [pack(T0 + 2000), laptop.id]
    assert ptps.pull().json()["records"][0]["fields"]["suara_sah"] == 199  # still applied


def test_up_to_date_base_is_no_conflict(make_device: MakeDevice, client):
    phone = make_device("ptps")
    phone.push(phone.op("r1", {"suara_sah": 200}))
    seen = phone.pull().json()["records"][0]["stamps"]["suara_sah"]
    res = phone.push(phone.op("r1", {"suara_sah": 201}, base={"suara_sah": seen})).json()
    assert res["results"][0]["status"] == "applied"
    other = make_device("ptps", user_id=phone.user_id)  # the same PTPS's second phone saw it
    seen = other.pull().json()["records"][0]["stamps"]["suara_sah"]
    res = other.push(other.op("r1", {"suara_sah": 202}, base={"suara_sah": seen})).json()
    assert res["results"][0]["status"] == "applied"
    assert client.get("/v1/conflicts", headers=phone.headers).json() == []


def test_delete_racing_an_edit_is_a_conflict(make_device: MakeDevice, client):
    phone = make_device("ptps")
    laptop = make_device(user_id=phone.user_id)
    phone.push(phone.op("r1", {"dpt_l": 5}, hlc=pack(T0, 1)))
    seen = phone.pull().json()["records"][0]["stamps"]
    phone.push(phone.op("r1", {"dpt_l": 6}, hlc=pack(T0 + 10), base=seen))
    res = laptop.push(laptop.op("r1", {"deleted": True}, hlc=pack(T0 + 20), base=seen)).json()[
        "results"
    ][0]
    assert res["status"] == "conflict"
    [conflict] = client.get("/v1/conflicts", headers=phone.headers).json()
    assert (conflict["field"], conflict["current_value"]) == ("dpt_l", 6)
    assert conflict["incoming_value"] is None
    record = phone.pull().json()["records"][0]
    assert record["fields"]["deleted"] is True  # a tombstone, still there to sync


def test_a_stamp_days_ahead_is_clamped_to_the_server_clock(make_device: MakeDevice, store, wall):
    phone = make_device("ptps")
    three_days = 3 * 24 * 3600 * 1000
    res = phone.push(phone.op("r1", {"dpt_l": 1}, hlc=pack(T0 + three_days))).json()
    assert res["results"][0]["status"] == "applied"
    assert res["results"][0]["code"] == "clock_clamped"
    hlc, device = store.get_record("r1").stamps["dpt_l"]
    assert device == phone.id
    assert T0 <= hlc >> 16 <= wall() + 1
    [entry] = [e.entry for e in store.log_entries() if is_op(e.entry)]
    assert entry["note"] == "clock_clamped"
    assert entry["device_hlc"] == pack(T0 + three_days)
    # A later honest write from another clock still wins: the bad date cannot win forever.
    wall.ms += 60_000
    phone.push(phone.op("r1", {"dpt_l": 2}, hlc=pack(wall())))
    assert store.get_record("r1").fields["dpt_l"] == 2


def test_a_stamp_a_few_minutes_ahead_is_kept(make_device: MakeDevice, store):
    phone = make_device("ptps")
    hlc = pack(T0 + 5 * 60_000)
    assert phone.push(phone.op("r1", {"dpt_l": 1}, hlc=hlc)).json()["results"][0]["code"] is None
    assert store.get_record("r1").stamps["dpt_l"] == (hlc, phone.id)
    later = phone.pull().json()["server_hlc"]
    assert later > hlc  # the server clock observed the stamp


def test_push_for_another_device_id_is_403(make_device: MakeDevice, store):
    phone, other = make_device("ptps"), make_device("ptps")
    res = phone.push(phone.op("r1", {"dpt_l": 1}), device_id=other.id)
    assert res.status_code == 403
    assert res.json()["code"] == "device_mismatch"
    assert store.count_records() == 0
