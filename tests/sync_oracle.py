"""Checks shared by the sync simulation and the chaos run (bench/chaos.py), written apart from
the code they check: the conflict rule replayed from the server's change log, and what a phone
must agree with at quiescence.

The conflict rule (sync-design 5, 6), as this oracle states it: a write conflicts on a field it
touches when the field has a current value set by another device, the write's base does not
name that value's exact stamp, and the values differ. A delete touches every field; an edit of
a deleted record touches the delete.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from app.store import Store
from core.ledger import is_op
from core.protocol import Op

Field = tuple[Any, tuple[int, str]]  # value, stamp


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _wins(new: Field, old: Field) -> bool:
    if new[1] != old[1]:
        return new[1] > old[1]
    return _canon(new[0]) >= _canon(old[0])


def expected_conflicts(
    current: Mapping[str, Field], fields: Mapping[str, Any], writer: str, base: Mapping[str, Any]
) -> set[str]:
    """The fields a write must be recorded as conflicting on."""
    touched = set(fields)
    deleted = bool(current.get("deleted", (False,))[0])
    if fields.get("deleted"):
        touched |= set(current)
    elif deleted:
        touched.add("deleted")
    found = set()
    for name in touched & set(current):
        value, stamp = current[name]
        seen = base.get(name)
        if stamp[1] == writer or (seen is not None and tuple(seen) == stamp):
            continue
        incoming = fields.get(name, False if name == "deleted" else None)
        if _canon(incoming) != _canon(value):
            found.add(name)
    return found


def check_conflicts(log: Iterable[dict[str, Any]], ops: Mapping[str, Op]) -> int:
    """Replay the change log; every push entry's recorded conflicts must be the rule's.
    `ops` are the ops as phones sent them (by op id), for their bases. Returns entries checked."""
    state: dict[str, dict[str, Field]] = {}
    checked = 0
    for entry in log:
        if not is_op(entry):  # a signed batch's manifest, a resolution: not a push entry
            continue
        record = state.setdefault(entry["record_id"], {})
        stamp = (int(entry["hlc"]), str(entry["device_id"]))
        op = ops.get(str(entry.get("op_id", "")))
        if op is not None and entry.get("device_hlc", op.hlc) == op.hlc:
            base = {k: (None if v is None else (v[0], v[1])) for k, v in op.base.items()}
            want = expected_conflicts(record, entry["fields"], stamp[1], base)
            got = set(entry.get("conflicts", []))
            assert got == want, f"{entry['op_id']} on {entry['record_id']}: {got} != {want}"
            checked += 1
        for name, value in entry["fields"].items():
            if name not in record or _wins((value, stamp), record[name]):
                record[name] = (value, stamp)
    return checked


Copy = dict[str, tuple[dict[str, Any], dict[str, tuple[int, str]]]]


def differences(store: Store, server: Copy) -> list[str]:
    """Where the phone disagrees with the server: a shared record must equal it; a draft (kept
    a draft when its id arrived in a pull) must hold every server value it has not overwritten."""
    local = {r.id: r for r in store.records(include_deleted=True)}
    bad = [rid for rid in server if rid not in local]
    for rid, rec in local.items():
        fields, stamps = server.get(rid, ({}, {}))
        if rec.sync_state == "draft":
            behind = [n for n, s in stamps.items() if rec.stamps.get(n, (0, "")) < s]
            same = [n for n, s in stamps.items() if rec.stamps.get(n) == s]
            if behind or any(rec.fields[n] != fields[n] for n in same):
                bad.append(rid)
        elif (rec.fields, rec.stamps) != (fields, stamps):
            bad.append(rid)
    return bad


def unsent_shown(store: Store) -> list[str]:
    """Fields whose pending write the phone no longer shows (a pull overwrote unsent work)."""
    bad = []
    rows = store.db.execute("select record_id, fields, hlc from outbox order by seq").fetchall()
    for record_id, fields, hlc in rows:
        rec = store.record(record_id)
        for name, value in json.loads(fields).items():
            stamp = rec.stamps.get(name) if rec else None
            mine = (int(hlc), store.device_id)
            if stamp is None or stamp < mine or (stamp == mine and rec.fields[name] != value):
                bad.append(f"{record_id}.{name}")
    return bad


def outbox(store: Store) -> dict[str, dict[str, Any]]:
    """The phone's queued ops by op id, each with a content key that survives renumbering."""
    rows = store.db.execute("select op_id, record_id, fields, hlc from outbox").fetchall()
    return {
        op_id: {
            "record_id": rid,
            "fields": json.loads(f),
            "hlc": int(hlc),
            "content": (rid, f, int(hlc)),
        }
        for op_id, rid, f, hlc in rows
    }


def gone_unheld(
    store: Store,
    before: Mapping[str, dict[str, Any]],
    log: Iterable[dict[str, Any]],
    sent: Mapping[str, Op],
) -> tuple[list[str], list[dict[str, Any]]]:
    """Ops the phone stopped holding since `before`: (those the server does not hold with
    their content and that were not refused, those it holds). An op renumbered into a new
    epoch is still queued; a change folded in after `before` went with the op (`sent`)."""
    queued = outbox(store)
    after = {o["content"] for o in queued.values()}
    held = {
        (e["record_id"], e.get("device_hlc", e["hlc"]), json.dumps(e["fields"], sort_keys=True))
        for e in log
        if e.get("device_id") == store.device_id and is_op(e)
    }
    lost, confirmed = [], []
    for op_id, op in before.items():
        if op_id in queued or op["content"] in after:
            continue
        contents = [(op["record_id"], op["hlc"], op["fields"])]
        if op_id in sent:
            contents.append((sent[op_id].record_id, sent[op_id].hlc, sent[op_id].fields))
        if any((r, h, json.dumps(f, sort_keys=True)) in held for r, h, f in contents):
            confirmed.append({"record_id": op["record_id"], "hlc": max(c[1] for c in contents)})
        elif not store.refused(op["record_id"]):
            lost.append(op_id)
    return lost, confirmed
