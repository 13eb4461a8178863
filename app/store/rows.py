"""How a record lies in the device's `records` table, and the bulk reads and writes of a page.

Fields are compact JSON; stamps are packed (core/stamps.py: one record stamp, the fields that
differ listed apart), so a tally row is a few hundred bytes instead of kilobytes. A pulled page
is read with one query per table and written with one `executemany` (no per-record
introspection), inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import to_json

from core.hlc import Stamp
from core.merge import DELETED, Versioned
from core.stamps import Packed, is_packed, pack, unpack

CHUNK = 500  # ids per `in (...)` list, well under SQLite's variable limit

UPSERT_RECORD = """
    insert into records (id, kind, tps, author, fields, stamps, status, shared, deleted,
                         updated_ms)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    on conflict (id) do update set kind = excluded.kind, tps = excluded.tps,
      author = excluded.author, fields = excluded.fields, stamps = excluded.stamps,
      status = excluded.status, shared = excluded.shared, deleted = excluded.deleted,
      updated_ms = excluded.updated_ms
"""
UPSERT_META = (
    "insert into meta (key, value) values (?, ?)"
    " on conflict (key) do update set value = excluded.value"
)


def dumps(value: Any) -> str:
    """Compact JSON (pydantic-core's encoder: several times the stdlib's on a C.Hasil)."""
    return to_json(value).decode()


def decode_stamps(fields: dict[str, Any], raw: str) -> dict[str, Stamp]:
    """Packed stamps, or the per-field map a database written before m004 may still hold."""
    value = json.loads(raw)
    if is_packed(value):
        return unpack(fields, value)
    return {k: (int(v[0]), str(v[1])) for k, v in value.items()}


@dataclass(frozen=True)
class StateRow:
    """One record's state as it is written: its fields and its packed stamps."""

    id: str
    kind: str
    tps: str
    author: str
    fields: Mapping[str, Any]
    stamps: Packed

    @classmethod
    def of(cls, record_id: str, kind: str, tps: str, author: str, state: Versioned) -> StateRow:
        return cls(record_id, kind, tps, author, state.fields, pack(state.fields, state.stamps))

    def values(self, *, shared: bool, now_ms: int) -> tuple[Any, ...]:
        return (
            self.id,
            self.kind,
            self.tps,
            self.author,
            dumps(self.fields),
            dumps(self.stamps),
            str(self.fields.get("status") or "draft"),
            int(shared),
            int(bool(self.fields.get(DELETED, False))),
            now_ms,
        )


def write_states(
    conn: sqlite3.Connection, rows: Sequence[StateRow], *, shared: bool, now_ms: int
) -> None:
    conn.executemany(UPSERT_RECORD, [r.values(shared=shared, now_ms=now_ms) for r in rows])


def write_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    conn.executemany(UPSERT_META, list(values.items()))


@dataclass
class LocalState:
    """What a pull must know of a record already here: its state, whether it is still a
    draft, and the fields of its ops still in the outbox (queued or refused)."""

    versioned: Versioned
    shared: bool
    unsent: set[str] = field(default_factory=set)
    queued: bool = False

    @property
    def draft(self) -> bool:
        return not self.shared and not self.queued


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def read_states(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, LocalState]:
    """The local state of those of `ids` this device holds: one query per table per chunk."""
    found: dict[str, LocalState] = {}
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        sql = f"select id, fields, stamps, shared from records where id in ({marks})"
        for rid, fields_raw, stamps_raw, shared in conn.execute(sql, list(part)):
            fields = json.loads(fields_raw)
            versioned = Versioned(fields, decode_stamps(fields, stamps_raw))
            found[rid] = LocalState(versioned, bool(shared))
        if not found:
            continue
        sql = f"select record_id, fields from outbox where record_id in ({marks})"
        for rid, fields_raw in conn.execute(sql, list(part)):
            if rid in found:
                found[rid].queued = True
                found[rid].unsent.update(json.loads(fields_raw))
    return found
