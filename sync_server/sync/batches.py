"""Signed pushes: check a batch's manifest and signature before anything of it is applied.

A push carries `SignedBatch` (core/protocol.py): the device, a batch number, the key id and
the SHA-256 of each op's canonical bytes (core/signing.py), signed once by the device key.
A batch is refused whole, with a reason (HTTP 422, codes `batch_*`), when the signature is
missing or bad, names another device, does not list exactly these ops in this order, or was
made with a key the device does not hold (unknown, or retired by a rotation). Accepted, it is
logged once as a `signed_batch` entry before the ops it carried (core/ledger.py).
"""

from __future__ import annotations

from typing import Any

from core import signing
from core.ledger import SIGNED_BATCH, batch_key, batch_of, is_op, op_of
from core.protocol import OpProof, PushRequest, SignedBatch
from sync_server.auth import Principal
from sync_server.errors import ApiError
from sync_server.store.base import Store
from sync_server.store.evidence_base import DeviceKey
from sync_server.store.models import StoredRecord


def _refuse(code: str, message: str, message_en: str) -> ApiError:
    return ApiError(422, code, message, message_en)


def check(store: Store, who: Principal, request: PushRequest) -> SignedBatch:
    """The request's signed batch once every check holds; ApiError naming the first that fails."""
    batch = request.batch
    if batch is None:
        raise _refuse("batch_unsigned",
                      "Kiriman tanpa tanda tangan perangkat ditolak; perbarui aplikasi lalu "
                      "kirim lagi", "A push without the device's signature is refused; update "
                      "the app and send again")  # fmt: skip
    m = batch.manifest
    if m.device_id != who.device.id:
        raise _refuse("batch_device_mismatch",
                      f"Tanda tangan kiriman milik perangkat {m.device_id}, bukan perangkat ini",
                      f"The batch is signed for device {m.device_id}, not this one")  # fmt: skip
    _check_ops(batch, request)
    key = _key(store, who, m.key_id)
    if not signing.verify_batch(key.public_key, batch):
        raise _refuse("batch_signature_invalid",
                      "Tanda tangan kiriman tidak sah; data tidak diterima. Kirim lagi; bila "
                      "tetap gagal, hubungi admin", "The batch signature does not verify; "
                      "nothing was applied")  # fmt: skip
    return batch


def _check_ops(batch: SignedBatch, request: PushRequest) -> None:
    digests = batch.manifest.ops
    if len(digests) != len(request.ops):
        raise _refuse("batch_ops_mismatch",
                      f"Daftar tanda tangan memuat {len(digests)} perubahan, kiriman "
                      f"{len(request.ops)}; kirim lagi", f"The manifest lists {len(digests)} "
                      f"ops, the push carries {len(request.ops)}")  # fmt: skip
    for i, (op, digest) in enumerate(zip(request.ops, digests, strict=True)):
        if not signing.op_matches(op, digest):
            raise _refuse("batch_ops_mismatch",
                          f"Perubahan {op.op_id} (urutan {i + 1}) tidak sama dengan yang "
                          "ditandatangani perangkat; kirim lagi", f"Op {op.op_id} (position "
                          f"{i + 1}) differs from what the device signed")  # fmt: skip


def _key(store: Store, who: Principal, key_id: str) -> DeviceKey:
    for key in store.evidence().keys(who.device.id):
        if key.key_id != key_id:
            continue
        if key.until_ms is not None:
            raise _refuse("batch_key_retired",
                          f"Kunci {key_id} perangkat ini sudah diganti; kirim lagi dengan kunci "
                          "baru", f"Key {key_id} of this device was replaced; sign with the "
                          "current key")  # fmt: skip
        return key
    raise _refuse("batch_key_unknown",
                  f"Kunci {key_id} tidak terdaftar untuk perangkat ini; daftarkan ulang perangkat",
                  f"Key {key_id} is not registered for this device; enrol it again")  # fmt: skip


def entry(batch: SignedBatch, who: Principal, received_ms: int, hlc: int) -> dict[str, Any]:
    """The change-log entry that keeps a batch's manifest and signature."""
    m = batch.manifest
    return {"kind": SIGNED_BATCH, "batch_of": batch_key(m.device_id, m.batch),
            "device_id": m.device_id, "user_id": who.user.id, "received_ms": received_ms,
            "hlc": hlc, "manifest": m.model_dump(mode="json"),
            "signature": batch.signature}  # fmt: skip


def proofs(
    store: Store, records: list[StoredRecord]
) -> tuple[dict[str, list[OpProof]], list[SignedBatch]]:
    """The signed ops behind each record (from its log history) and the batches they cite."""
    ev, rs = store.evidence(), store.recon()
    out: dict[str, list[OpProof]] = {}
    found: dict[int, SignedBatch] = {}
    for record in records:
        items = []
        for item in rs.history(record.id):
            e = item.entry
            if not is_op(e) or "batch" not in e:
                continue
            carrier = ev.batch_entry(str(e["device_id"]), int(e["batch"]), item.id)
            if carrier is None:
                continue
            found[carrier.id] = batch_of(carrier.entry)
            items.append(OpProof(op=op_of(e), device_id=str(e["device_id"]),
                                 batch=int(e["batch"]), index=int(e.get("index", 0)),
                                 log_id=item.id))  # fmt: skip
        out[record.id] = items
    return out, list(found.values())
