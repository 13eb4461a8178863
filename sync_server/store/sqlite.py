"""The SQLite backend (sqlite-utils, WAL): one connection per request or per CLI command."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from core.merge import Conflict
from core.registry import Registry
from sync_server.store import sql
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
from sync_server.store.sqlite_rows import (
    WIRE_COLUMNS,
    chunks,
    filter_sql,
    json_text,
    packed_text,
    record_of,
    stamp,
)
from sync_server.store.sqlite_schema import migrations
from sync_server.sync.chain import GENESIS, canonical, chained_hash

if TYPE_CHECKING:
    from sync_server.store.blob_sqlite import SqliteBlobStore
    from sync_server.store.evidence_sqlite import SqliteEvidenceStore
    from sync_server.store.reconcile_sqlite import SqliteReconStore

BUSY_TIMEOUT_MS = 10_000
_LOCKS: dict[tuple[str, str], threading.Lock] = {}  # SqliteStore.exclusive
_LOCKS_GUARD = threading.Lock()
_OPS_INSERT = (  # the columns of OpRow, in its order
    "INSERT INTO ops (device_id, op_id, seq, record_id, status, code, reason, reason_en, "
    "content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _record_row(record: StoredRecord, seq: int | None = None) -> tuple[Any, ...]:
    return (
        record.id, record.kind, record.tps, record.author, record.author_role,
        record.author_party, json_text(record.fields), json_text(record.stamps),
        packed_text(record), record.seq if seq is None else seq,
    )  # fmt: skip


def _owner_only(path: Path | str) -> None:
    """Mode 0600 (SQLite gives its -wal and -shm files the same mode)."""
    if str(path) == ":memory:":
        return
    # Never open (and close) a descriptor on an existing database: closing any descriptor of a
    # file drops every POSIX lock this process holds on it, so another connection's lock would
    # vanish and SQLite could corrupt the file. A new file is created empty, with its mode.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(path, 0o600)


class SqliteStore:
    """`Store` on one SQLite file; open one per thread of work and close it after."""

    def __init__(self, path: Path | str, busy_timeout_ms: int | None = None) -> None:
        # isolation_level=None: no implicit transactions; `transaction()` says where they are.
        # check_same_thread=False: FastAPI may open it in one pool thread and use it in another.
        _owner_only(path)  # token and code hashes, every record: nobody else reads the file
        busy = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        conn = sqlite3.connect(
            str(path),
            timeout=busy / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy)}")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed push survives power loss, not only a killed process.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        self.db = Database(conn)
        self.path = str(Path(path).resolve())

    def _t(self, name: str) -> Table:
        return self.db.table(name)

    def migrate(self) -> None:
        migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):  # another writer held the lock past the busy timeout
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreBusy(str(exc)) from exc
            raise

    @contextmanager
    def exclusive(self, name: str, *, wait: bool = True) -> Iterator[bool]:
        """A SQLite file is served by one process: a lock per (file, name) in this process."""
        with _LOCKS_GUARD:
            lock = _LOCKS.setdefault((self.path, name), threading.Lock())
        if not lock.acquire(blocking=wait):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    # users, devices, enrolment codes
    def add_user(self, user: User) -> None:
        row = {**user.__dict__, "scope": json.dumps(list(user.scope))}
        self._t("users").insert(row)

    def _user(self, row: dict[str, Any]) -> User:
        return User(
            row["id"], row["name"], row["role"], row["party"], tuple(json.loads(row["scope"]))
        )

    def get_user(self, user_id: str) -> User | None:
        rows = list(self._t("users").rows_where("id = ?", [user_id]))
        return self._user(rows[0]) if rows else None

    def list_users(self) -> list[User]:
        return [self._user(r) for r in self._t("users").rows_where(order_by="id")]

    def add_device(self, device: Device, token_hash: str) -> None:
        self._t("devices").insert({**device.__dict__, "token_hash": token_hash})

    def _device(self, where: str, params: list[Any]) -> Device | None:
        cols = "id, user_id, name, created_ms, revoked_ms"
        rows = list(self._t("devices").rows_where(where, params, select=cols))
        return Device(**rows[0]) if rows else None

    def get_device(self, device_id: str) -> Device | None:
        return self._device("id = ?", [device_id])

    def device_by_token(self, token_hash: str) -> Device | None:
        return self._device("token_hash = ?", [token_hash])

    def revoke_device(self, device_id: str, at_ms: int) -> bool:
        cur = self.db.execute(
            "UPDATE devices SET revoked_ms = coalesce(revoked_ms, ?) WHERE id = ?",
            [at_ms, device_id],
        )
        return cur.rowcount > 0

    def list_devices(self) -> list[Device]:
        cols = "id, user_id, name, created_ms, revoked_ms"
        return [Device(**r) for r in self._t("devices").rows_where(select=cols, order_by="id")]

    def add_enrol_code(self, code: EnrolCode) -> None:
        self._t("enrol_codes").insert(code.__dict__)

    def get_enrol_code(self, code_hash: str) -> EnrolCode | None:
        cols = "code_hash, user_id, expires_ms, used_ms"
        rows = list(self._t("enrol_codes").rows_where("code_hash = ?", [code_hash], select=cols))
        return EnrolCode(**rows[0]) if rows else None

    def use_enrol_code(self, code_hash: str, at_ms: int, device_id: str) -> bool:
        cur = self.db.execute(
            "UPDATE enrol_codes SET used_ms = ?, device_id = ? "
            "WHERE code_hash = ? AND used_ms IS NULL",
            [at_ms, device_id, code_hash],
        )
        return cur.rowcount == 1

    def add_code_failure(self, selector: str, at_ms: int, forget_before_ms: int) -> None:
        self.db.execute("DELETE FROM enrol_failures WHERE at_ms < ?", [forget_before_ms])
        self.db.execute("INSERT INTO enrol_failures (selector, at_ms) VALUES (?, ?)",
                        [selector, at_ms])  # fmt: skip

    def code_failures(self, selector: str, since_ms: int) -> int:
        sql_ = "SELECT count(*) FROM enrol_failures WHERE selector = ? AND at_ms >= ?"
        return int(self.db.execute(sql_, [selector, since_ms]).fetchone()[0])

    # ops answered per device
    def get_op(self, device_id: str, op_id: str) -> OpRow | None:
        row = sql.one(self.db, "SELECT * FROM ops WHERE device_id = ? AND op_id = ?",
                      [device_id, op_id])  # fmt: skip
        return OpRow(**row) if row else None

    def get_ops(self, device_id: str, op_ids: Sequence[str]) -> dict[str, OpRow]:
        found: dict[str, OpRow] = {}
        for part in chunks(op_ids):
            marks = ", ".join("?" for _ in part)
            cur = self.db.execute(
                f"SELECT * FROM ops WHERE device_id = ? AND op_id IN ({marks})", [device_id, *part]
            )
            names = [d[0] for d in cur.description]
            for row in cur:
                op = OpRow(**dict(zip(names, row, strict=True)))
                found[op.op_id] = op
        return found

    def add_op(self, op: OpRow) -> None:
        sql.insert(self.db, "ops", op.__dict__)

    def acked_seq(self, device_id: str) -> int:
        row = sql.one(self.db, "SELECT acked_seq FROM device_acks WHERE device_id = ?", [device_id])
        return int(row["acked_seq"]) if row else 0

    def advance_acked_seq(self, device_id: str) -> int:
        acked = self.acked_seq(device_id)
        held = self.db.execute(
            "SELECT DISTINCT seq FROM ops WHERE device_id = ? AND seq > ? ORDER BY seq",
            [device_id, acked],
        )
        for (seq,) in held:
            if seq != acked + 1:
                break
            acked = seq
        sql.upsert(
            self.db, "device_acks", {"device_id": device_id, "acked_seq": acked}, "device_id"
        )
        return acked

    def held_seq(self, namespace: str) -> int:
        row = sql.one(self.db, "SELECT max(seq) AS top FROM ops WHERE device_id = ?", [namespace])
        return int(row["top"] or 0) if row else 0

    def device_epoch(self, device_id: str) -> int:
        row = sql.one(self.db, "SELECT epoch FROM device_epochs WHERE device_id = ?", [device_id])
        return int(row["epoch"]) if row else 0

    def new_epoch(self, device_id: str) -> int:
        with self.transaction():
            epoch = self.device_epoch(device_id) + 1
            sql.upsert(self.db, "device_epochs", {"device_id": device_id, "epoch": epoch},
                       "device_id")  # fmt: skip
        return epoch

    # records
    def get_record(self, record_id: str) -> StoredRecord | None:
        row = sql.one(self.db, "SELECT * FROM records WHERE id = ?", [record_id])
        return record_of(row) if row else None

    def get_records(self, record_ids: Sequence[str]) -> dict[str, StoredRecord]:
        found: dict[str, StoredRecord] = {}
        for part in chunks(record_ids):
            marks = ", ".join("?" for _ in part)
            cur = self.db.execute(f"SELECT * FROM records WHERE id IN ({marks})", list(part))
            names = [d[0] for d in cur.description]
            for row in cur:
                record = record_of(dict(zip(names, row, strict=True)))
                found[record.id] = record
        return found

    def save_push(self, writes: PushWrites) -> None:
        with self.transaction():
            self.db.conn.executemany(
                "INSERT INTO records (id, kind, tps, author, author_role, author_party, fields, "
                "stamps, packed, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO "
                "UPDATE SET fields = excluded.fields, stamps = excluded.stamps, "
                "packed = excluded.packed, seq = excluded.seq",
                [_record_row(r) for r in writes.records],
            )
            if writes.records:
                sql.upsert(
                    self.db, "meta", {"key": "server_seq", "value": writes.server_seq}, "key"
                )
            for record_id, conflict, seq in writes.conflicts:
                self.add_conflict(record_id, conflict, seq)
            self._append_logs(writes.log)
            self.db.conn.executemany(
                _OPS_INSERT, [tuple(op.__dict__.values()) for op in writes.ops]
            )

    def server_seq(self) -> int:
        row = sql.one(self.db, "SELECT value FROM meta WHERE key = 'server_seq'")
        return int(row["value"]) if row else 0

    def put_record(self, record: StoredRecord) -> int:
        with self.transaction():
            seq = self.server_seq() + 1
            sql.upsert(self.db, "meta", {"key": "server_seq", "value": seq}, "key")
            self.db.execute(
                "INSERT OR REPLACE INTO records (id, kind, tps, author, author_role, "
                "author_party, fields, stamps, packed, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _record_row(record, seq),
            )
        return seq

    def records_since(self, since: int, limit: int, read: ReadFilter) -> list[StoredRecord]:
        where, params = filter_sql(read, "r")
        sql = f"SELECT r.* FROM records r WHERE r.seq > ? AND {where} ORDER BY r.seq LIMIT ?"
        cur = self.db.execute(sql, [since, *params, limit])
        names = [d[0] for d in cur.description]
        return [record_of(dict(zip(names, row, strict=True))) for row in cur]

    def wire_since(self, since: int, limit: int, read: ReadFilter) -> list[WireRow]:
        where, params = filter_sql(read, "r")
        sql = (
            f"SELECT {WIRE_COLUMNS} FROM records r WHERE r.seq > ? AND {where} "
            "ORDER BY r.seq LIMIT ?"
        )
        return [WireRow(*row) for row in self.db.execute(sql, [since, *params, limit])]

    def count_records(self) -> int:
        return self._t("records").count

    # conflicts
    def add_conflict(self, record_id: str, conflict: Conflict, seq: int) -> int:
        row = {
            "record_id": record_id,
            "field": conflict.field,
            "current_value": canonical(conflict.current_value),
            "current_stamp": canonical(list(conflict.current_stamp)),
            "incoming_value": canonical(conflict.incoming_value),
            "incoming_stamp": canonical(list(conflict.incoming_stamp)),
            "seq": seq,
            "resolved": 0,
        }
        return int(self._t("conflicts").insert(row).last_pk or 0)

    def list_conflicts(self, read: ReadFilter, include_resolved: bool = False) -> list[ConflictRow]:
        where, params = filter_sql(read, "r")
        if not include_resolved:
            where += " AND c.resolved = 0"
        sql = (
            "SELECT c.* FROM conflicts c JOIN records r ON r.id = c.record_id "
            f"WHERE {where} ORDER BY c.id"
        )
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [_conflict(dict(zip(names, row, strict=True))) for row in cur]

    def resolve_conflict(self, conflict_id: int) -> bool:
        cur = self.db.execute("UPDATE conflicts SET resolved = 1 WHERE id = ?", [conflict_id])
        return cur.rowcount > 0

    # change log
    def append_log(self, entry: dict[str, Any]) -> LogEntry:
        return self._append_logs([entry])[0]

    def _append_logs(self, entries: list[dict[str, Any]]) -> list[LogEntry]:
        """Chain the entries onto the last hash and insert them with one statement."""
        if not entries:
            return []
        with self.transaction():
            last = self.db.execute("SELECT id, hash FROM changelog ORDER BY id DESC LIMIT 1")
            last_id, prev = next(iter(last), (0, GENESIS))
            rows, out = [], []
            for n, entry in enumerate(entries, start=last_id + 1):
                text = json_text(entry)  # hashed as stored: the chain covers these very bytes
                digest = chained_hash(prev, text)
                rows.append((n, text, prev, digest))
                out.append(LogEntry(n, entry, prev, digest, text))
                prev = digest
            self.db.conn.executemany(
                "INSERT INTO changelog (id, entry, prev_hash, hash) VALUES (?, ?, ?, ?)", rows
            )
        return out

    def log_since(self, after_id: int, limit: int) -> list[LogEntry]:
        cur = self.db.execute(
            "SELECT id, entry, prev_hash, hash FROM changelog WHERE id > ? ORDER BY id LIMIT ?",
            [after_id, limit],
        )
        return [LogEntry(i, json.loads(e), p, h, e) for i, e, p, h in cur]

    def log_entries(self) -> Iterator[LogEntry]:
        for row in self._t("changelog").rows_where(order_by="id"):
            text = row["entry"]
            yield LogEntry(row["id"], json.loads(text), row["prev_hash"], row["hash"], text)

    # region registry
    def replace_region(self, registry: Registry) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM tps")
            self.db.execute("DELETE FROM areas")
            self._t("areas").insert_all(a.__dict__ for a in registry.areas)
            self._t("tps").insert_all(t.__dict__ for t in registry.tps)

    def has_tps(self, tps_id: str) -> bool:
        return sql.one(self.db, "SELECT 1 AS x FROM tps WHERE id = ?", [tps_id]) is not None

    def known_tps(self, tps_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(tps_ids):
            marks = ", ".join("?" for _ in part)
            cur = self.db.execute(f"SELECT id FROM tps WHERE id IN ({marks})", list(part))
            found.update(row[0] for row in cur)
        return found

    def count_tps(self) -> int:
        return self._t("tps").count

    # housekeeping
    def note_pulled(self, device_id: str, since: int) -> None:
        self.db.execute(
            "UPDATE devices SET pulled_seq = ? WHERE id = ? AND coalesce(pulled_seq, 0) < ?",
            [since, device_id, since],
        )

    def max_hlc(self) -> int:
        row = sql.one(self.db, "SELECT max(json_extract(entry, '$.hlc')) AS m FROM changelog")
        return int(row["m"] or 0) if row else 0

    def gc_tombstones(self) -> int:
        """Sync-design 6: a tombstone goes once no active device can still need it."""
        with self.transaction():
            row = sql.one(
                self.db,
                "SELECT min(coalesce(pulled_seq, 0)) AS m, count(*) AS n FROM devices "
                "WHERE revoked_ms IS NULL",
            )
            horizon = int(row["m"] or 0) if row and row["n"] else self.server_seq()
            cur = self.db.execute(
                "DELETE FROM records WHERE seq <= ? "
                "AND json_extract(fields, '$.deleted') = 1 "
                "AND id NOT IN (SELECT record_id FROM conflicts WHERE resolved = 0)",
                [horizon],
            )
        return cur.rowcount

    # reconciliation and review
    def recon(self) -> SqliteReconStore:
        from sync_server.store.reconcile_sqlite import SqliteReconStore

        return SqliteReconStore(self.db)

    # photo blobs
    def blobs(self) -> SqliteBlobStore:
        from sync_server.store.blob_sqlite import SqliteBlobStore

        return SqliteBlobStore(self.db)

    # device keys, signed batches, checkpoints
    def evidence(self) -> SqliteEvidenceStore:
        from sync_server.store.evidence_sqlite import SqliteEvidenceStore

        return SqliteEvidenceStore(self.db)


def _conflict(row: dict[str, Any]) -> ConflictRow:
    conflict = Conflict(
        row["field"],
        json.loads(row["current_value"]),
        stamp(json.loads(row["current_stamp"])),
        json.loads(row["incoming_value"]),
        stamp(json.loads(row["incoming_stamp"])),
    )
    return ConflictRow(row["id"], row["record_id"], conflict, row["seq"], bool(row["resolved"]))
