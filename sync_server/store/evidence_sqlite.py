"""`EvidenceStore` on the SQLite connection of a `SqliteStore` (tables from m009_signatures)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from core.protocol import Checkpoint
from sync_server.store.evidence_base import DeviceKey
from sync_server.store.models import LogEntry, StoredRecord
from sync_server.store.sqlite_rows import served_record
from sync_server.sync.chain import GENESIS

_CP = "SELECT log_id, hash, time_ms, server_key, signature FROM checkpoints"


class SqliteEvidenceStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def add_key(self, key: DeviceKey) -> None:
        self.db.table("device_keys").insert(key.__dict__, replace=True)

    def keys(self, device_id: str) -> list[DeviceKey]:
        rows = self._rows(
            "SELECT * FROM device_keys WHERE device_id = ? ORDER BY from_ms, rowid", [device_id]
        )
        return [DeviceKey(**r) for r in rows]

    def retire_key(self, device_id: str, key_id: str, at_ms: int) -> None:
        self.db.execute(
            "UPDATE device_keys SET until_ms = ? WHERE device_id = ? AND key_id = ? "
            "AND until_ms IS NULL",
            [at_ms, device_id, key_id],
        )

    def add_checkpoint(self, cp: Checkpoint) -> None:
        row = cp.model_dump(include={"log_id", "hash", "time_ms", "server_key", "signature"})
        self.db.table("checkpoints").insert(row, replace=True)

    def latest_checkpoint(self) -> Checkpoint | None:
        rows = self._rows(f"{_CP} ORDER BY log_id DESC LIMIT 1")
        return Checkpoint(**rows[0]) if rows else None

    def checkpoints(self) -> list[Checkpoint]:
        return [Checkpoint(**r) for r in self._rows(f"{_CP} ORDER BY log_id")]

    def head(self) -> tuple[int, str]:
        rows = self._rows("SELECT id, hash FROM changelog ORDER BY id DESC LIMIT 1")
        return (int(rows[0]["id"]), str(rows[0]["hash"])) if rows else (0, GENESIS)

    def batch_entry(self, device_id: str, batch: int, before_id: int) -> LogEntry | None:
        rows = self._rows(
            "SELECT * FROM changelog WHERE json_extract(entry, '$.batch_of') = ? AND id < ? "
            "ORDER BY id DESC LIMIT 1",
            [f"{device_id}/{batch}", before_id],
        )
        if not rows:
            return None
        r = rows[0]
        return LogEntry(r["id"], json.loads(r["entry"]), r["prev_hash"], r["hash"], r["entry"])

    def unsigned_until(self) -> int:
        rows = self._rows("SELECT value FROM meta WHERE key = 'unsigned_until_log'")
        return int(rows[0]["value"] or 0) if rows else 0

    def all_records(self) -> Iterator[StoredRecord]:
        for row in self.db.table("records").rows_where(order_by="seq"):
            yield served_record(row)
