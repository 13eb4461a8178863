"""The device store: one SQLite file per device, written through sqlite-utils.

Every save is one transaction that writes the record and, once the record is shared, its
outbox op (sync-design 1). Drafts stay on the device until they are made final. The sync
client reads batches from here and hands back the server's answers; reads for the UI are
"my records", by TPS, by kind and by sync state.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from app.store import server_copy
from app.store.models import Identity, LocalRecord
from app.store.rows import StateRow, decode_stamps, write_meta, write_states
from app.store.schema import migrations
from core.hlc import Clock, Stamp
from core.merge import DELETED, Versioned, merge, write
from core.records import validate_fields


@dataclass
class Store:
    db: Database
    clock: Clock
    now_ms: Callable[[], int] = field(default=lambda: int(time.time() * 1000))
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- meta -----------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._lock, self.db.atomic():
            self.db.table("meta").upsert({"key": key, "value": value}, pk="key")

    @property
    def device_id(self) -> str:
        return self.meta("device_id") or ""

    def identity(self) -> Identity | None:
        raw = self.meta("identity")
        if not raw:
            return None
        data = json.loads(raw)
        data["scope"] = tuple(data.get("scope", ()))
        return Identity(**data)

    def set_identity(self, identity: Identity) -> None:
        """Enrol: the server's device id becomes this device's id for every later stamp."""
        with self._lock, self.db.atomic():
            if self.db.table("outbox").count and self.device_id != identity.device_id:
                raise RuntimeError("outbox not empty: cannot change device id")
            data = {**identity.__dict__, "scope": list(identity.scope)}
            self.db.table("meta").upsert_all(
                [
                    {"key": "identity", "value": json.dumps(data)},
                    {"key": "device_id", "value": identity.device_id},
                ],
                pk="key",
            )

    def forget_identity(self) -> bool:
        """Sign out: the token is dropped, the records stay. Refused (False) while ops wait,
        since a new enrolment gets a new device id and those ops would be stranded."""
        with self._lock, self.db.atomic():
            if self.db.table("outbox").count:
                return False
            self.db.execute("delete from meta where key = 'identity'")
        return True

    # -- writes ---------------------------------------------------------------------------
    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def save_draft(
        self, record_id: str, kind: str, tps: str, fields: Mapping[str, Any]
    ) -> LocalRecord:
        """Keep typed values on the device only; a shared record is saved as a change instead."""
        current = self.record(record_id)
        if current is not None and current.sync_state != "draft":
            return self.save(record_id, kind, tps, fields)
        return self._write(record_id, kind, tps, dict(fields), share=False)

    def save(self, record_id: str, kind: str, tps: str, fields: Mapping[str, Any]) -> LocalRecord:
        """Record a change and queue it for the server, in one transaction."""
        return self._write(record_id, kind, tps, dict(fields), share=True)

    def delete(self, record_id: str) -> LocalRecord:
        rec = self._require(record_id)
        return self.save(record_id, rec.kind, rec.tps, {"deleted": True})

    def _write(
        self, record_id: str, kind: str, tps: str, fields: dict[str, Any], *, share: bool
    ) -> LocalRecord:
        validate_fields(kind, fields)
        with self._lock, self.db.atomic():
            current = self.record(record_id)
            if current is not None and (current.kind != kind or current.tps != tps):
                raise ValueError(f"record {record_id} is a {current.kind} of {current.tps}")
            versioned = current.versioned if current else Versioned()
            if share and current is not None and current.sync_state == "draft":
                fields = {**current.fields, **fields}  # first share sends the whole draft
            stamp: Stamp = (self.clock.now(), self.device_id)
            sent = fields
            if share:
                base = _base(versioned, fields)
                self._keep_server_copy(record_id, current)
                sent = self._enqueue(record_id, kind, tps, fields, stamp[0], base)
            # a folded op stamps all its fields anew on the server: so does the phone
            merged = merge(versioned, write(sent, stamp))
            was_shared = current is not None and current.sync_state != "draft"
            author = current.author if current else self._user_id()
            self.put_state(record_id, kind, tps, author, merged, shared=share or was_shared)
            write_meta(self.db.conn, {"hlc": str(self.clock.last)})
        return self._require(record_id)

    def _keep_server_copy(self, record_id: str, current: LocalRecord | None) -> None:
        """Before the first queued change of a record, note what the server holds of it (what
        a refusal puts back): the record as it is, unless it is a draft never sent."""
        queued = self.db.execute("select 1 from outbox where record_id = ?", [record_id])
        if queued.fetchone() is not None:
            return
        if current is not None and current.sync_state != "draft":
            server_copy.save(self.db, record_id, current.versioned)
        elif current is None:
            server_copy.save(self.db, record_id, Versioned())

    def _user_id(self) -> str:
        ident = self.identity()
        return ident.user_id if ident else ""

    def put_state(
        self, record_id: str, kind: str, tps: str, author: str, state: Versioned, *, shared: bool
    ) -> None:
        self.put_states([StateRow.of(record_id, kind, tps, author, state)], shared=shared)

    def put_states(self, rows: Sequence[StateRow], *, shared: bool) -> None:
        """Write merged states with one statement (a pulled page: one `executemany`)."""
        write_states(self.db.conn, rows, shared=shared, now_ms=self.now_ms())

    def _enqueue(
        self,
        record_id: str,
        kind: str,
        tps: str,
        fields: dict[str, Any],
        hlc: int,
        base: Mapping[str, Stamp | None],
    ) -> dict[str, Any]:
        """Queue a change; returns every field the op now carries (folded ones included)."""
        last = self.db.execute(
            "select seq, fields, base from outbox where record_id = ? and state = 'pending' "
            "and attempted = 0 order by seq desc limit 1",
            [record_id],
        ).fetchone()
        if last is not None:  # never sent: fold this change into it, keeping its first base
            folded = {**json.loads(last[1]), **fields}
            merged_base = {**_base_json(base), **json.loads(last[2])}
            self.db.table("outbox").update(
                last[0], {"fields": json.dumps(folded), "hlc": hlc, "base": json.dumps(merged_base)}
            )
            return folded
        seq = int(self.meta("next_seq", "1") or "1")
        self.db.execute(
            "insert into outbox (seq, op_id, record_id, kind, tps, fields, hlc, base, attempted,"
            " state) values (?, ?, ?, ?, ?, ?, ?, ?, 0, 'pending')",
            [
                seq,
                op_id(self.device_id, self.epoch, seq),
                record_id,
                kind,
                tps,
                json.dumps(fields),
                hlc,
                json.dumps(_base_json(base)),
            ],
        )
        write_meta(self.db.conn, {"next_seq": str(seq + 1)})
        return fields

    @property
    def epoch(self) -> int:
        """The seq namespace this device's ops are numbered in (sync-design, device identity)."""
        return int(self.meta("epoch", "0") or "0")

    # -- reads ----------------------------------------------------------------------------
    def _require(self, record_id: str) -> LocalRecord:
        rec = self.record(record_id)
        if rec is None:
            raise KeyError(record_id)
        return rec

    def record(self, record_id: str) -> LocalRecord | None:
        found = self._select("r.id = ?", [record_id])
        return found[0] if found else None

    def records(
        self,
        *,
        kind: str | None = None,
        tps: str | None = None,
        mine: bool = False,
        sync_state: str | None = None,
        include_deleted: bool = False,
    ) -> list[LocalRecord]:
        where, args = ["1 = 1"], []
        if kind:
            where.append("r.kind = ?")
            args.append(kind)
        if tps:
            where.append("r.tps = ?")
            args.append(tps)
        if mine:
            where.append("r.author = ?")
            args.append(self._user_id())
        if not include_deleted:
            where.append("r.deleted = 0")
        found = self._select(" and ".join(where), args)
        if sync_state:
            found = [r for r in found if r.sync_state == sync_state]
        return found

    def _select(self, where: str, args: list[Any]) -> list[LocalRecord]:
        sql = f"""
            select r.*,
              (select count(*) from refusals f where f.record_id = r.id),
              (select count(*) from outbox o where o.record_id = r.id and o.state = 'pending'),
              (select reason from refusals f where f.record_id = r.id order by id desc limit 1),
              (select reason_en from refusals f where f.record_id = r.id
                 order by id desc limit 1),
              (select count(*) from conflicts c where c.record_id = r.id and c.seen = 0)
            from records r where {where} order by r.updated_ms desc, r.id
        """
        with self._lock:
            rows = self.db.execute(sql, args).fetchall()
        out = []
        for row in rows:
            (rid, kind, tps, author, fields, stamps, _status, shared, _deleted, updated) = row[:10]
            failed, pending, reason, reason_en, conflicts = row[10:]
            state = "failed" if failed else "pending" if pending else "sent" if shared else "draft"
            decoded = json.loads(fields)
            out.append(
                LocalRecord(
                    rid,
                    kind,
                    tps,
                    author,
                    decoded,
                    decode_stamps(decoded, stamps),
                    updated,
                    state,
                    reason,
                    reason_en,
                    conflicts,
                )
            )
        return out

    def counts(self) -> dict[str, int]:
        """Ops waiting to be sent and ops the server refused, for the status strip."""
        pending = self.db.execute("select count(*) from outbox").fetchone()[0]
        failed = self.db.execute("select count(*) from refusals").fetchone()[0]
        return {"pending": int(pending), "failed": int(failed)}

    def pending_records(self) -> int:
        row = self.db.execute(
            "select count(distinct record_id) from outbox where state = 'pending'"
        ).fetchone()
        return int(row[0])

    def conflicts(self, limit: int = 50) -> list[dict[str, Any]]:
        """The conflicts the server reported on records here, newest first (values decoded)."""
        with self._lock:
            rows = list(self.db.query(f"select * from conflicts order by id desc limit {limit:d}"))
        for row in rows:
            for key in ("current_value", "incoming_value"):
                row[key] = json.loads(row[key]) if row[key] is not None else None
        return rows

    def retry(self, record_id: str) -> LocalRecord:
        """Send the refused values of a record again (e.g. after its scope was fixed)."""
        rec = self._require(record_id)
        with self._lock, self.db.atomic():
            refused = self.refused(record_id)
            self.db.execute("delete from refusals where record_id = ?", [record_id])
        return self.save(record_id, rec.kind, rec.tps, refused) if refused else rec

    def refused(self, record_id: str) -> dict[str, Any]:
        """The values the server refused for this record, newest last: the user is told."""
        rows = self.db.execute(
            "select fields from refusals where record_id = ? order by id", [record_id]
        ).fetchall()
        return {k: v for (fields,) in rows for k, v in json.loads(fields).items()}

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[Database]:
        """One transaction under the store's lock. `durable=False` commits without the fsync
        (synchronous=NORMAL for this commit only): for what the server still holds, such as
        a pulled page and its cursor. WAL keeps it atomic; power loss can only roll it back
        whole, and the next pull fetches it again. The person's own saves stay FULL."""
        with self._lock:
            relax = not durable and not self.db.conn.in_transaction
            if relax:
                self.db.execute("pragma synchronous = normal")
            try:
                with self.db.atomic() as db:
                    yield db
            finally:
                if relax:
                    self.db.execute("pragma synchronous = full")


def owner_only(path: str | Path) -> None:
    """Create the file readable by its owner only (SQLite gives its -wal and -shm files the
    same mode), or tighten one made before."""
    if str(path) == ":memory:":
        return
    # Never open (and close) a descriptor on an existing database: closing any descriptor of a
    # file drops every POSIX lock this process holds on it, so another connection's lock would
    # vanish and SQLite could corrupt the file. A new file is created empty, with its mode.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(path, 0o600)


def op_id(device_id: str, epoch: int, seq: int) -> str:
    """`device:seq` in epoch 0, `device:epoch:seq` after: one id names one op for ever."""
    return f"{device_id}:{seq}" if epoch == 0 else f"{device_id}:{epoch}:{seq}"


def _base(versioned: Versioned, fields: Mapping[str, Any]) -> dict[str, Stamp | None]:
    """The stamps this write saw: of its fields, of every field for a delete, and of the
    delete itself, so editing a record deleted here is no conflict with that delete."""
    names = set(fields) | ({DELETED} & set(versioned.stamps))
    if fields.get(DELETED):
        names |= set(versioned.stamps)
    return {name: versioned.stamps.get(name) for name in names}


def _base_json(base: Mapping[str, Stamp | None]) -> dict[str, list[Any] | None]:
    return {k: list(v) if v else None for k, v in base.items()}


def open_store(path: str | Path, *, now_ms: Callable[[], int] | None = None) -> Store:
    """Open (or create) the device database and bring its schema up to date."""
    owner_only(path)  # it holds the device token
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = Database(conn)
    db.execute("pragma journal_mode = wal")
    # FULL: each save fsyncs the WAL, so it survives the battery dying, not only an app crash
    # (NORMAL would lose the last saves on power loss); README "Sync", bench/save_latency.py
    db.execute("pragma synchronous = full")
    db.execute("pragma busy_timeout = 5000")
    migrations.apply(db)
    wall = now_ms or (lambda: int(time.time() * 1000))
    store = Store(db, Clock(wall), wall)
    store.clock.observe(int(store.meta("hlc", "0") or "0"))
    if not store.device_id:
        store.set_meta("device_id", "local-" + uuid.uuid4().hex[:12])
    return store
