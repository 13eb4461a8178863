"""Signed pushes on the wire: refused whole with a reason, rotation, revocation, proofs on pull."""

from __future__ import annotations

from typing import Any

from core import signing
from core.hlc import pack
from core.ledger import is_batch, op_of
from core.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, Op, SignedBatch
from sync_server.sync import audit, checkpoints
from tests.server.conftest import T0, TPS, TPS_2, MakeDevice, signed_body
from tests.server.recon_helpers import send


def _refused(res: Any, code: str) -> dict[str, Any]:
    assert res.status_code == 422, res.text
    body: dict[str, Any] = res.json()
    assert body["code"] == code
    assert body["message"]
    assert body["message_en"]
    return body


def test_an_unsigned_push_is_refused_with_a_reason(make_device: MakeDevice, store):
    phone = make_device("ptps")
    body = {"device_id": phone.id, "ops": [phone.op("r1", {"dpt_l": 1})]}
    res = phone.client.post("/v1/sync/push", json=body, headers=phone.headers)
    assert "perbarui aplikasi" in _refused(res, "batch_unsigned")["message"]
    assert store.count_records() == 0
    assert list(store.log_entries()) == []


def test_a_batch_forged_without_the_key_is_refused(make_device: MakeDevice, store):
    phone = make_device("ptps")
    thief_key = signing.new_private_key()  # signs, but is not the key the device registered
    body = signed_body(thief_key, phone.id, 1, [phone.op("r1", {"dpt_l": 1})])
    res = phone.client.post("/v1/sync/push", json=body, headers=phone.headers)
    _refused(res, "batch_key_unknown")
    # the right key id, a signature that is not the device's
    good = phone.body(phone.op("r2", {"dpt_l": 2}))
    good["batch"]["signature"] = signing.sign(thief_key, signing.BATCH_CONTEXT, b"x")
    res = phone.client.post("/v1/sync/push", json=good, headers=phone.headers)
    _refused(res, "batch_signature_invalid")
    assert store.count_records() == 0
    assert list(store.log_entries()) == []


def test_a_signed_batch_replayed_by_another_device_is_refused(make_device: MakeDevice, store):
    phone, other = make_device("ptps"), make_device("ptps")
    body = phone.body(phone.op("r1", {"dpt_l": 1}))
    replay = {**body, "device_id": other.id}  # the request claims the replaying device
    res = other.client.post("/v1/sync/push", json=replay, headers=other.headers)
    assert "perangkat " + phone.id in _refused(res, "batch_device_mismatch")["message"]
    assert store.count_records() == 0


def test_an_op_moved_to_another_record_or_tps_is_refused(make_device: MakeDevice, store):
    phone = make_device("ptps", scope=["35.17"])
    body = phone.body(phone.op("r1", {"dpt_l": 1}), phone.op("r2", {"dpt_l": 2}))
    for change in ({"record_id": "r9"}, {"tps": TPS_2}, {"fields": {"dpt_l": 7}}):
        moved = {**body, "ops": [body["ops"][0], {**body["ops"][1], **change}]}
        res = phone.client.post("/v1/sync/push", json=moved, headers=phone.headers)
        assert "urutan 2" in _refused(res, "batch_ops_mismatch")["message"]
    assert store.count_records() == 0  # refused whole: not even the untouched first op


def test_rotation_retires_the_old_key_and_what_it_signed_still_verifies(
    make_device: MakeDevice, store
):
    phone = make_device("ptps")
    assert phone.push(phone.op("r1", {"dpt_l": 1})).status_code == 200
    new = signing.new_private_key()
    public = signing.public_key_of(new)
    bad = {"public_key": public, "signature": signing.sign(new, signing.ROTATE_CONTEXT, b"x")}
    res = phone.client.post("/v1/device/key", json=bad, headers=phone.headers)
    assert res.status_code == 403
    assert res.json()["code"] == "rotation_signature_invalid"
    message = signing.rotation_bytes(phone.id, public)
    body = {
        "public_key": public,
        "signature": signing.sign(phone.key, signing.ROTATE_CONTEXT, message),
    }
    res = phone.client.post("/v1/device/key", json=body, headers=phone.headers)
    assert res.status_code == 200
    assert res.json()["key_id"] == signing.key_id(public)
    old_key, phone.key = phone.key, new
    assert phone.push(phone.op("r2", {"dpt_l": 2})).json()["results"][0]["status"] == "applied"
    stale = signed_body(old_key, phone.id, 9, [phone.op("r3", {"dpt_l": 3})])
    res = phone.client.post("/v1/sync/push", json=stale, headers=phone.headers)
    _refused(res, "batch_key_retired")
    old, current = store.evidence().keys(phone.id)
    assert old.until_ms is not None
    assert current.until_ms is None
    # the batch the old key signed still verifies against the key kept for it
    [first, *_] = [e.entry for e in store.log_entries() if is_batch(e.entry)]
    assert signing.verify_batch(old.public_key, SignedBatch.model_validate(
        {"manifest": first["manifest"], "signature": first["signature"]}))  # fmt: skip


def test_a_revoked_device_is_refused_before_its_batch_is_read(make_device: MakeDevice, store, wall):
    phone = make_device("ptps")
    assert phone.push(phone.op("r1", {"dpt_l": 1})).status_code == 200
    store.revoke_device(phone.id, wall())
    res = phone.push(phone.op("r2", {"dpt_l": 2}))
    assert res.status_code == 401
    assert res.json()["code"] == "token_revoked"
    assert store.get_record("r2") is None


def test_pull_delivers_checkpoint_and_on_request_the_signed_ops(
    make_device: MakeDevice, store, client, wall
):
    phone = make_device("ptps")
    phone.push(phone.op("r1", {"dpt_l": 1}), phone.op("r2", {"dpt_l": 2}, tps=TPS))
    phone.push(phone.op("r1", {"dpt_p": 3}))
    current = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}  # protocol 1 pages have no checkpoint
    assert phone.pull(headers=current).json()["checkpoint"] is None  # none signed yet
    cp = checkpoints.make(store, client.app.state.runtime.server_key, wall())
    page = phone.pull(headers=current).json()
    assert page["checkpoint"] == cp.model_dump()
    assert page["proofs"] == {}
    page = phone.client.get(
        "/v1/sync/pull", params={"proofs": "true"}, headers=phone.headers
    ).json()
    batches = {b["manifest"]["batch"]: SignedBatch.model_validate(b) for b in page["batches"]}
    assert sorted(batches) == [1, 2]
    [key] = store.evidence().keys(phone.id)
    for proofs in page["proofs"].values():
        for p in proofs:  # each op is listed in its batch, and the batch verifies
            batch = batches[p["batch"]]
            assert signing.op_digest(Op.model_validate(p["op"])) == batch.manifest.ops[p["index"]]
            assert signing.verify_batch(key.public_key, batch)
    assert len(page["proofs"]["r1"]) == 2
    assert len(page["proofs"]["r2"]) == 1


def test_the_log_keeps_what_the_device_signed(make_device: MakeDevice, store):
    phone = make_device("ptps")
    op = phone.op("r1", {"dpt_l": 1}, base={"dpt_l": None}, tps=TPS)
    phone.push(op)
    [entry] = [e.entry for e in store.log_entries() if "op_id" in e.entry]
    assert op_of(entry) == Op.model_validate(op)


def test_a_resolution_the_server_writes_is_logged_apart_and_verify_log_stays_clean(
    make_device: MakeDevice, store
):
    """A supervisor's conflict decision is written by the server (no device signed it): its op
    entry says `via: server`, and verify-log counts it apart instead of failing."""
    ptps = make_device("ptps")
    sup = make_device("supervisor", scope=["35.17"])
    other = make_device("supervisor", scope=["35.17"])  # a second laptop: a real race
    send(ptps, "i1", {"jenis": "temuan", "tps": TPS}, kind="incident")
    send(sup, "i1", {"ditugaskan": "Budi"}, kind="incident", hlc=pack(T0, 50))
    send(other, "i1", {"ditugaskan": "Sari"}, kind="incident", hlc=pack(T0, 60),
         base={"ditugaskan": None})  # fmt: skip
    [c] = sup.client.get("/v1/review/conflicts", headers=sup.headers).json()
    body = {"choice": "merge", "value": "Budi dan Sari", "alasan": "keduanya bertugas"}
    res = sup.client.post(f"/v1/review/conflicts/{c['id']}/resolve", json=body, headers=sup.headers)
    assert res.json()["resolution"]["written"] is True
    [written] = [e.entry for e in store.log_entries() if e.entry.get("via") == "server"]
    assert written["fields"] == {"ditugaskan": "Budi dan Sari"}
    assert "batch" not in written
    report = audit.verify(store, [], None)
    assert report.findings == []
    assert (report.signed_ops, report.server_ops) == (3, 1)
