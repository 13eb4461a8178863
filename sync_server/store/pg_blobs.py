"""`BlobStore` on the connection of a `PgStore` (tables from pg_schema m004); the twin of
blob_sqlite.py, checked against it by tests/server/test_blob_store_contract.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sync_server.store.blob_base import BlobRow, Cites, PhotoCite, PhotoReuse
from sync_server.store.models import ReadFilter
from sync_server.store.pg_rows import Row, filter_sql

if TYPE_CHECKING:
    from sync_server.store.pg import PgStore

# Every (key, cite): a cite is keyed by its own hash and, when known, by its original's hash.
_BY_SHA = "SELECT c.sha256 AS key, 'sha256' AS via, c.* FROM blob_refs c"
_BY_ORIGINAL = (
    "SELECT b.original_sha256 AS key, 'original' AS via, c.* "
    "FROM blobs b JOIN blob_refs c ON c.sha256 = b.sha256 "
    "WHERE b.original_sha256 IS NOT NULL AND b.original_sha256 != c.sha256 AND b.complete = 1"
)  # only an uploader who sent the bytes says which original they came from
_COLUMNS = (
    "sha256, size, content_type, device_id, created_ms, updated_ms, complete, original_sha256"
)


def _blob(row: Row) -> BlobRow:
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


class PgBlobStore:
    def __init__(self, store: PgStore) -> None:
        self.s = store

    def get_upload(self, sha256: str, device_id: str) -> BlobRow | None:
        sql = f"SELECT {_COLUMNS} FROM blobs WHERE sha256 = %s AND device_id = %s"
        row = self.s.one(sql, [sha256, device_id])
        return _blob(row) if row else None

    def uploads(self, sha256: str) -> list[BlobRow]:
        sql = f"SELECT {_COLUMNS} FROM blobs WHERE sha256 = %s ORDER BY created_ms, device_id"
        return [_blob(r) for r in self.s.q(sql, [sha256])]

    def put_blob(self, blob: BlobRow) -> None:
        keys = ("sha256", "device_id")
        sets = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ") if c not in keys)
        self.s.run(
            f"INSERT INTO blobs ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (sha256, device_id) DO UPDATE SET {sets}",
            [
                blob.sha256,
                blob.size,
                blob.content_type,
                blob.device_id,
                blob.created_ms,
                blob.updated_ms,
                int(blob.complete),
                blob.original_sha256,
            ],
        )

    def delete_upload(self, sha256: str, device_id: str) -> None:
        self.s.run("DELETE FROM blobs WHERE sha256 = %s AND device_id = %s", [sha256, device_id])

    def stale_uploads(self, before_ms: int, limit: int = 1000) -> list[BlobRow]:
        rows = self.s.q(
            f"SELECT {_COLUMNS} FROM blobs WHERE complete = 0 AND updated_ms < %s "
            "ORDER BY updated_ms LIMIT %s",
            [before_ms, limit],
        )
        return [_blob(r) for r in rows]

    def set_refs(self, record_id: str, kind: str, tps: str, hashes: Sequence[str]) -> None:
        self.set_refs_many([Cites(record_id, kind, tps, tuple(hashes))])

    def set_refs_many(self, cites: Sequence[Cites]) -> None:
        known = [c.record_id for c in cites if not c.new]
        if known:
            self.s.run("DELETE FROM blob_refs WHERE record_id = ANY(%s)", [known])
        self.s.many(
            "INSERT INTO blob_refs (sha256, record_id, kind, tps) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (sha256, record_id) DO UPDATE SET kind = excluded.kind, "
            "tps = excluded.tps",
            [(h, c.record_id, c.kind, c.tps) for c in cites for h in c.hashes],
        )

    def readable(self, sha256: str, read: ReadFilter) -> bool:
        where, params = filter_sql(read, "r")
        sql = (
            "SELECT 1 AS x FROM blob_refs c JOIN records r ON r.id = c.record_id "
            f"WHERE c.sha256 = %s AND {where} LIMIT 1"
        )
        return bool(self.s.q(sql, [sha256, *params]))

    def readable_upload(self, sha256: str, read: ReadFilter) -> bool:
        where, params = filter_sql(read, "r")
        sql = (  # only a record whose author uploaded the photo opens it
            "SELECT 1 AS x FROM blob_refs c JOIN records r ON r.id = c.record_id "
            "JOIN blobs b ON b.sha256 = c.sha256 AND b.complete = 1 "
            "JOIN devices d ON d.id = b.device_id "
            f"WHERE c.sha256 = %s AND r.author = d.user_id AND {where} LIMIT 1"
        )
        return bool(self.s.q(sql, [sha256, *params]))

    def open_uploads(self, device_id: str) -> int:
        row = self.s.one("SELECT count(*) AS n FROM blobs WHERE device_id = %s AND complete = 0",
                         [device_id])  # fmt: skip
        return int(row["n"]) if row else 0

    def put_print(self, sha256: str, print_: str) -> None:
        self.s.run(
            "INSERT INTO blob_print (sha256, print) VALUES (%s, %s) "
            "ON CONFLICT (sha256) DO UPDATE SET print = excluded.print",
            [sha256, print_],
        )

    def prints(self) -> list[tuple[str, str]]:
        return [(r["sha256"], r["print"]) for r in self.s.q("SELECT * FROM blob_print", [])]

    def put_twins(self, sha256: str, twins: Sequence[tuple[str, int]]) -> None:
        self.s.many(
            "INSERT INTO photo_twin (sha256, twin, distance) VALUES (%s, %s, %s) "
            "ON CONFLICT (sha256, twin) DO UPDATE SET distance = excluded.distance",
            [(a, b, d) for t, d in twins for a, b in ((sha256, t), (t, sha256))],
        )

    def reuse(self, hashes: Sequence[str] | None = None) -> list[PhotoReuse]:
        if hashes is None:
            rows = self.s.q(f"{_BY_SHA} UNION {_BY_ORIGINAL}")
        else:  # only the keys these hashes touch: work proportional to their cites
            keys = set(hashes)
            for h in hashes:
                keys.update(b.original_sha256 for b in self.uploads(h) if b.original_sha256)
            sql = f"{_BY_SHA} WHERE c.sha256 = ANY(%s) UNION "
            sql += f"{_BY_ORIGINAL} AND b.original_sha256 = ANY(%s)"
            rows = self.s.q(sql, [sorted(keys), sorted(keys)])
        found: dict[tuple[str, str], list[PhotoCite]] = {}
        for r in sorted(rows, key=lambda r: (r["key"], r["tps"], r["record_id"])):
            cite = PhotoCite(r["sha256"], r["record_id"], r["kind"], r["tps"])
            found.setdefault((r["key"], r["via"]), []).append(cite)
        return [
            PhotoReuse(key, via, tuple(cites))
            for (key, via), cites in found.items()
            if len({c.tps for c in cites}) > 1
        ]
