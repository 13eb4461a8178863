"""Resolving a conflict from concurrent edits (sync-design 5): pick a value or merge, then close.

A resolution needs a reason. It is an ordinary write by the supervisor's device (merged,
logged, reconciled like any push) when the chosen value is not the current one, then a
`conflict_resolution` entry in the change log (who, when, why, which conflict, the value kept;
it shows in the record's history), then `store.resolve_conflict`, all in one transaction.
Evidence stays its author's: the usual write rules apply to the value written, so another
person's tally cannot be rewritten (verify the TPS-ballot instead).
"""

from __future__ import annotations

from typing import Any

from core.errors import DomainError
from core.hlc import wall_ms
from core.merge import DELETED
from core.protocol import Op
from core.review import ResolveRequest
from sync_server.auth import Principal
from sync_server.clock import ServerClock
from sync_server.errors import ApiError
from sync_server.review.flags import local_time
from sync_server.store.base import Store
from sync_server.store.models import ConflictRow
from sync_server.sync import exchange
from sync_server.sync.scope import read_filter

RESOLUTION = "conflict_resolution"  # the change-log entry of a resolution


def resolution_of(store: Store, row: ConflictRow) -> dict[str, Any] | None:
    """Who resolved the conflict, when, why, and the value kept (from the change log)."""
    for item in reversed(store.recon().history(row.record_id)):
        e = item.entry
        if e.get("kind") == RESOLUTION and e.get("conflict_id") == row.id:
            user = store.get_user(str(e.get("user_id", "")))
            at = wall_ms(int(e.get("hlc", 0)))
            return {"log_id": item.id, "at_ms": at, "at": local_time(at),
                    "user_id": e.get("user_id"), "user_name": user.name if user else None,
                    "device_id": e.get("device_id"), "choice": e.get("choice"),
                    "value": e.get("value"), "alasan": e.get("alasan"),
                    "written": e.get("written")}  # fmt: skip
    return None


def conflict_doc(store: Store, row: ConflictRow) -> dict[str, Any]:
    record = store.get_record(row.record_id)
    c = row.conflict
    return {
        "id": row.id,
        "record_id": row.record_id,
        "kind": record.kind if record else None,
        "tps": record.tps if record else None,
        "author": record.author if record else None,
        "field": c.field,
        "current_value": c.current_value,
        "current_stamp": list(c.current_stamp),
        "incoming_value": c.incoming_value,
        "incoming_stamp": list(c.incoming_stamp),
        "winner": c.winner,
        "value_now": record.fields.get(c.field) if record else None,
        "resolved": row.resolved,
        "resolution": resolution_of(store, row) if row.resolved else None,
    }


def list_open(store: Store, who: Principal, include_resolved: bool) -> list[dict[str, Any]]:
    rows = store.list_conflicts(read_filter(who.user), include_resolved)
    return [conflict_doc(store, r) for r in rows]


def _find(store: Store, who: Principal, conflict_id: int) -> ConflictRow:
    for row in store.list_conflicts(read_filter(who.user), include_resolved=True):
        if row.id == conflict_id:
            return row
    raise ApiError(
        404, "unknown_conflict", f"Konflik {conflict_id} tidak ada di wilayah Anda",
        f"No conflict {conflict_id} in your area",
    )  # fmt: skip


def resolve(
    store: Store, clock: ServerClock, who: Principal, conflict_id: int, body: ResolveRequest
) -> dict[str, Any]:
    """Write the chosen value (unless it is already current), log who/when/why and close it."""
    reason = body.alasan.strip()
    if not reason:
        raise ApiError(422, "reason_required",
                       "Tulis alasan penyelesaian konflik (wajib), misalnya siapa yang "
                       "dikonfirmasi dan bagaimana", "Write why you resolve the conflict this "
                       "way (required)")  # fmt: skip
    with store.transaction():  # the write lock first: two supervisors cannot both resolve it
        row = _find(store, who, conflict_id)
        if row.resolved:
            done = resolution_of(store, row) or {}
            raise ApiError(409, "already_resolved",
                           f"Konflik {conflict_id} sudah diselesaikan oleh "
                           f"{done.get('user_name') or '-'} ({done.get('at') or '-'}); muat ulang",
                           f"Conflict {conflict_id} was already resolved; reload")  # fmt: skip
        c = row.conflict
        value = {"current": c.current_value, "incoming": c.incoming_value}.get(
            body.choice, body.value
        )
        record = store.get_record(row.record_id)
        if record is None:
            raise ApiError(404, "unknown_record", "Data tidak ada", "No such record")
        before = record.fields.get(c.field)
        if before != value:
            _write(store, clock, who, record.id, record.kind, record.tps, c.field, value)
        store.append_log({
            "kind": RESOLUTION, "record_id": record.id, "record_kind": record.kind,
            "tps": record.tps, "conflict_id": conflict_id, "field": c.field,
            "choice": body.choice, "value": value, "previous": before, "written": before != value,
            "alasan": reason, "user_id": who.user.id, "device_id": who.device.id,
            "hlc": clock.now(),
        })  # fmt: skip
        store.resolve_conflict(conflict_id)
    return conflict_doc(store, _find(store, who, conflict_id))


def _write(
    store: Store, clock: ServerClock, who: Principal, rid: str, kind: str, tps: str,
    name: str, value: Any,
) -> None:  # fmt: skip
    current = store.get_record(rid)
    assert current is not None
    base = {k: list(v) for k, v in current.stamps.items()}
    fields = {name: value} if name != DELETED else {DELETED: bool(value)}
    hlc = clock.now()
    op = Op(op_id=f"resolve:{rid}:{hlc}", seq=1, record_id=rid, kind=kind,
            tps=tps, fields=fields, hlc=hlc, base=base)  # fmt: skip
    try:
        # The same checks, merge, log and reconciliation as a push; no device seq is used.
        exchange.apply_for(store, clock, who, op)
    except DomainError as exc:
        raise ApiError.from_domain(403 if exc.code == "forbidden" else 422, exc) from None
