"""One op id names one content for ever: a reused op id is answered "reused", never
"duplicate"; a device restored from an old copy registers a new epoch (a fresh seq namespace)."""

from __future__ import annotations

from core.ledger import is_op
from tests.server.conftest import MakeDevice


def _push(phone, *ops, epoch=0):
    body = {**phone.body(*ops), "epoch": epoch}  # signed, as the app sends it
    return phone.client.post("/v1/sync/push", json=body, headers=phone.headers)


def _epoch(phone, method="GET", epoch=0):
    if method == "POST":
        return phone.client.post("/v1/sync/epoch", headers=phone.headers).json()
    return phone.client.get("/v1/sync/epoch", params={"epoch": epoch}, headers=phone.headers).json()


def test_same_op_id_with_other_content_is_reused_and_not_applied(make_device: MakeDevice, store):
    phone = make_device("ptps")
    first = phone.op("r1", {"dpt_l": 1}, seq=1)
    assert phone.push(first).json()["results"][0]["status"] == "applied"
    again = phone.push(first).json()["results"][0]
    assert again["status"] == "duplicate"
    other = phone.op("r1", {"dpt_l": 99}, seq=1)  # a restored phone's new op under an old id
    body = phone.push(other).json()
    assert body["results"][0]["status"] == "reused"
    assert body["results"][0]["code"] == "op_id_reused"
    assert store.get_record("r1").fields == {"dpt_l": 1}
    assert sum(is_op(e.entry) for e in store.log_entries()) == 1


def test_a_rejected_op_id_reused_for_other_content_is_reused(make_device: MakeDevice):
    phone = make_device("ptps")
    bad = phone.op("r1", {"dpt_l": 1}, tps="3517012001099", seq=1)
    assert phone.push(bad).json()["results"][0]["status"] == "rejected"
    good = phone.op("r1", {"dpt_l": 1}, seq=1)
    assert phone.push(good).json()["results"][0]["status"] == "reused"


def test_a_new_epoch_is_a_fresh_seq_namespace(make_device: MakeDevice, store):
    phone = make_device("ptps")
    phone.push(phone.op("r1", {"dpt_l": 1}, seq=1), phone.op("r2", {"dpt_l": 2}, seq=2))
    assert _epoch(phone) == {"epoch": 0, "held_seq": 2}
    assert _epoch(phone, "POST") == {"epoch": 1, "held_seq": 0}
    assert _epoch(phone, "POST") == {"epoch": 2, "held_seq": 0}  # never handed out twice
    op = phone.op("r3", {"dpt_l": 3}, seq=1)
    op["op_id"] = f"{phone.id}:2:1"
    body = _push(phone, op, epoch=2).json()
    assert body["acked_seq"] == 1
    assert body["results"][0]["status"] == "applied"
    assert _epoch(phone, epoch=2) == {"epoch": 2, "held_seq": 1}
    assert store.get_record("r3").fields == {"dpt_l": 3}


def test_a_push_in_an_old_epoch_is_refused_whole(make_device: MakeDevice, store):
    phone = make_device("ptps")
    _epoch(phone, "POST")
    res = _push(phone, phone.op("r1", {"dpt_l": 1}, seq=1), epoch=0)
    assert res.status_code == 409
    assert res.json()["code"] == "epoch_changed"
    assert store.get_record("r1") is None
    res = _push(phone, phone.op("r1", {"dpt_l": 1}, seq=1), epoch=5)
    assert res.status_code == 409


def test_epochs_are_per_device(make_device: MakeDevice):
    a, b = make_device("ptps"), make_device("ptps")
    _epoch(a, "POST")
    assert _epoch(b) == {"epoch": 0, "held_seq": 0}
