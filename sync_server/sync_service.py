"""Push and pull: apply a batch of ops in one transaction; page through readable records.

Each op is answered on its own (applied, duplicate, conflict or rejected with a reason); a
rejected op never blocks the rest of its batch (sync-design 2, 5, 9).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

from core import merge
from core.errors import DomainError
from core.hlc import is_too_far_ahead
from core.protocol import (
    ConflictOut,
    Op,
    OpResult,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordOut,
)
from core.records import validate_fields
from core.wilayah import parse_tps
from sync_server import blob_service, reconcile
from sync_server.auth import Principal
from sync_server.errors import forbidden
from sync_server.runtime import Runtime
from sync_server.scope import check_write, read_filter
from sync_server.store.base import Store
from sync_server.store.models import OpRow, StoredRecord


@dataclass(frozen=True)
class _Ctx:
    store: Store
    runtime: Runtime
    who: Principal


def _reject(code: str, message_id: str, message_en: str) -> DomainError:
    return DomainError(code, message_id, message_en)


def _check_op(ctx: _Ctx, op: Op) -> StoredRecord | None:
    """Every rule an op must pass before anything is written; returns the current record."""
    parse_tps(op.tps)
    if not ctx.store.has_tps(op.tps):
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
    existing = ctx.store.get_record(op.record_id)
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
    check_write(ctx.who.user, op.kind, op.tps, set(op.fields), existing)
    return existing


def _stamp_hlc(ctx: _Ctx, op: Op) -> tuple[int, bool]:
    """The op's HLC, or the server's now() when the device clock is too far ahead (clamped)."""
    if is_too_far_ahead(op.hlc, ctx.runtime.clock.wall()):
        return ctx.runtime.clock.now(), True
    ctx.runtime.clock.observe(op.hlc)
    return op.hlc, False


def _apply(ctx: _Ctx, op: Op) -> OpResult:
    existing = _check_op(ctx, op)
    user, device_id = ctx.who.user, ctx.who.device.id
    hlc, clamped = _stamp_hlc(ctx, op)
    base = {k: (None if v is None else (v[0], v[1])) for k, v in op.base.items()}
    current = existing.versioned() if existing else merge.Versioned()
    new, found = merge.apply(current, op.fields, (hlc, device_id), base)
    author = existing or StoredRecord(op.record_id, op.kind, op.tps, user.id, user.role, user.party)
    record = StoredRecord(
        author.id,
        author.kind,
        author.tps,
        author.author,
        author.author_role,
        author.author_party,
        dict(new.fields),
        dict(new.stamps),
    )
    seq = ctx.store.put_record(record)
    blob_service.cite_photos(ctx.store, record)
    reconcile.on_record_changed(ctx.store, record, ctx.runtime.settings.election_file)
    for conflict in found:
        ctx.store.add_conflict(record.id, conflict, seq)
    entry: dict[str, Any] = {
        "seq": seq,
        "record_id": record.id,
        "kind": record.kind,
        "tps": record.tps,
        "device_id": device_id,
        "user_id": user.id,
        "op_id": op.op_id,
        "fields": op.fields,
        "hlc": hlc,
        "conflicts": [c.field for c in found],
    }
    if clamped:
        entry.update(note="clock_clamped", device_hlc=op.hlc)
    ctx.store.append_log(entry)
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


def _answer(ctx: _Ctx, op: Op) -> OpResult:
    device_id = ctx.who.device.id
    prior = ctx.store.get_op(device_id, op.op_id)
    if prior is not None:
        # A rejected op answers the same on retry, so a lost response never hides a rejection.
        status = "rejected" if prior.status == "rejected" else "duplicate"
        return OpResult(
            op_id=op.op_id,
            status=status,
            code=prior.code,
            reason=prior.reason,
            reason_en=prior.reason_en,
        )
    try:
        result = _apply(ctx, op)
    except DomainError as exc:
        result = OpResult(
            op_id=op.op_id,
            status="rejected",
            code=exc.code,
            reason=exc.message_id,
            reason_en=exc.message_en,
        )
    ctx.store.add_op(
        OpRow(
            device_id,
            op.op_id,
            op.seq,
            op.record_id,
            result.status,
            result.code,
            result.reason,
            result.reason_en,
        )
    )
    return result


def push(store: Store, runtime: Runtime, who: Principal, request: PushRequest) -> PushResponse:
    """Apply one batch in one transaction; every op gets an answer."""
    if request.device_id != who.device.id:
        raise forbidden(
            "device_id tidak sesuai dengan token perangkat ini; daftarkan ulang perangkat",
            "device_id does not match this device's token",
            code="device_mismatch",
        )
    ctx = _Ctx(store, runtime, who)
    with store.transaction():
        results = [_answer(ctx, op) for op in request.ops]
        acked = store.advance_acked_seq(who.device.id)
        _test_delay(runtime)
    return PushResponse(acked_seq=acked, results=results, server_hlc=runtime.clock.now())


def _test_delay(runtime: Runtime) -> None:
    delay = runtime.settings.test_push_delay_ms
    if delay:
        print("pantau: test push delay, transaction open", file=sys.stderr, flush=True)
        time.sleep(delay / 1000)


def record_out(record: StoredRecord) -> RecordOut:
    return RecordOut(
        id=record.id,
        kind=record.kind,
        tps=record.tps,
        author=record.author,
        fields=record.fields,
        stamps=record.stamps,
        seq=record.seq,
    )


def pull(store: Store, runtime: Runtime, who: Principal, since: int, limit: int) -> PullResponse:
    """Records the caller may read that changed after `since`, in server-seq order."""
    store.note_pulled(who.device.id, since)
    rows = store.records_since(since, limit + 1, read_filter(who.user))
    page = rows[:limit]
    return PullResponse(
        records=[record_out(r) for r in page],
        next=page[-1].seq if page else since,
        more=len(rows) > limit,
        server_hlc=runtime.clock.now(),
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
