"""Row helpers of the PostgreSQL backend (pg.py, pg_recon.py, pg_blobs.py): the connection
pool, how a ReadFilter becomes SQL, and how rows are written and read back."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from core.merge import Conflict
from sync_server.store.models import ConflictRow, LogEntry, OpRow, ReadFilter, StoredRecord
from sync_server.store.sqlite_rows import json_text, packed_text, stamp

Row = dict[str, Any]
Conn = psycopg.Connection[Row]
LOCK_TIMEOUT_MS = 10_000  # as SQLite's busy timeout: then StoreBusy, answered 503


def open_pool(
    url: str, max_size: int = 16, lock_timeout_ms: int = LOCK_TIMEOUT_MS
) -> ConnectionPool[Conn]:
    """One pool per server process; every store borrows one connection from it."""

    def configure(conn: Conn) -> None:
        conn.execute(f"SET lock_timeout = {int(lock_timeout_ms)}")

    return ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True, "row_factory": dict_row},
        configure=configure,
        open=True,
    )


def filter_sql(read: ReadFilter, alias: str) -> tuple[str, list[Any]]:
    """The WHERE clause of a ReadFilter over `records` as `alias` (models.ReadFilter.matches
    is its Python twin)."""
    if not read.tps_prefixes:
        return "false", []
    likes = " OR ".join(f"left({alias}.tps, %s) = %s" for _ in read.tps_prefixes)
    params: list[Any] = [x for p in read.tps_prefixes for x in (len(p), p)]
    sql = f"({likes})"
    if read.author is not None:
        sql += f" AND {alias}.author = %s"
        params.append(read.author)
    if read.hidden_roles:
        sql += f" AND NOT ({alias}.author_role = ANY(%s))"
        params.append(list(read.hidden_roles))
    return sql, params


OP_SQL = (
    "INSERT INTO ops (device_id, op_id, seq, record_id, status, code, reason, reason_en, "
    "content_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
RECORD_SQL = (
    "INSERT INTO records (id, kind, tps, author, author_role, author_party, fields, stamps, "
    "packed, seq) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE "
    "SET fields = excluded.fields, stamps = excluded.stamps, packed = excluded.packed, "
    "seq = excluded.seq"
)

REPLACE_SQL = RECORD_SQL.replace(
    "DO UPDATE SET ",
    "DO UPDATE SET kind = excluded.kind, tps = excluded.tps, "
    "author = excluded.author, author_role = excluded.author_role, "
    "author_party = excluded.author_party, ",
)


def op_row(op: OpRow) -> tuple[Any, ...]:
    return (op.device_id, op.op_id, op.seq, op.record_id, op.status, op.code, op.reason,
            op.reason_en, op.content_hash)  # fmt: skip


def record_row(record: StoredRecord, seq: int | None = None) -> tuple[Any, ...]:
    return (
        record.id,
        record.kind,
        record.tps,
        record.author,
        record.author_role,
        record.author_party,
        json_text(record.fields),
        json_text(record.stamps),
        packed_text(record),
        record.seq if seq is None else seq,
    )


def log_entry(r: Row) -> LogEntry:
    return LogEntry(r["id"], json.loads(r["entry"]), r["prev_hash"], r["hash"], r["entry"])


def conflict_of(row: Row) -> ConflictRow:
    conflict = Conflict(
        row["field"],
        json.loads(row["current_value"]),
        stamp(json.loads(row["current_stamp"])),
        json.loads(row["incoming_value"]),
        stamp(json.loads(row["incoming_stamp"])),
    )
    return ConflictRow(row["id"], row["record_id"], conflict, row["seq"], bool(row["resolved"]))
