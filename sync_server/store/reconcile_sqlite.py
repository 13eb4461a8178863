"""`ReconStore` on the SQLite connection of a `SqliteStore` (tables from migration m005)."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from core.registry import Tps
from sync_server.store import sql
from sync_server.store.models import LogEntry, ReadFilter, StoredRecord
from sync_server.store.recon_base import (
    LEVEL_DIGITS,
    KeyState,
    Level,
    Official,
    PhotoUse,
    QueueFilter,
    RecapRow,
    Snapshot,
    Twin,
)
from sync_server.store.sqlite_rows import filter_sql, record_of
from sync_server.sync.chain import canonical

_DERIVED = ("recon_snapshot", "recon_photo", "recon_state", "recon_value")
_COUNTS = "s.is_counted = 1"  # KeyState.counted, over recon_state `s`


def _scope_sql(read: ReadFilter, column: str) -> tuple[str, list[Any]]:
    """Only the TPS prefixes of a filter count here: these rows have no author."""
    if not read.tps_prefixes:
        return "0", []
    sql = " OR ".join(f"substr({column}, 1, ?) = ?" for _ in read.tps_prefixes)
    return f"({sql})", [x for p in read.tps_prefixes for x in (len(p), p)]


def _state(row: dict[str, Any]) -> KeyState:
    rules = tuple(r for r in row["rules"].split(",") if r)
    doc = json.loads(row["doc"])
    return KeyState(
        row["tps"], row["ballot"], row["status"], row["severity"], row["n_sources"], rules, doc,
        dict(doc.get("values", {})), bool(row["is_open"]), bool(row["is_decided"]),
        bool(row["is_counted"]), int(row["n_single"]),
    )  # fmt: skip


class SqliteReconStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def cursor(self) -> int:
        row = sql.one(self.db, "SELECT value FROM meta WHERE key = 'recon_cursor'")
        return int(row["value"]) if row else 0

    def set_cursor(self, log_id: int) -> None:
        sql.upsert(self.db, "meta", {"key": "recon_cursor", "value": log_id}, "key")

    def rules_version(self) -> str:
        row = sql.one(self.db, "SELECT value FROM meta WHERE key = 'recon_rules'")
        return str(row["value"]) if row else ""

    def set_rules_version(self, version: str) -> None:
        sql.upsert(self.db, "meta", {"key": "recon_rules", "value": version}, "key")

    # tally snapshots and photo uses
    def get_snapshot(self, record_id: str) -> Snapshot | None:
        rows = self._rows("SELECT * FROM recon_snapshot WHERE record_id = ?", [record_id])
        return _snapshot(rows[0]) if rows else None

    def put_snapshot(self, snap: Snapshot) -> None:
        row = {
            **snap.__dict__,
            "final": int(snap.final),
            "fields": canonical(snap.fields),
            "changes": canonical(snap.changes),
            "stamps": canonical({k: list(v) for k, v in snap.stamps.items()}),
        }
        sql.upsert(self.db, "recon_snapshot", row, "record_id")

    def snapshots_at(self, tps: str) -> list[Snapshot]:
        rows = self._rows("SELECT * FROM recon_snapshot WHERE tps = ? ORDER BY record_id", [tps])
        return [_snapshot(r) for r in rows]

    def set_photos(self, record_id: str, tps: str, ballot: str, hashes: list[str]) -> None:
        self.db.execute("DELETE FROM recon_photo WHERE record_id = ?", [record_id])
        rows = [{"sha256": h, "record_id": record_id, "tps": tps, "ballot": ballot} for h in hashes]
        sql.insert_many(self.db, "recon_photo", rows, replace=True)

    def photo_uses(self, hashes: list[str]) -> list[PhotoUse]:
        if not hashes:
            return []
        marks = ", ".join("?" for _ in hashes)
        query = f"SELECT * FROM recon_photo WHERE sha256 IN ({marks}) ORDER BY sha256, record_id"
        return [PhotoUse(**r) for r in self._rows(query, list(hashes))]

    def photo_twins(self, hashes: list[str]) -> list[Twin]:
        if not hashes:
            return []
        marks = ", ".join("?" for _ in hashes)
        similar = f"SELECT sha256, twin, distance FROM photo_twin WHERE sha256 IN ({marks})"
        original = (
            "SELECT a.sha256 AS sha256, b.sha256 AS twin FROM blobs a JOIN blobs b "
            "ON b.sha256 != a.sha256 AND (b.original_sha256 = a.original_sha256 "
            "OR b.sha256 = a.original_sha256 OR b.original_sha256 = a.sha256) "
            "AND a.complete = 1 AND b.complete = 1 "  # claims of those who sent the bytes
            f"WHERE a.sha256 IN ({marks})"
        )
        out = {(r["sha256"], r["twin"]): Twin(r["sha256"], r["twin"], "original")
               for r in self._rows(original, list(hashes))}  # fmt: skip
        for r in self._rows(similar, list(hashes)):
            out.setdefault((r["sha256"], r["twin"]),
                           Twin(r["sha256"], r["twin"], "similar", r["distance"]))  # fmt: skip
        return [out[k] for k in sorted(out)]

    # one row per TPS-ballot
    def put_state(self, state: KeyState) -> None:
        row = {
            "tps": state.tps,
            "ballot": state.ballot,
            "status": state.status,
            "severity": state.severity,
            "n_sources": state.n_sources,
            "rules": "," + ",".join(state.rules) + ",",
            "doc": canonical(state.doc),
            "is_open": int(state.open),
            "is_decided": int(state.decided),
            "is_counted": int(state.counted),
            "n_single": state.n_single,
        }
        sql.upsert(self.db, "recon_state", row, ("tps", "ballot"))
        self.db.execute(
            "DELETE FROM recon_value WHERE tps = ? AND ballot = ?", [state.tps, state.ballot]
        )
        values = [{"tps": state.tps, "ballot": state.ballot, "key": k, "value": v}
                  for k, v in state.values.items()]  # fmt: skip
        sql.insert_many(self.db, "recon_value", values)

    def delete_state(self, tps: str, ballot: str) -> None:
        for table in ("recon_state", "recon_value"):
            self.db.execute(f"DELETE FROM {table} WHERE tps = ? AND ballot = ?", [tps, ballot])

    def get_state(self, tps: str, ballot: str) -> KeyState | None:
        rows = self._rows("SELECT * FROM recon_state WHERE tps = ? AND ballot = ?", [tps, ballot])
        return _state(rows[0]) if rows else None

    def _where(self, where: QueueFilter) -> tuple[str, list[Any]]:
        sql, params = _scope_sql(where.read, "s.tps")
        if where.kecamatan:
            sql += " AND substr(s.tps, 1, 6) = ?"
            params.append(where.kecamatan.replace(".", ""))
        if where.ballot:
            sql += " AND s.ballot = ?"
            params.append(where.ballot)
        if where.rule:
            sql += " AND s.rules LIKE ?"
            params.append(f"%,{where.rule},%")
        if where.status:
            sql += " AND s.status = ?"
            params.append(where.status)
        return sql, params

    def states(self, where: QueueFilter, *, open_only: bool = False) -> list[KeyState]:
        sql, params = self._where(where)
        if open_only:
            sql += " AND s.is_open = 1"
        order = "s.severity DESC, s.status = 'conflict' DESC, s.tps, s.ballot"
        rows = self._rows(f"SELECT s.* FROM recon_state s WHERE {sql} ORDER BY {order}", params)
        return [_state(r) for r in rows]

    def state_counts(self, where: QueueFilter) -> list[tuple[str, bool, tuple[str, ...], int]]:
        sql, params = self._where(where)
        query = (
            "SELECT s.status, s.is_open AS open, s.rules, COUNT(*) AS n FROM recon_state s "
            f"WHERE {sql} GROUP BY s.status, s.is_open, s.rules"
        )
        return [
            (r["status"], bool(r["open"]), tuple(x for x in r["rules"].split(",") if x), r["n"])
            for r in self._rows(query, params)
        ]

    def totals(self, read: ReadFilter, level: Level) -> list[tuple[str, str, str, int]]:
        where, params = _scope_sql(read, "v.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT substr(v.tps, 1, {n}) AS area, v.ballot, v.key, SUM(v.value) AS total "
            "FROM recon_value v JOIN recon_state s ON s.tps = v.tps AND s.ballot = v.ballot "
            f"WHERE {where} AND {_COUNTS} GROUP BY area, v.ballot, v.key"
        )
        return [(r["area"], r["ballot"], r["key"], r["total"]) for r in self._rows(sql, params)]

    def single_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, int]]:
        where, params = _scope_sql(read, "s.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT substr(s.tps, 1, {n}) AS area, s.ballot, SUM(s.n_single) AS n "
            f"FROM recon_state s WHERE {where} GROUP BY area, s.ballot"
        )
        return [(r["area"], r["ballot"], int(r["n"] or 0)) for r in self._rows(sql, params)]

    def decided_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, int]]:
        where, params = _scope_sql(read, "s.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT substr(s.tps, 1, {n}) AS area, s.ballot, COUNT(*) AS n "
            f"FROM recon_state s WHERE {where} AND s.is_decided = 1 GROUP BY area, s.ballot"
        )
        return [(r["area"], r["ballot"], r["n"]) for r in self._rows(sql, params)]

    def status_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, str, int]]:
        where, params = _scope_sql(read, "s.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT substr(s.tps, 1, {n}) AS area, s.ballot, s.status, COUNT(*) AS n "
            f"FROM recon_state s WHERE {where} GROUP BY area, s.ballot, s.status"
        )
        return [(r["area"], r["ballot"], r["status"], r["n"]) for r in self._rows(sql, params)]

    def clear(self) -> None:
        for table in _DERIVED:
            self.db.execute(f"DELETE FROM {table}")
        self.set_cursor(0)

    # official figures
    def put_official(self, rows: list[Official]) -> None:
        out = [{**o.__dict__, "fields": canonical(o.fields)} for o in rows]
        self.db.table("official").upsert_all(out, pk=("tps", "ballot"))

    def get_official(self, tps: str, ballot: str) -> Official | None:
        rows = self._rows("SELECT * FROM official WHERE tps = ? AND ballot = ?", [tps, ballot])
        return Official(**{**rows[0], "fields": json.loads(rows[0]["fields"])}) if rows else None

    def official_keys(self) -> list[tuple[str, str]]:
        rows = self._rows("SELECT tps, ballot FROM official ORDER BY tps, ballot", [])
        return [(r["tps"], r["ballot"]) for r in rows]

    def put_recap(self, rows: list[RecapRow]) -> None:
        out = [{**r.__dict__, "values": canonical(r.values)} for r in rows]
        self.db.table("recap").upsert_all(out, pk=("area", "ballot"))

    def recaps(self, read: ReadFilter) -> list[RecapRow]:
        where, params = _scope_sql(read, "r.area")
        sql = f"SELECT * FROM recap r WHERE {where} ORDER BY r.area, r.ballot"
        return [RecapRow(**{**r, "values": json.loads(r["values"])})
                for r in self._rows(sql, params)]  # fmt: skip

    def decided_tps(self, read: ReadFilter) -> set[tuple[str, str]]:
        where, params = _scope_sql(read, "s.tps")
        sql = f"SELECT s.tps, s.ballot FROM recon_state s WHERE {where} AND s.is_decided = 1"
        return {(r["tps"], r["ballot"]) for r in self._rows(sql, params)}

    # what review reads
    def records_at(self, tps: str, kind: str | None = None) -> list[StoredRecord]:
        sql, params = "SELECT * FROM records WHERE tps = ?", [tps]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        return [record_of(r) for r in self._rows(sql + " ORDER BY id", params)]

    def first_finals(self, read: ReadFilter) -> list[tuple[str, str, int]]:
        where, params = filter_sql(read, "r")
        query = (
            "SELECT r.tps AS tps, json_extract(r.fields, '$.ballot') AS ballot, f.at AS at "
            "FROM (SELECT json_extract(entry, '$.record_id') AS rid, "
            "min(json_extract(entry, '$.hlc')) AS at FROM changelog "
            "WHERE json_extract(entry, '$.kind') = 'tally' "
            "AND json_extract(entry, '$.fields.status') = 'final' GROUP BY rid) f "
            f"JOIN records r ON r.id = f.rid WHERE {where}"
        )
        return [(r["tps"], r["ballot"] or "", int(r["at"])) for r in self._rows(query, params)]

    def records_of(self, kind: str, read: ReadFilter) -> list[StoredRecord]:
        where, params = filter_sql(read, "r")
        sql = f"SELECT r.* FROM records r WHERE r.kind = ? AND {where} ORDER BY r.tps, r.id"
        return [record_of(r) for r in self._rows(sql, [kind, *params])]

    def history(self, record_id: str) -> list[LogEntry]:
        sql = "SELECT * FROM changelog WHERE json_extract(entry, '$.record_id') = ? ORDER BY id"
        return [
            LogEntry(r["id"], json.loads(r["entry"]), r["prev_hash"], r["hash"], r["entry"])
            for r in self._rows(sql, [record_id])
        ]

    def tps_in(self, read: ReadFilter) -> list[Tps]:
        where, params = _scope_sql(read, "t.id")
        return [
            Tps(**r) for r in self._rows(f"SELECT * FROM tps t WHERE {where} ORDER BY id", params)
        ]

    def get_tps(self, tps: str) -> Tps | None:
        rows = self._rows("SELECT * FROM tps WHERE id = ?", [tps])
        return Tps(**rows[0]) if rows else None


def _snapshot(row: dict[str, Any]) -> Snapshot:
    return Snapshot(
        row["record_id"], row["tps"], row["ballot"] or "", bool(row["final"]),
        json.loads(row["fields"]), json.loads(row["changes"]),
        {k: (int(v[0]), str(v[1])) for k, v in json.loads(row["stamps"] or "{}").items()},
    )  # fmt: skip
