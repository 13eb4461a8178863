"""What the sync client takes from the store and gives back: outbox batches, the server's
answers to a push, pulled pages with their cursor, and conflicts the server reported.

Each `apply_*` is one local transaction, so a crash leaves either all or none of it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from app.store import server_copy
from app.store.keys import keep_checkpoint
from app.store.rows import LocalState, StateRow, read_states, write_meta
from app.store.store import Store, op_id
from core.merge import Versioned, merge, write
from core.protocol import ConflictOut, Op, OpResult, PullResponse, PushResponse, RecordOut
from core.signing import in_canonical_order
from core.stamps import top_hlc


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
            # keys in canonical order: the server checks the signed digest faster (core/signing)
            fields=in_canonical_order(json.loads(r["fields"])),
            hlc=r["hlc"],
            base={k: tuple(v) if v else None for k, v in sorted(json.loads(r["base"]).items())},
        )
        for r in rows
    ]


def apply_push(store: Store, ops: list[Op], response: PushResponse) -> bool:
    """Take the server's answer for each op, in one transaction; True when an op id was
    "reused" (this phone was restored from an old copy: it must start a new epoch).

    An op leaves the outbox only when the server answered for its content (applied, conflict,
    duplicate) within `acked_seq`; a refused op's values go to the refusals the user reads and
    are undone here; nothing is trimmed on the strength of an op id alone.
    """
    by_id = {op.op_id: op for op in ops}
    reused = False
    with store.transaction() as db:
        for result in response.results:
            op = by_id.get(result.op_id)
            if op is None:
                continue
            if result.status == "rejected":
                _refuse(store, op, result)
            elif result.status == "reused":
                reused = True
            elif op.seq <= response.acked_seq:
                server_copy.add_write(db, op.record_id, op.fields, (op.hlc, store.device_id))
                db.execute("delete from outbox where seq = ? and op_id = ?", [op.seq, op.op_id])
        store.clock.observe(response.server_hlc)
        _save_hlc(store)
    return reused


def _refuse(store: Store, op: Op, result: OpResult) -> None:
    """Keep what was refused for the user, never send it again, and show the server's value."""
    db = store.db
    db.table("refusals").insert(
        {
            "record_id": op.record_id,
            "fields": json.dumps(op.fields),
            "code": result.code or "",
            "reason": f"{result.reason or 'Ditolak server'} (ditolak: {_values(op.fields)})",
            "reason_en": f"{result.reason_en or result.reason or 'Refused by the server'} "
            f"(refused: {_values(op.fields)})",
        }
    )
    db.execute("delete from outbox where seq = ? and op_id = ?", [op.seq, op.op_id])
    local = store.record(op.record_id)
    if local is None:
        return
    stamp = (op.hlc, store.device_id)
    undone = [name for name in op.fields if local.stamps.get(name) == stamp]
    state = _without(local.versioned, undone, server_copy.load(db, op.record_id))
    for fields, hlc in _queued(db, op.record_id):  # what is still queued stays on top
        state = merge(state, write(fields, (hlc, store.device_id)))
    store.put_state(op.record_id, local.kind, local.tps, local.author, state,
                    shared=local.sync_state != "draft")  # fmt: skip


def _values(fields: dict[str, Any]) -> str:
    """Which values were refused, so the person knows what to enter again."""
    return ", ".join(
        f"{name} = {json.dumps(value, ensure_ascii=False)}" for name, value in fields.items()
    )


def _without(local: Versioned, names: list[str], server: Versioned) -> Versioned:
    """`local` with `names` put back to the server's value (or removed when it has none)."""
    fields, stamps = dict(local.fields), dict(local.stamps)
    for name in names:
        fields.pop(name, None)
        stamps.pop(name, None)
        if name in server.stamps:
            fields[name], stamps[name] = server.fields.get(name), server.stamps[name]
    return Versioned(fields, stamps)


def _queued(db: Database, record_id: str) -> list[tuple[dict[str, Any], int]]:
    rows = db.execute(
        "select fields, hlc from outbox where record_id = ? order by seq", [record_id]
    ).fetchall()
    return [(json.loads(fields), int(hlc)) for fields, hlc in rows]


def start_epoch(store: Store, epoch: int) -> None:
    """Renumber every unsent op into a new epoch (a fresh seq namespace), in one transaction."""
    with store.transaction() as db:
        rows = db.execute("select seq from outbox order by seq").fetchall()
        for n, (seq,) in enumerate(rows, start=1):  # ascending: a new seq never collides
            db.execute(
                "update outbox set seq = ?, op_id = ?, attempted = 0 where seq = ?",
                [n, op_id(store.device_id, epoch, n), seq],
            )
        write_meta(db.conn, {"epoch": str(epoch), "next_seq": str(len(rows) + 1)})


def last_seq(store: Store) -> int:
    """The highest seq this phone has made in its epoch."""
    return int(store.meta("next_seq", "1") or "1") - 1


def cursor(store: Store) -> int:
    return int(store.meta("cursor", "0") or "0")


def apply_pull(store: Store, page: PullResponse) -> None:
    """Adopt the server's records and store the new cursor in the same transaction (with the
    page's checkpoint, when the server's key signed it).

    The server holds every acknowledged write, so for a field with nothing of ours still in
    the outbox its value and stamp are the truth (this also undoes our own stamps that it
    clamped for being far in the future). Fields with an op still queued keep the local
    write, merged last-writer-wins, until the server has answered for them. A local draft
    stays a draft: its values are sent when it is shared, never marked sent by a pull.
    The page is read with one query per table and written with one `executemany`, and
    committed without an fsync: the server still holds it (`Store.transaction`).
    """
    with store.transaction(durable=False) as db:
        local = read_states(db.conn, [rec.id for rec in page.records])
        rows: dict[bool, list[StateRow]] = {True: [], False: []}  # by shared
        for rec in page.records:
            mine = local.get(rec.id)
            row = _pulled(db, rec, mine)
            rows[mine is None or not mine.draft].append(row)
            top = top_hlc(row.stamps) if mine is None else top_hlc(rec.packed())
            if top is not None:
                store.clock.observe(top)
        store.put_states(rows[True], shared=True)
        store.put_states(rows[False], shared=False)
        store.clock.observe(page.server_hlc)
        write_meta(db.conn, {"cursor": str(page.next)})
        _save_hlc(store)
        if page.checkpoint is not None:
            identity = store.identity()
            keep_checkpoint(store, page.checkpoint, identity.server_key if identity else None)


def _pulled(db: Database, rec: RecordOut, mine: LocalState | None) -> StateRow:
    """The row a pulled record leaves here."""
    if mine is None:  # new here: stored as it came, stamps still packed
        return StateRow(rec.id, rec.kind, rec.tps, rec.author, rec.fields, rec.packed())
    remote = rec.versioned()
    if mine.draft:
        merged = merge(mine.versioned, remote)
    else:
        merged = _rebase(mine.versioned, remote, mine.unsent)
    if mine.queued or mine.draft:  # what a refusal of queued or later ops puts back
        server_copy.save(db, rec.id, remote)
    return StateRow.of(rec.id, rec.kind, rec.tps, rec.author, merged)


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
    write_meta(store.db.conn, {"hlc": str(store.clock.last)})
