"""Push and pull: apply a batch of ops in one transaction; page through readable records.

Each op is answered on its own (applied, duplicate, conflict or rejected with a reason); a
rejected op never blocks the rest of its batch (sync-design 2, 5, 9).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from core import merge
from core.election import Election
from core.errors import DomainError
from core.hlc import Stamp, is_too_far_ahead
from core.protocol import (
    PACKED_STAMPS_SINCE,
    PROTOCOL_VERSION,
    ConflictOut,
    Op,
    OpResult,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordOut,
    SignedBatch,
)
from core.records import validate_fields
from core.signing import op_digest
from core.stamps import pack as pack_stamps
from core.tally_checks import label, missing_fields
from core.wilayah import parse_tps
from sync_server.auth import Principal
from sync_server.blobs import uploads
from sync_server.blobs.uploads import PHOTO_FIELDS
from sync_server.clock import ServerClock
from sync_server.errors import forbidden
from sync_server.store.base import Store
from sync_server.store.models import OpRow, PushWrites, StoredRecord
from sync_server.sync import batches
from sync_server.sync.epochs import check_epoch, namespace
from sync_server.sync.scope import check_pembuat, check_visible, check_write, read_filter


@dataclass
class _Batch:
    """One push in memory: what is known before it, and what it will write at once."""

    store: Store
    clock: ServerClock
    who: Principal
    seq: int  # the last server seq handed out
    known_tps: set[str]
    records: dict[str, StoredRecord]  # current state of every record the batch names
    answered: dict[str, OpRow]  # ops answered before or earlier in this batch
    namespace: str = ""  # the device's seq namespace (its id, with the epoch after the first)
    written: dict[str, StoredRecord] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    ops: list[OpRow] = field(default_factory=list)
    conflicts: list[tuple[str, merge.Conflict, int]] = field(default_factory=list)
    cites: dict[str, StoredRecord] = field(default_factory=dict)
    election: Election | None = None  # to know a final form's vote lines
    signed: SignedBatch | None = None  # None: written by the server on a user's behalf
    created: set[str] = field(default_factory=set)  # records this batch creates

    def writes(self) -> PushWrites:
        records = sorted(self.written.values(), key=lambda r: r.seq)
        return PushWrites(records, self.seq, self.log, self.ops, self.conflicts)


def _reject(code: str, message_id: str, message_en: str) -> DomainError:
    return DomainError(code, message_id, message_en)


def _check_op(b: _Batch, op: Op) -> StoredRecord | None:
    """Every rule an op must pass before anything is written; returns the current record."""
    parse_tps(op.tps)
    if op.tps not in b.known_tps:
        raise _reject(
            "unknown_tps",
            f"TPS {op.tps} tidak terdaftar di server; periksa nomor TPS atau hubungi admin",
            f"TPS {op.tps} is not in the server's registry",
        )
    if not op.fields:
        raise _reject("empty_op", "Perubahan tanpa isian", "An op with no fields")
    validate_fields(op.kind, op.fields)
    if "tps" in op.fields and op.fields["tps"] != op.tps:
        raise _reject(
            "tps_mismatch",
            "Isian tps berbeda dengan TPS data ini",
            "The tps field differs from the op's TPS",
        )
    existing = b.records.get(op.record_id)
    check_visible(b.who.user, existing)  # before anything about it (kind, TPS) is said
    if existing is not None and existing.kind != op.kind:
        raise _reject(
            "kind_mismatch",
            f"Data {op.record_id} berjenis '{existing.kind}', tidak bisa diubah "
            f"menjadi '{op.kind}'",
            f"Record {op.record_id} is a '{existing.kind}', not a '{op.kind}'",
        )
    if existing is not None and existing.tps != op.tps:
        raise _reject(
            "tps_mismatch",
            f"Data {op.record_id} milik TPS {existing.tps} dan tidak bisa dipindah ke TPS lain",
            f"Record {op.record_id} belongs to TPS {existing.tps} and cannot move",
        )
    check_write(b.who.user, op.kind, op.tps, set(op.fields), existing)
    check_pembuat(b.who.user, op.fields)
    return existing


def _check_complete(b: _Batch, fields: Mapping[str, Any]) -> None:
    """A final tally must hold every field of its ballot's form (core.tally_checks, as the
    phone checks before Final); a deleted one need not."""
    if fields.get("status") != "final" or fields.get("deleted"):
        return
    missing = missing_fields(fields, b.election)
    if not missing:
        return
    names = ", ".join(label(f) for f in missing)
    raise _reject(
        "incomplete_final",
        f"Formulir final belum lengkap ({len(missing)} isian kosong); isi dulu: {names}",
        f"A final form must be complete ({len(missing)} empty); fill in: {names}",
    )


def _stamp_hlc(b: _Batch, op: Op) -> tuple[int, bool]:
    """The op's HLC, or the server's now() when the device clock is too far ahead (clamped)."""
    if is_too_far_ahead(op.hlc, b.clock.wall()):
        return b.clock.now(), True
    b.clock.observe(op.hlc)
    return op.hlc, False


def _apply(b: _Batch, op: Op, index: int = 0) -> OpResult:
    existing = _check_op(b, op)
    user, device_id = b.who.user, b.who.device.id
    hlc, clamped = _stamp_hlc(b, op)
    base = {k: (None if v is None else (v[0], v[1])) for k, v in op.base.items()}
    current = existing.versioned() if existing else merge.Versioned()
    new, found = merge.apply(current, op.fields, (hlc, device_id), base)
    if op.kind == "tally":
        _check_complete(b, new.fields)
    b.seq += 1
    # merge.apply returns fresh dicts: the record keeps them
    fields, stamps = cast(dict[str, Any], new.fields), cast(dict[str, Stamp], new.stamps)
    if existing is None:
        record = StoredRecord(op.record_id, op.kind, op.tps, user.id, user.role, user.party,
                              fields, stamps, b.seq)  # fmt: skip
        b.created.add(record.id)
    else:
        record = replace(existing, fields=fields, stamps=stamps, seq=b.seq)
    b.records[record.id] = b.written[record.id] = record
    if existing is None or any(name in op.fields for name in (*PHOTO_FIELDS, "deleted")):
        b.cites[record.id] = record
    b.conflicts.extend((record.id, c, b.seq) for c in found)
    entry: dict[str, Any] = {
        "seq": b.seq,
        "record_id": record.id,
        "kind": record.kind,
        "tps": record.tps,
        "device_id": device_id,
        "user_id": user.id,
        "op_id": op.op_id,
        "fields": op.fields,
        "hlc": hlc,
        "conflicts": [c.field for c in found],
        # what the device signed, so the op can be rebuilt and checked (core/ledger.py)
        "op_seq": op.seq,
        "base": {k: None if v is None else [v[0], v[1]] for k, v in op.base.items()},
    }
    if b.signed is None:
        entry["via"] = "server"
    else:
        entry.update(batch=b.signed.manifest.batch, index=index)
    if clamped:
        entry.update(note="clock_clamped", device_hlc=op.hlc)
    b.log.append(entry)
    return _result(op, found, clamped)


def _result(op: Op, found: list[merge.Conflict], clamped: bool) -> OpResult:
    if found:
        names = ", ".join(c.field for c in found)
        return OpResult(
            op_id=op.op_id,
            status="conflict",
            code="conflict",
            reason=f"Diterapkan, tetapi bertabrakan dengan perubahan lain pada: {names}; "
            "supervisor akan meninjaunya",
            reason_en=f"Applied, but it conflicts with another change to: {names}",
        )
    if clamped:
        return OpResult(
            op_id=op.op_id,
            status="applied",
            code="clock_clamped",
            reason="Diterapkan; jam perangkat terlalu cepat, atur tanggal dan jam perangkat",
            reason_en="Applied; the device clock is too far ahead, set its date and time",
        )
    return OpResult(op_id=op.op_id, status="applied")


def _answer(b: _Batch, index: int, op: Op) -> OpResult:
    # The signed manifest already names each op's SHA-256 (checked equal in batches.check):
    # one hash per op on the push path.
    content = b.signed.manifest.ops[index] if b.signed else op_digest(op)
    prior = b.answered.get(op.op_id)
    if prior is not None:
        return _answer_again(op, prior, content)
    try:
        result = _apply(b, op, index)
    except DomainError as exc:
        result = OpResult(
            op_id=op.op_id,
            status="rejected",
            code=exc.code,
            reason=exc.message_id,
            reason_en=exc.message_en,
        )
    row = OpRow(b.namespace, op.op_id, op.seq, op.record_id, result.status, result.code,
                result.reason, result.reason_en, content)  # fmt: skip
    b.ops.append(row)
    b.answered[op.op_id] = row
    return result


def _answer_again(op: Op, prior: OpRow, content: str) -> OpResult:
    """An op id answered before: the same answer for the same content, "reused" for other
    content (a phone restored from an old copy); never "duplicate" on the strength of the id."""
    if prior.content_hash is not None and prior.content_hash != content:
        return OpResult(
            op_id=op.op_id,
            status="reused",
            code="op_id_reused",
            reason="Nomor perubahan ini sudah dipakai untuk isi lain (perangkat dipulihkan dari "
            "salinan lama?); aplikasi akan mengirimnya lagi dengan nomor baru",
            reason_en="This op id was already used for other content (device restored from an "
            "old copy?); the app will send it again under a new epoch",
        )
    # A rejected op answers the same on retry, so a lost response never hides a rejection.
    status = "rejected" if prior.status == "rejected" else "duplicate"
    return OpResult(op_id=op.op_id, status=status, code=prior.code, reason=prior.reason,
                    reason_en=prior.reason_en)  # fmt: skip


def push(
    store: Store,
    clock: ServerClock,
    who: Principal,
    request: PushRequest,
    *,
    hold_ms: int = 0,
    election: Election | None = None,
) -> PushResponse:
    """Apply one batch in one transaction; every op gets an answer. (`hold_ms` keeps the
    transaction open that long: fault tests kill the server inside it.)

    Everything the batch needs is read with a few queries, the ops are applied in memory in
    order, and what they wrote is saved at once (`Store.save_push`). Reconciliation is not run
    here: it reads the change log afterwards (`reconcile.catch_up`). The batch's signature is
    checked first (`batches.check`); nothing of a refused batch is applied.
    """
    if request.device_id != who.device.id:
        raise forbidden(
            "device_id tidak sesuai dengan token perangkat ini; daftarkan ulang perangkat",
            "device_id does not match this device's token",
            code="device_mismatch",
        )
    signed = batches.check(store, who, request)
    with store.transaction():
        check_epoch(store, who, request.epoch)
        space = namespace(who.device.id, request.epoch)
        b = _batch(store, clock, who, request.ops, space, election)
        b.signed = signed
        results = [_answer(b, i, op) for i, op in enumerate(request.ops)]
        if b.log:  # the manifest and signature, logged once before the ops they carried
            b.log.insert(0, batches.entry(signed, who, clock.wall(), clock.now()))
        _save(b)
        acked = store.advance_acked_seq(b.namespace)
        _hold(hold_ms)
    return PushResponse(acked_seq=acked, results=results, server_hlc=clock.now())


def apply_for(
    store: Store, clock: ServerClock, who: Principal, op: Op, election: Election | None = None
) -> OpResult:
    """One op the server writes on a user's behalf (a console decision): the same checks, merge
    and change log as a push, without a device receipt or signature; its log entry says
    `via: "server"` so a verifier counts it apart from device-signed ops. Raises DomainError
    when refused."""
    with store.transaction():
        b = _batch(store, clock, who, [op], election=election)
        result = _apply(b, op)
        _save(b)
    return result


def _batch(
    store: Store,
    clock: ServerClock,
    who: Principal,
    ops: list[Op],
    space: str = "",
    election: Election | None = None,
) -> _Batch:
    """Everything a batch needs to know, read with a few queries (inside its transaction)."""
    return _Batch(
        store,
        clock,
        who,
        seq=store.server_seq(),
        known_tps=store.known_tps([op.tps for op in ops]),
        records=store.get_records([op.record_id for op in ops]),
        answered=store.get_ops(space or who.device.id, [op.op_id for op in ops]),
        namespace=space or who.device.id,
        election=election,
    )


def _save(b: _Batch) -> None:
    b.store.save_push(b.writes())
    uploads.cite_photos(b.store, b.cites.values(), b.created)


def _hold(delay_ms: int) -> None:
    if delay_ms:
        print("pantau: test push delay, transaction open", file=sys.stderr, flush=True)
        time.sleep(delay_ms / 1000)


def record_out(record: StoredRecord, *, packed: bool = False) -> RecordOut:
    """A record on the wire; `packed` stamps (core/stamps.py) for clients that speak them."""
    return RecordOut(
        id=record.id,
        kind=record.kind,
        tps=record.tps,
        author=record.author,
        fields=record.fields,
        stamps=pack_stamps(record.fields, record.stamps) if packed else record.stamps,
        seq=record.seq,
    )


def pull(
    store: Store,
    clock: ServerClock,
    who: Principal,
    since: int,
    limit: int,
    protocol: int = 1,
    proofs: bool = False,
) -> PullResponse:
    """Records the caller may read that changed after `since`, in server-seq order, in the
    shape of the protocol version the client announced, with the latest signed checkpoint;
    with `proofs`, the signed ops and batches behind them too."""
    store.note_pulled(who.device.id, since)
    rows = store.records_since(since, limit + 1, read_filter(who.user))
    page = rows[:limit]
    packed = protocol >= PACKED_STAMPS_SINCE
    signed, carriers = batches.proofs(store, page) if proofs else ({}, [])
    return PullResponse(
        protocol=min(protocol, PROTOCOL_VERSION),
        records=[record_out(r, packed=packed) for r in page],
        next=page[-1].seq if page else since,
        more=len(rows) > limit,
        server_hlc=clock.now(),
        checkpoint=store.evidence().latest_checkpoint(),
        proofs=signed,
        batches=carriers,
    )


def conflicts(store: Store, who: Principal, include_resolved: bool) -> list[ConflictOut]:
    rows = store.list_conflicts(read_filter(who.user), include_resolved)
    return [
        ConflictOut(
            id=r.id,
            record_id=r.record_id,
            field=r.conflict.field,
            current_value=r.conflict.current_value,
            current_stamp=r.conflict.current_stamp,
            incoming_value=r.conflict.incoming_value,
            incoming_stamp=r.conflict.incoming_stamp,
            resolved=r.resolved,
        )
        for r in rows
    ]
