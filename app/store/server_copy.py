"""What the server is known to hold of each record: the last pulled state with this device's
applied ops on top. A refused write is undone back to it (sync-design 5: nothing lost, and the
phone never shows a value the server refused as if it were sent)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from core.merge import Versioned, merge, write


def load(db: Database, record_id: str) -> Versioned:
    row = db.execute(
        "select fields, stamps from server_copy where record_id = ?", [record_id]
    ).fetchone()
    if row is None:
        return Versioned()
    stamps = {k: (int(v[0]), str(v[1])) for k, v in json.loads(row[1]).items()}
    return Versioned(json.loads(row[0]), stamps)


UPSERT = (
    "insert into server_copy (record_id, fields, stamps) values (?, ?, ?)"
    " on conflict (record_id) do update set fields = excluded.fields, stamps = excluded.stamps"
)


def save(db: Database, record_id: str, state: Versioned) -> None:
    save_many(db, [(record_id, state)])


def save_many(db: Database, states: list[tuple[str, Versioned]]) -> None:
    """One statement for many records (a pulled page)."""
    db.conn.executemany(UPSERT, [_row(record_id, state) for record_id, state in states])


def _row(record_id: str, state: Versioned) -> tuple[str, str, str]:
    stamps = {k: list(v) for k, v in state.stamps.items()}
    return record_id, json.dumps(dict(state.fields)), json.dumps(stamps)


def add_write(
    db: Database, record_id: str, fields: dict[str, object], stamp: tuple[int, str]
) -> None:
    """An op the server applied (or had applied): the copy gains it."""
    save(db, record_id, merge(load(db, record_id), write(fields, stamp)))
