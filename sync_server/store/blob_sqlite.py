"""`BlobStore` on the SQLite connection of a `SqliteStore` (tables from migration m006_blobs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from sync_server.store.blob_base import BlobRow, Cites, PhotoCite, PhotoReuse
from sync_server.store.models import ReadFilter
from sync_server.store.sqlite_rows import filter_sql

# Every (key, cite): a cite is keyed by its own hash and, when known, by its original's hash.
_BY_SHA = "SELECT c.sha256 AS key, 'sha256' AS via, c.* FROM blob_refs c"
_BY_ORIGINAL = (
    "SELECT b.original_sha256 AS key, 'original' AS via, c.* "
    "FROM blobs b JOIN blob_refs c ON c.sha256 = b.sha256 "
    "WHERE b.original_sha256 IS NOT NULL AND b.original_sha256 != c.sha256 AND b.complete = 1"
)  # only an uploader who sent the bytes says which original they came from


class SqliteBlobStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def get_upload(self, sha256: str, device_id: str) -> BlobRow | None:
        sql = "SELECT * FROM blobs WHERE sha256 = ? AND device_id = ?"
        rows = self._rows(sql, [sha256, device_id])
        return _blob(rows[0]) if rows else None

    def uploads(self, sha256: str) -> list[BlobRow]:
        sql = "SELECT * FROM blobs WHERE sha256 = ? ORDER BY created_ms, device_id"
        return [_blob(r) for r in self._rows(sql, [sha256])]

    def put_blob(self, blob: BlobRow) -> None:
        row = {**blob.__dict__, "complete": int(blob.complete)}
        self.db.table("blobs").upsert(row, pk=("sha256", "device_id"))

    def delete_upload(self, sha256: str, device_id: str) -> None:
        self.db.execute("DELETE FROM blobs WHERE sha256 = ? AND device_id = ?", [sha256, device_id])

    def stale_uploads(self, before_ms: int, limit: int = 1000) -> list[BlobRow]:
        sql = (
            "SELECT * FROM blobs WHERE complete = 0 AND updated_ms < ? ORDER BY updated_ms LIMIT ?"
        )
        return [_blob(r) for r in self._rows(sql, [before_ms, limit])]

    def set_refs(self, record_id: str, kind: str, tps: str, hashes: Sequence[str]) -> None:
        self.set_refs_many([Cites(record_id, kind, tps, tuple(hashes))])

    def set_refs_many(self, cites: Sequence[Cites]) -> None:
        ids = [c.record_id for c in cites if not c.new]
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ", ".join("?" for _ in part)
            self.db.execute(f"DELETE FROM blob_refs WHERE record_id IN ({marks})", part)
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO blob_refs (sha256, record_id, kind, tps) VALUES (?, ?, ?, ?)",
            [(h, c.record_id, c.kind, c.tps) for c in cites for h in c.hashes],
        )

    def readable(self, sha256: str, read: ReadFilter) -> bool:
        where, params = filter_sql(read, "r")
        sql = (
            "SELECT 1 FROM blob_refs c JOIN records r ON r.id = c.record_id "
            f"WHERE c.sha256 = ? AND {where} LIMIT 1"
        )
        return bool(self.db.execute(sql, [sha256, *params]).fetchall())

    def readable_upload(self, sha256: str, read: ReadFilter) -> bool:
        where, params = filter_sql(read, "r")
        sql = (  # only a record whose author uploaded the photo opens it
            "SELECT 1 FROM blob_refs c JOIN records r ON r.id = c.record_id "
            "JOIN blobs b ON b.sha256 = c.sha256 AND b.complete = 1 "
            "JOIN devices d ON d.id = b.device_id "
            f"WHERE c.sha256 = ? AND r.author = d.user_id AND {where} LIMIT 1"
        )
        return bool(self.db.execute(sql, [sha256, *params]).fetchall())

    def open_uploads(self, device_id: str) -> int:
        sql = "SELECT count(*) FROM blobs WHERE device_id = ? AND complete = 0"
        return int(self.db.execute(sql, [device_id]).fetchone()[0])

    def reuse(self, hashes: Sequence[str] | None = None) -> list[PhotoReuse]:
        if hashes is None:
            rows = self._rows(f"{_BY_SHA} UNION {_BY_ORIGINAL}", [])
        else:  # only the keys these hashes touch: work proportional to their cites
            keys = set(hashes)
            for h in hashes:
                keys.update(b.original_sha256 for b in self.uploads(h) if b.original_sha256)
            marks = ", ".join("?" for _ in keys) or "NULL"
            sql = f"{_BY_SHA} WHERE c.sha256 IN ({marks}) UNION "
            sql += f"{_BY_ORIGINAL} AND b.original_sha256 IN ({marks})"
            rows = self._rows(sql, [*keys, *keys])
        found: dict[tuple[str, str], list[PhotoCite]] = {}
        for r in sorted(rows, key=lambda r: (r["key"], r["tps"], r["record_id"])):
            cite = PhotoCite(r["sha256"], r["record_id"], r["kind"], r["tps"])
            found.setdefault((r["key"], r["via"]), []).append(cite)
        return [
            PhotoReuse(key, via, tuple(cites))
            for (key, via), cites in found.items()
            if len({c.tps for c in cites}) > 1
        ]

    def put_print(self, sha256: str, print_: str) -> None:
        self.db.table("blob_print").upsert({"sha256": sha256, "print": print_}, pk="sha256")

    def prints(self) -> list[tuple[str, str]]:
        return [(r["sha256"], r["print"]) for r in self._rows("SELECT * FROM blob_print", [])]

    def put_twins(self, sha256: str, twins: Sequence[tuple[str, int]]) -> None:
        rows = [(a, b, d) for t, d in twins for a, b in ((sha256, t), (t, sha256))]
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO photo_twin (sha256, twin, distance) VALUES (?, ?, ?)", rows
        )


def _blob(row: dict[str, Any]) -> BlobRow:
    return BlobRow(
        row["sha256"],
        row["size"],
        row["content_type"],
        row["device_id"],
        row["created_ms"],
        row["updated_ms"],
        bool(row["complete"]),
        row["original_sha256"],
    )
