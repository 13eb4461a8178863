"""Row shaping shared by both reconciliation stores (reconcile_sqlite.py, pg_recon.py): how a
KeyState or a Snapshot becomes a row and reads back, and how a filter's TPS prefixes become
SQL. Pure functions; each backend only supplies its SQL dialect."""

from __future__ import annotations

import json
from typing import Any

from sync_server.store.models import ReadFilter
from sync_server.store.recon_base import KeyState, Snapshot
from sync_server.sync.chain import canonical

# the columns of recon_state, in the order state_row() gives them
STATE_COLUMNS = ("tps", "ballot", "status", "severity", "n_sources", "rules", "doc", "is_open",
                 "is_decided", "is_counted", "n_single")  # fmt: skip
SNAPSHOT_COLUMNS = ("record_id", "tps", "ballot", "final", "fields", "changes", "stamps")


def scope_sql(read: ReadFilter, column: str, prefix: str) -> tuple[str, list[Any]]:
    """Only the TPS prefixes of a filter count here: these rows have no author. `prefix` is
    the dialect's "the first N characters of {c} equal" term with two placeholders."""
    if not read.tps_prefixes:
        return "false", []
    sql = " OR ".join(prefix.format(c=column) for _ in read.tps_prefixes)
    return f"({sql})", [x for p in read.tps_prefixes for x in (len(p), p)]


def rules_of(text: str) -> tuple[str, ...]:
    return tuple(r for r in text.split(",") if r)


def state_row(state: KeyState) -> dict[str, Any]:
    """A KeyState as a recon_state row (rules as ",a,b," so LIKE '%,rule,%' finds one)."""
    return {
        "tps": state.tps,
        "ballot": state.ballot,
        "status": state.status,
        "severity": state.severity,
        "n_sources": state.n_sources,
        "rules": "," + ",".join(state.rules) + ",",
        "doc": canonical(state.doc),
        "is_open": int(state.open),
        "is_decided": int(state.decided),
        "is_counted": int(state.counted),
        "n_single": state.n_single,
    }


def state_of(row: dict[str, Any]) -> KeyState:
    doc = json.loads(row["doc"])
    return KeyState(
        row["tps"], row["ballot"], row["status"], row["severity"], row["n_sources"],
        rules_of(row["rules"]), doc, dict(doc.get("values", {})), bool(row["is_open"]),
        bool(row["is_decided"]), counted=bool(row["is_counted"]), n_single=int(row["n_single"]),
    )  # fmt: skip


def snapshot_row(snap: Snapshot) -> dict[str, Any]:
    return {
        "record_id": snap.record_id,
        "tps": snap.tps,
        "ballot": snap.ballot,
        "final": int(snap.final),
        "fields": canonical(snap.fields),
        "changes": canonical(snap.changes),
        "stamps": canonical({k: list(v) for k, v in snap.stamps.items()}),
    }


def snapshot_of(row: dict[str, Any]) -> Snapshot:
    return Snapshot(
        row["record_id"], row["tps"], row["ballot"] or "", bool(row["final"]),
        json.loads(row["fields"]), json.loads(row["changes"]),
        {k: (int(v[0]), str(v[1])) for k, v in json.loads(row["stamps"] or "{}").items()},
    )  # fmt: skip
