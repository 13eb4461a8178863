"""The PostgreSQL backend (psycopg 3, one connection from a shared pool per store).

Selected by `PANTAU_DATABASE_URL=postgresql://...` (sync_server/store/open.py). Same contract
as the SQLite store (tests/server/backends.py runs every contract suite on both).

## The server sequence: commit-ordered by a counter row

Pulls page by `seq > since`, so a seq must never become visible after a higher one has been
read. SQLite gives that for free (one writer at a time). On PostgreSQL two transactions can
run at once, and numbers drawn from a `SEQUENCE` are handed out at draw time, not commit
time: a push that drew 101..300 and commits after one that drew 301..500 would appear *behind*
a puller that already read 500, which would then skip it for ever.

The scheme: one row, `server_seq(id = 1)`. A writing transaction reads it with
`SELECT ... FOR UPDATE` before it numbers anything (`server_seq()` inside `transaction()`,
`put_record`, `_append_logs`), and writes the new top back before it commits. The row lock
is held until commit or rollback, so a second writer waits at that SELECT and, under READ
COMMITTED, then reads the value the first one committed: numbers are handed out in commit
order, every number once, with no gaps from rolled-back work. The change log's hash chain
needs the same total order (each entry names the previous hash), and takes the same lock.
What it costs: writers serialise from the moment they number their batch until they commit
(one push's writes, a few ms), as with SQLite; reads, pulls and reconciliation reads never
take it. Proven by tests/server/test_pg_sequence.py (concurrent pushers, one puller: every
row delivered once, none skipped).

Why not a visibility horizon (pull only below the oldest in-flight transaction's number):
it needs every reader to know the writers in flight (txid snapshots, or a table of them),
and a stuck transaction stalls every pull; the counter row is simple and its cost is the
one SQLite already pays.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from core.merge import Conflict
from core.registry import Registry
from sync_server.store import pg_schema
from sync_server.store.base import StoreBusy
from sync_server.store.busy import is_busy
from sync_server.store.models import (
    ConflictRow,
    Device,
    EnrolCode,
    LogEntry,
    OpRow,
    PushWrites,
    ReadFilter,
    StoredRecord,
    User,
    WireRow,
)
from sync_server.store.pg_rows import (
    OP_SQL,
    RECORD_SQL,
    REPLACE_SQL,
    Conn,
    Row,
    conflict_of,
    filter_sql,
    log_entry,
    op_row,
    record_row,
)
from sync_server.store.sqlite_rows import WIRE_COLUMNS, json_text, record_of
from sync_server.sync.chain import GENESIS, canonical, chained_hash

if TYPE_CHECKING:
    from sync_server.store.pg_blobs import PgBlobStore
    from sync_server.store.pg_evidence import PgEvidenceStore
    from sync_server.store.pg_recon import PgReconStore

log = logging.getLogger(__name__)


class PgStore:
    """`Store` on PostgreSQL; `close()` gives the connection back to the pool."""

    def __init__(self, pool: ConnectionPool[Conn]) -> None:
        self.pool = pool
        try:
            self.conn: Conn = pool.getconn()
        except PoolTimeout as exc:  # every connection busy for the pool's timeout: contention
            raise StoreBusy(str(exc)) from exc
        self._depth = 0

    def migrate(self) -> None:
        pg_schema.migrate(self.conn)

    def close(self) -> None:
        try:
            if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                self.conn.rollback()
        except psycopg.Error:  # a broken connection: the pool checks it and drops it
            log.warning("rollback on close failed", exc_info=True)
        self.pool.putconn(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            yield
            return
        self._depth = 1
        try:
            with self.conn.transaction():
                yield
        except psycopg.Error as exc:
            if is_busy(exc):
                raise StoreBusy(str(exc)) from exc
            raise
        finally:
            self._depth = 0

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def exclusive(self, name: str, *, wait: bool = True) -> Iterator[bool]:
        """A session advisory lock named `name`, across every process on this database."""
        key = int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "big", signed=True)
        if wait:
            self.one("SELECT pg_advisory_lock(%s)", [key])
        else:
            row = self.one("SELECT pg_try_advisory_lock(%s) AS got", [key])
            if not (row and row["got"]):
                yield False
                return
        try:
            yield True
        finally:
            self.one("SELECT pg_advisory_unlock(%s)", [key])

    def q(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self.conn.execute(sql, params).fetchone()

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(sql, rows)

    # users, devices, enrolment codes
    def add_user(self, user: User) -> None:
        self.run(
            "INSERT INTO users (id, name, role, party, scope) VALUES (%s, %s, %s, %s, %s)",
            [user.id, user.name, user.role, user.party, json.dumps(list(user.scope))],
        )

    def _user(self, r: Row) -> User:
        return User(r["id"], r["name"], r["role"], r["party"], tuple(json.loads(r["scope"])))

    def get_user(self, user_id: str) -> User | None:
        row = self.one("SELECT * FROM users WHERE id = %s", [user_id])
        return self._user(row) if row else None

    def list_users(self) -> list[User]:
        return [self._user(r) for r in self.q("SELECT * FROM users ORDER BY id")]

    def add_device(self, device: Device, token_hash: str) -> None:
        self.run(
            "INSERT INTO devices (id, user_id, name, created_ms, revoked_ms, token_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [
                device.id,
                device.user_id,
                device.name,
                device.created_ms,
                device.revoked_ms,
                token_hash,
            ],
        )

    def _device(self, where: str, params: list[Any]) -> Device | None:
        cols = "id, user_id, name, created_ms, revoked_ms"
        row = self.one(f"SELECT {cols} FROM devices WHERE {where}", params)
        return Device(**row) if row else None

    def get_device(self, device_id: str) -> Device | None:
        return self._device("id = %s", [device_id])

    def device_by_token(self, token_hash: str) -> Device | None:
        return self._device("token_hash = %s", [token_hash])

    def revoke_device(self, device_id: str, at_ms: int) -> bool:
        sql = "UPDATE devices SET revoked_ms = coalesce(revoked_ms, %s) WHERE id = %s"
        return self.run(sql, [at_ms, device_id]) > 0

    def list_devices(self) -> list[Device]:
        rows = self.q("SELECT id, user_id, name, created_ms, revoked_ms FROM devices ORDER BY id")
        return [Device(**r) for r in rows]

    def add_enrol_code(self, code: EnrolCode) -> None:
        self.run(
            "INSERT INTO enrol_codes (code_hash, user_id, expires_ms, used_ms) "
            "VALUES (%s, %s, %s, %s)",
            [code.code_hash, code.user_id, code.expires_ms, code.used_ms],
        )

    def get_enrol_code(self, code_hash: str) -> EnrolCode | None:
        row = self.one(
            "SELECT code_hash, user_id, expires_ms, used_ms FROM enrol_codes WHERE code_hash = %s",
            [code_hash],
        )
        return EnrolCode(**row) if row else None

    def use_enrol_code(self, code_hash: str, at_ms: int, device_id: str) -> bool:
        sql = (
            "UPDATE enrol_codes SET used_ms = %s, device_id = %s "
            "WHERE code_hash = %s AND used_ms IS NULL"
        )
        return self.run(sql, [at_ms, device_id, code_hash]) == 1

    def add_code_failure(self, selector: str, at_ms: int, forget_before_ms: int) -> None:
        self.run("DELETE FROM enrol_failures WHERE at_ms < %s", [forget_before_ms])
        self.run("INSERT INTO enrol_failures (selector, at_ms) VALUES (%s, %s)", [selector, at_ms])

    def code_failures(self, selector: str, since_ms: int) -> int:
        sql = "SELECT count(*) AS n FROM enrol_failures WHERE selector = %s AND at_ms >= %s"
        row = self.one(sql, [selector, since_ms])
        return int(row["n"]) if row else 0

    # ops answered per device
    def get_op(self, device_id: str, op_id: str) -> OpRow | None:
        row = self.one("SELECT * FROM ops WHERE device_id = %s AND op_id = %s", [device_id, op_id])
        return OpRow(**row) if row else None

    def get_ops(self, device_id: str, op_ids: Sequence[str]) -> dict[str, OpRow]:
        rows = self.q(
            "SELECT * FROM ops WHERE device_id = %s AND op_id = ANY(%s)",
            [device_id, list(dict.fromkeys(op_ids))],
        )
        return {r["op_id"]: OpRow(**r) for r in rows}

    def add_op(self, op: OpRow) -> None:
        self.many(OP_SQL, [op_row(op)])

    def acked_seq(self, device_id: str) -> int:
        row = self.one("SELECT acked_seq FROM device_acks WHERE device_id = %s", [device_id])
        return int(row["acked_seq"]) if row else 0

    def advance_acked_seq(self, device_id: str) -> int:
        acked = self.acked_seq(device_id)
        held = self.q(
            "SELECT DISTINCT seq FROM ops WHERE device_id = %s AND seq > %s ORDER BY seq",
            [device_id, acked],
        )
        for row in held:
            if row["seq"] != acked + 1:
                break
            acked = row["seq"]
        self.run(
            "INSERT INTO device_acks (device_id, acked_seq) VALUES (%s, %s) ON CONFLICT "
            "(device_id) DO UPDATE SET acked_seq = excluded.acked_seq",
            [device_id, acked],
        )
        return acked

    def held_seq(self, namespace: str) -> int:
        row = self.one("SELECT max(seq) AS top FROM ops WHERE device_id = %s", [namespace])
        return int(row["top"] or 0) if row else 0

    def device_epoch(self, device_id: str) -> int:
        row = self.one("SELECT epoch FROM device_epochs WHERE device_id = %s", [device_id])
        return int(row["epoch"]) if row else 0

    def new_epoch(self, device_id: str) -> int:
        """One statement: two concurrent callers get two different epochs."""
        row = self.one(
            "INSERT INTO device_epochs (device_id, epoch) VALUES (%s, 1) ON CONFLICT (device_id) "
            "DO UPDATE SET epoch = device_epochs.epoch + 1 RETURNING epoch",
            [device_id],
        )
        return int(row["epoch"]) if row else 0

    # records
    def get_record(self, record_id: str) -> StoredRecord | None:
        row = self.one("SELECT * FROM records WHERE id = %s", [record_id])
        return record_of(row) if row else None

    def get_records(self, record_ids: Sequence[str]) -> dict[str, StoredRecord]:
        rows = self.q("SELECT * FROM records WHERE id = ANY(%s)", [list(dict.fromkeys(record_ids))])
        return {r["id"]: record_of(r) for r in rows}

    def server_seq(self) -> int:
        """The last seq handed out; inside a transaction it takes the counter row's lock (the
        module docstring: numbers are handed out in commit order)."""
        lock = " FOR UPDATE" if self._depth else ""
        row = self.one(f"SELECT value FROM server_seq WHERE id = 1{lock}")
        return int(row["value"]) if row else 0

    def _set_seq(self, seq: int) -> None:
        self.run("UPDATE server_seq SET value = %s WHERE id = 1", [seq])

    def save_push(self, writes: PushWrites) -> None:
        with self.transaction():
            self.server_seq()  # the caller numbered the batch under this lock already
            self.many(RECORD_SQL, [record_row(r) for r in writes.records])
            if writes.records:
                self._set_seq(writes.server_seq)
            for record_id, conflict, seq in writes.conflicts:
                self.add_conflict(record_id, conflict, seq)
            self._append_logs(writes.log)
            self.many(OP_SQL, [op_row(op) for op in writes.ops])

    def put_record(self, record: StoredRecord) -> int:
        with self.transaction():
            seq = self.server_seq() + 1
            self._set_seq(seq)
            self.many(REPLACE_SQL, [record_row(record, seq)])
        return seq

    def records_since(self, since: int, limit: int, read: ReadFilter) -> list[StoredRecord]:
        where, params = filter_sql(read, "r")
        sql = f"SELECT r.* FROM records r WHERE r.seq > %s AND {where} ORDER BY r.seq LIMIT %s"
        return [record_of(r) for r in self.q(sql, [since, *params, limit])]

    def wire_since(self, since: int, limit: int, read: ReadFilter) -> list[WireRow]:
        where, params = filter_sql(read, "r")
        sql = (
            f"SELECT {WIRE_COLUMNS} FROM records r WHERE r.seq > %s AND {where} "
            "ORDER BY r.seq LIMIT %s"
        )
        return [WireRow(**r) for r in self.q(sql, [since, *params, limit])]

    def count_records(self) -> int:
        row = self.one("SELECT count(*) AS n FROM records")
        return int(row["n"]) if row else 0

    # conflicts
    def add_conflict(self, record_id: str, conflict: Conflict, seq: int) -> int:
        row = self.one(
            "INSERT INTO conflicts (record_id, field, current_value, current_stamp, "
            "incoming_value, incoming_stamp, seq, resolved) VALUES (%s, %s, %s, %s, %s, %s, %s, 0) "
            "RETURNING id",
            [
                record_id,
                conflict.field,
                canonical(conflict.current_value),
                canonical(list(conflict.current_stamp)),
                canonical(conflict.incoming_value),
                canonical(list(conflict.incoming_stamp)),
                seq,
            ],
        )
        return int(row["id"]) if row else 0

    def list_conflicts(self, read: ReadFilter, include_resolved: bool = False) -> list[ConflictRow]:
        where, params = filter_sql(read, "r")
        if not include_resolved:
            where += " AND c.resolved = 0"
        sql = (
            "SELECT c.* FROM conflicts c JOIN records r ON r.id = c.record_id "
            f"WHERE {where} ORDER BY c.id"
        )
        return [conflict_of(r) for r in self.q(sql, params)]

    def resolve_conflict(self, conflict_id: int) -> bool:
        return self.run("UPDATE conflicts SET resolved = 1 WHERE id = %s", [conflict_id]) > 0

    # change log
    def append_log(self, entry: dict[str, Any]) -> LogEntry:
        return self._append_logs([entry])[0]

    def _append_logs(self, entries: list[dict[str, Any]]) -> list[LogEntry]:
        """Chain the entries onto the last hash, under the counter row's lock (one order)."""
        if not entries:
            return []
        with self.transaction():
            self.server_seq()
            last = self.one("SELECT id, hash FROM changelog ORDER BY id DESC LIMIT 1")
            last_id, prev = (last["id"], last["hash"]) if last else (0, GENESIS)
            rows, out = [], []
            for n, entry in enumerate(entries, start=last_id + 1):
                text = json_text(entry)  # hashed as stored: the chain covers these very bytes
                digest = chained_hash(prev, text)
                rows.append((n, text, prev, digest))
                out.append(LogEntry(n, entry, prev, digest, text))
                prev = digest
            self.many(
                "INSERT INTO changelog (id, entry, prev_hash, hash) VALUES (%s, %s, %s, %s)", rows
            )
        return out

    def log_since(self, after_id: int, limit: int) -> list[LogEntry]:
        rows = self.q(
            "SELECT id, entry, prev_hash, hash FROM changelog WHERE id > %s ORDER BY id LIMIT %s",
            [after_id, limit],
        )
        return [log_entry(r) for r in rows]

    def log_entries(self) -> Iterator[LogEntry]:
        after = 0
        while page := self.log_since(after, 1000):  # bounded memory on a long log
            yield from page
            after = page[-1].id

    # region registry
    def replace_region(self, registry: Registry) -> None:
        with self.transaction():
            self.run("DELETE FROM tps")
            self.run("DELETE FROM areas")
            self.many(
                "INSERT INTO areas (code, name, level, parent) VALUES (%s, %s, %s, %s)",
                [list(a.__dict__.values()) for a in registry.areas],
            )
            self.many(
                "INSERT INTO tps (id, number, desa, desa_name, kecamatan, kecamatan_name) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [list(t.__dict__.values()) for t in registry.tps],
            )

    def has_tps(self, tps_id: str) -> bool:
        return self.one("SELECT 1 AS x FROM tps WHERE id = %s", [tps_id]) is not None

    def known_tps(self, tps_ids: Sequence[str]) -> set[str]:
        rows = self.q("SELECT id FROM tps WHERE id = ANY(%s)", [list(dict.fromkeys(tps_ids))])
        return {r["id"] for r in rows}

    def count_tps(self) -> int:
        row = self.one("SELECT count(*) AS n FROM tps")
        return int(row["n"]) if row else 0

    # housekeeping
    def note_pulled(self, device_id: str, since: int) -> None:
        self.run(
            "UPDATE devices SET pulled_seq = %s WHERE id = %s AND coalesce(pulled_seq, 0) < %s",
            [since, device_id, since],
        )

    def max_hlc(self) -> int:
        row = self.one("SELECT max(((entry::jsonb) ->> 'hlc')::bigint) AS m FROM changelog")
        return int(row["m"] or 0) if row else 0

    def gc_tombstones(self) -> int:
        """Sync-design 6: a tombstone goes once no active device can still need it."""
        with self.transaction():
            row = self.one(
                "SELECT min(coalesce(pulled_seq, 0)) AS m, count(*) AS n FROM devices "
                "WHERE revoked_ms IS NULL"
            )
            horizon = int(row["m"] or 0) if row and row["n"] else self.server_seq()
            return self.run(
                "DELETE FROM records WHERE seq <= %s "
                "AND (fields::jsonb -> 'deleted') = 'true'::jsonb "
                "AND id NOT IN (SELECT record_id FROM conflicts WHERE resolved = 0)",
                [horizon],
            )

    # reconciliation and review; photo blobs
    def recon(self) -> PgReconStore:
        from sync_server.store.pg_recon import PgReconStore

        return PgReconStore(self)

    def blobs(self) -> PgBlobStore:
        from sync_server.store.pg_blobs import PgBlobStore

        return PgBlobStore(self)

    def evidence(self) -> PgEvidenceStore:
        from sync_server.store.pg_evidence import PgEvidenceStore

        return PgEvidenceStore(self)
