"""What the sync client takes from the store and gives back: outbox batches, the server's
answers to a push, pulled pages with their cursor, and conflicts the server reported.

Each `apply_*` is one local transaction, so a crash leaves either all or none of it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from app.store.keys import keep_checkpoint
from app.store.store import Store
from core.merge import Versioned, merge
from core.protocol import ConflictOut, Op, PullResponse, PushResponse


def next_batch(store: Store, limit: int) -> list[Op]:
    """The oldest pending ops, marked as attempted so they are never changed again."""
    with store.transaction() as db:
        rows = list(db.table("outbox").rows_where("state = 'pending'", order_by="seq", limit=limit))
        if rows:
            marks = ",".join("?" for _ in rows)
            db.execute(
                f"update outbox set attempted = 1 where seq in ({marks})", [r["seq"] for r in rows]
            )
    return [
        Op(
            op_id=r["op_id"],
            seq=r["seq"],
            record_id=r["record_id"],
            kind=r["kind"],
            tps=r["tps"],
            fields=json.loads(r["fields"]),
            hlc=r["hlc"],
            base={k: tuple(v) if v else None for k, v in json.loads(r["base"]).items()},
        )
        for r in rows
    ]


def apply_push(store: Store, ops: list[Op], response: PushResponse) -> None:
    """Mark refused ops failed with the server's reason; trim the outbox up to `acked_seq`."""
    by_id = {op.op_id: op for op in ops}
    with store.transaction() as db:
        for result in response.results:
            op = by_id.get(result.op_id)
            if op is None or result.status != "rejected":
                continue
            db.table("outbox").update(
                op.seq,
                {
                    "state": "failed",
                    "code": result.code or "",
                    "reason": result.reason or "",
                    "reason_en": result.reason_en or result.reason or "",
                },
            )
        db.execute("delete from outbox where state = 'pending' and seq <= ?", [response.acked_seq])
        store.clock.observe(response.server_hlc)
        _save_hlc(store)


def cursor(store: Store) -> int:
    return int(store.meta("cursor", "0") or "0")


def apply_pull(store: Store, page: PullResponse) -> None:
    """Adopt the server's records and store the new cursor in the same transaction (with the
    page's checkpoint, when the server's key signed it).

    The server holds every acknowledged write, so for a field with nothing of ours still in
    the outbox its value and stamp are the truth (this also undoes our own stamps that it
    clamped for being far in the future). Fields with an op still queued or refused keep
    the local write, merged last-writer-wins, until the server has answered for them.
    """
    with store.transaction() as db:
        for rec in page.records:
            remote = Versioned(
                rec.fields, {k: (int(v[0]), str(v[1])) for k, v in rec.stamps.items()}
            )
            local = store.record(rec.id)
            merged = remote
            if local is not None and local.sync_state == "draft":
                merged = merge(local.versioned, remote)
            elif local is not None:
                merged = _rebase(local.versioned, remote, _unsent_fields(db, rec.id))
            store.put_state(rec.id, rec.kind, rec.tps, rec.author, merged, shared=True)
            top = remote.max_stamp()
            if top:
                store.clock.observe(top[0])
        store.clock.observe(page.server_hlc)
        db.table("meta").upsert({"key": "cursor", "value": str(page.next)}, pk="key")
        _save_hlc(store)
        if page.checkpoint is not None:
            identity = store.identity()
            keep_checkpoint(store, page.checkpoint, identity.server_key if identity else None)


def _unsent_fields(db: Database, record_id: str) -> set[str]:
    rows = db.execute("select fields from outbox where record_id = ?", [record_id]).fetchall()
    return {name for (fields,) in rows for name in json.loads(fields)}


def _rebase(local: Versioned, remote: Versioned, unsent: set[str]) -> Versioned:
    """The server's state with our unsent writes on top (last-writer-wins for those)."""
    if not unsent:
        return remote
    mine = Versioned(
        {k: v for k, v in local.fields.items() if k in unsent},
        {k: v for k, v in local.stamps.items() if k in unsent},
    )
    return merge(remote, mine)


def save_conflicts(store: Store, conflicts: list[ConflictOut]) -> int:
    """Keep the conflicts the server reported on records this device holds; returns new ones."""
    new = 0
    with store.transaction() as db:
        for c in conflicts:
            if db.table("conflicts").count_where("id = ?", [c.id]):
                if c.resolved:
                    db.table("conflicts").update(c.id, {"seen": 1})
                continue
            row: dict[str, Any] = {
                "id": c.id,
                "record_id": c.record_id,
                "field": c.field,
                "current_value": json.dumps(c.current_value),
                "incoming_value": json.dumps(c.incoming_value),
                "winner": "incoming"
                if tuple(c.incoming_stamp) > tuple(c.current_stamp)
                else "current",
                "seen": int(c.resolved),
            }
            db.table("conflicts").insert(row)
            new += 1
    return new


def _save_hlc(store: Store) -> None:
    store.db.table("meta").upsert({"key": "hlc", "value": str(store.clock.last)}, pk="key")
