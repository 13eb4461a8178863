"""`EvidenceStore` on the connection of a `PgStore` (tables from pg_schema m007); the twin of
evidence_sqlite.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from core.protocol import Checkpoint
from sync_server.store.evidence_base import DeviceKey
from sync_server.store.models import LogEntry, StoredRecord
from sync_server.store.sqlite_rows import served_record
from sync_server.sync.chain import GENESIS

if TYPE_CHECKING:
    from sync_server.store.pg import PgStore

_CP = "SELECT log_id, hash, time_ms, server_key, signature FROM checkpoints"


class PgEvidenceStore:
    def __init__(self, store: PgStore) -> None:
        self.s = store

    def add_key(self, key: DeviceKey) -> None:
        self.s.run(
            "INSERT INTO device_keys (device_id, key_id, public_key, from_ms, until_ms) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (device_id, key_id) DO UPDATE SET "
            "public_key = excluded.public_key, from_ms = excluded.from_ms, "
            "until_ms = excluded.until_ms",
            [key.device_id, key.key_id, key.public_key, key.from_ms, key.until_ms],
        )

    def keys(self, device_id: str) -> list[DeviceKey]:
        rows = self.s.q(
            "SELECT device_id, key_id, public_key, from_ms, until_ms FROM device_keys "
            "WHERE device_id = %s ORDER BY from_ms, added",
            [device_id],
        )
        return [DeviceKey(**r) for r in rows]

    def retire_key(self, device_id: str, key_id: str, at_ms: int) -> None:
        self.s.run(
            "UPDATE device_keys SET until_ms = %s WHERE device_id = %s AND key_id = %s "
            "AND until_ms IS NULL",
            [at_ms, device_id, key_id],
        )

    def add_checkpoint(self, cp: Checkpoint) -> None:
        self.s.run(
            "INSERT INTO checkpoints (log_id, hash, time_ms, server_key, signature) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (log_id) DO UPDATE SET hash = excluded.hash, "
            "time_ms = excluded.time_ms, server_key = excluded.server_key, "
            "signature = excluded.signature",
            [cp.log_id, cp.hash, cp.time_ms, cp.server_key, cp.signature],
        )

    def latest_checkpoint(self) -> Checkpoint | None:
        row = self.s.one(f"{_CP} ORDER BY log_id DESC LIMIT 1", [])
        return Checkpoint(**row) if row else None

    def checkpoints(self) -> list[Checkpoint]:
        return [Checkpoint(**r) for r in self.s.q(f"{_CP} ORDER BY log_id", [])]

    def head(self) -> tuple[int, str]:
        row = self.s.one("SELECT id, hash FROM changelog ORDER BY id DESC LIMIT 1", [])
        return (int(row["id"]), str(row["hash"])) if row else (0, GENESIS)

    def batch_entry(self, device_id: str, batch: int, before_id: int) -> LogEntry | None:
        r = self.s.one(
            "SELECT * FROM changelog WHERE (entry::jsonb) ->> 'batch_of' = %s AND id < %s "
            "ORDER BY id DESC LIMIT 1",
            [f"{device_id}/{batch}", before_id],
        )
        if r is None:
            return None
        return LogEntry(r["id"], json.loads(r["entry"]), r["prev_hash"], r["hash"], r["entry"])

    def unsigned_until(self) -> int:
        row = self.s.one("SELECT value FROM meta WHERE key = 'unsigned_until_log'", [])
        return int(row["value"] or 0) if row else 0

    def all_records(self) -> Iterator[StoredRecord]:
        for row in self.s.q("SELECT * FROM records ORDER BY seq", []):
            yield served_record(row)
