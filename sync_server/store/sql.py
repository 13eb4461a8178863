"""Fast row writes for the push path.

sqlite-utils' `insert`/`upsert` look up the table's schema on every call (about 0.3 ms each);
a push writes several rows per op, so the hot path builds its statements once and caches
them here. Schema and migrations still go through sqlite-utils.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlite_utils import Database


def _value(v: Any) -> Any:
    return json.dumps(v) if isinstance(v, (dict, list, tuple)) else v


@lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], replace: bool) -> str:
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'{verb} INTO "{table}" ({names}) VALUES ({marks})'


@lru_cache(maxsize=256)
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    keys = ", ".join(f'"{c}"' for c in pk)
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in pk)
    action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT ({keys}) {action}'


def insert(db: Database, table: str, row: Mapping[str, Any], *, replace: bool = False) -> int:
    """Insert one row; returns its rowid."""
    columns = tuple(row)
    cur = db.conn.execute(_insert_sql(table, columns, replace), [_value(row[c]) for c in columns])
    return int(cur.lastrowid or 0)


def insert_many(
    db: Database, table: str, rows: Iterable[Mapping[str, Any]], *, replace: bool = False
) -> None:
    rows = list(rows)
    if not rows:
        return
    columns = tuple(rows[0])
    params = [[_value(r[c]) for c in columns] for r in rows]
    db.conn.executemany(_insert_sql(table, columns, replace), params)


def upsert(db: Database, table: str, row: Mapping[str, Any], pk: str | Sequence[str]) -> None:
    """Insert, or update the given columns of the row with the same primary key."""
    keys = (pk,) if isinstance(pk, str) else tuple(pk)
    columns = tuple(row)
    db.conn.execute(_upsert_sql(table, columns, keys), [_value(row[c]) for c in columns])


def one(db: Database, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    """The first row of a query as a dict, or None."""
    cur = db.conn.execute(sql, params)
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))
