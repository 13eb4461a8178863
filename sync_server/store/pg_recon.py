"""`ReconStore` on the connection of a `PgStore` (tables from pg_schema m003); the twin of
reconcile_sqlite.py, checked against it by tests/server/test_recon_store_contract.py."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from core.registry import Tps
from sync_server.store.models import LogEntry, ReadFilter, StoredRecord
from sync_server.store.pg_rows import Row, filter_sql
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
from sync_server.store.sqlite_rows import record_of
from sync_server.sync.chain import canonical

if TYPE_CHECKING:
    from sync_server.store.pg import PgStore

_DERIVED = ("recon_snapshot", "recon_photo", "recon_state", "recon_value")


def _scope_sql(read: ReadFilter, column: str) -> tuple[str, list[Any]]:
    """Only the TPS prefixes of a filter count here: these rows have no author."""
    if not read.tps_prefixes:
        return "false", []
    sql = " OR ".join(f"left({column}, %s) = %s" for _ in read.tps_prefixes)
    return f"({sql})", [x for p in read.tps_prefixes for x in (len(p), p)]


def _state(row: Row) -> KeyState:
    rules = tuple(r for r in row["rules"].split(",") if r)
    doc = json.loads(row["doc"])
    return KeyState(
        row["tps"],
        row["ballot"],
        row["status"],
        row["severity"],
        row["n_sources"],
        rules,
        doc,
        dict(doc.get("values", {})),
        bool(row["is_open"]),
        bool(row["is_decided"]),
        counted=bool(row["is_counted"]),
        n_single=int(row["n_single"]),
    )


def _snapshot(row: Row) -> Snapshot:
    return Snapshot(
        row["record_id"],
        row["tps"],
        row["ballot"] or "",
        bool(row["final"]),
        json.loads(row["fields"]),
        json.loads(row["changes"]),
        {k: (int(v[0]), str(v[1])) for k, v in json.loads(row["stamps"] or "{}").items()},
    )


class PgReconStore:
    def __init__(self, store: PgStore) -> None:
        self.s = store

    def _meta(self, key: str) -> str | None:
        """Inside a transaction the cursor row is locked first: two catch-ups (two server
        processes, or the CLI) take turns instead of reading the same entries twice."""
        if self.s.in_transaction:
            self.s.one("SELECT value FROM meta WHERE key = 'recon_cursor' FOR UPDATE")
        row = self.s.one("SELECT value FROM meta WHERE key = %s", [key])
        return str(row["value"]) if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.s.run(
            "INSERT INTO meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def cursor(self) -> int:
        return int(self._meta("recon_cursor") or 0)

    def set_cursor(self, log_id: int) -> None:
        self._set_meta("recon_cursor", str(log_id))

    def rules_version(self) -> str:
        return self._meta("recon_rules") or ""

    def set_rules_version(self, version: str) -> None:
        self._set_meta("recon_rules", version)

    # tally snapshots and photo uses
    def get_snapshot(self, record_id: str) -> Snapshot | None:
        row = self.s.one("SELECT * FROM recon_snapshot WHERE record_id = %s", [record_id])
        return _snapshot(row) if row else None

    def put_snapshot(self, snap: Snapshot) -> None:
        stamps = canonical({k: list(v) for k, v in snap.stamps.items()})
        self.s.run(
            "INSERT INTO recon_snapshot (record_id, tps, ballot, final, fields, changes, stamps) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (record_id) DO UPDATE SET "
            "tps = excluded.tps, ballot = excluded.ballot, final = excluded.final, "
            "fields = excluded.fields, changes = excluded.changes, stamps = excluded.stamps",
            [
                snap.record_id,
                snap.tps,
                snap.ballot,
                int(snap.final),
                canonical(snap.fields),
                canonical(snap.changes),
                stamps,
            ],
        )

    def snapshots_at(self, tps: str) -> list[Snapshot]:
        rows = self.s.q("SELECT * FROM recon_snapshot WHERE tps = %s ORDER BY record_id", [tps])
        return [_snapshot(r) for r in rows]

    def set_photos(self, record_id: str, tps: str, ballot: str, hashes: list[str]) -> None:
        self.s.run("DELETE FROM recon_photo WHERE record_id = %s", [record_id])
        self.s.many(
            "INSERT INTO recon_photo (sha256, record_id, tps, ballot) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(h, record_id, tps, ballot) for h in hashes],
        )

    def photo_uses(self, hashes: list[str]) -> list[PhotoUse]:
        if not hashes:
            return []
        rows = self.s.q(
            "SELECT sha256, record_id, tps, ballot FROM recon_photo "
            "WHERE sha256 = ANY(%s) ORDER BY sha256, record_id",
            [list(hashes)],
        )
        return [PhotoUse(**r) for r in rows]

    # one row per TPS-ballot
    def put_state(self, state: KeyState) -> None:
        self.s.run(
            "INSERT INTO recon_state (tps, ballot, status, severity, n_sources, rules, doc, "
            "is_open, is_decided, is_counted, n_single) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (tps, ballot) DO UPDATE SET status = excluded.status, "
            "severity = excluded.severity, n_sources = excluded.n_sources, "
            "rules = excluded.rules, doc = excluded.doc, is_open = excluded.is_open, "
            "is_decided = excluded.is_decided, is_counted = excluded.is_counted, "
            "n_single = excluded.n_single",
            [
                state.tps,
                state.ballot,
                state.status,
                state.severity,
                state.n_sources,
                "," + ",".join(state.rules) + ",",
                canonical(state.doc),
                int(state.open),
                int(state.decided),
                int(state.counted),
                state.n_single,
            ],
        )
        self.s.run(
            "DELETE FROM recon_value WHERE tps = %s AND ballot = %s", [state.tps, state.ballot]
        )
        self.s.many(
            "INSERT INTO recon_value (tps, ballot, key, value) VALUES (%s, %s, %s, %s)",
            [(state.tps, state.ballot, k, v) for k, v in state.values.items()],
        )

    def delete_state(self, tps: str, ballot: str) -> None:
        for table in ("recon_state", "recon_value"):
            self.s.run(f"DELETE FROM {table} WHERE tps = %s AND ballot = %s", [tps, ballot])

    def get_state(self, tps: str, ballot: str) -> KeyState | None:
        row = self.s.one("SELECT * FROM recon_state WHERE tps = %s AND ballot = %s", [tps, ballot])
        return _state(row) if row else None

    def _where(self, where: QueueFilter) -> tuple[str, list[Any]]:
        sql, params = _scope_sql(where.read, "s.tps")
        if where.kecamatan:
            sql += " AND left(s.tps, 6) = %s"
            params.append(where.kecamatan.replace(".", ""))
        for column, value in (("ballot", where.ballot), ("status", where.status)):
            if value:
                sql += f" AND s.{column} = %s"
                params.append(value)
        if where.rule:
            sql += " AND s.rules LIKE %s"
            params.append(f"%,{where.rule},%")
        return sql, params

    def states(self, where: QueueFilter, *, open_only: bool = False) -> list[KeyState]:
        sql, params = self._where(where)
        if open_only:
            sql += " AND s.is_open = 1"
        order = "s.severity DESC, s.status = 'conflict' DESC, s.tps, s.ballot"
        rows = self.s.q(f"SELECT s.* FROM recon_state s WHERE {sql} ORDER BY {order}", params)
        return [_state(r) for r in rows]

    def state_counts(self, where: QueueFilter) -> list[tuple[str, bool, tuple[str, ...], int]]:
        sql, params = self._where(where)
        query = (
            "SELECT s.status, s.is_open, s.rules, count(*) AS n FROM recon_state s "
            f"WHERE {sql} GROUP BY s.status, s.is_open, s.rules"
        )
        return [
            (r["status"], bool(r["is_open"]), tuple(x for x in r["rules"].split(",") if x), r["n"])
            for r in self.s.q(query, params)
        ]

    def totals(self, read: ReadFilter, level: Level) -> list[tuple[str, str, str, int]]:
        where, params = _scope_sql(read, "v.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT left(v.tps, {n}) AS area, v.ballot, v.key, sum(v.value) AS total "
            "FROM recon_value v JOIN recon_state s ON s.tps = v.tps AND s.ballot = v.ballot "
            f"WHERE {where} AND s.is_counted = 1 GROUP BY area, v.ballot, v.key"
        )
        return [(r["area"], r["ballot"], r["key"], int(r["total"])) for r in self.s.q(sql, params)]

    def single_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, int]]:
        where, params = _scope_sql(read, "s.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT left(s.tps, {n}) AS area, s.ballot, sum(s.n_single) AS n "
            f"FROM recon_state s WHERE {where} GROUP BY area, s.ballot"
        )
        return [(r["area"], r["ballot"], int(r["n"] or 0)) for r in self.s.q(sql, params)]

    def decided_tps(self, read: ReadFilter) -> set[tuple[str, str]]:
        where, params = _scope_sql(read, "s.tps")
        sql = f"SELECT s.tps, s.ballot FROM recon_state s WHERE {where} AND s.is_decided = 1"
        return {(r["tps"], r["ballot"]) for r in self.s.q(sql, params)}

    def photo_twins(self, hashes: list[str]) -> list[Twin]:
        if not hashes:
            return []
        original = (
            "SELECT a.sha256 AS sha256, b.sha256 AS twin FROM blobs a JOIN blobs b "
            "ON b.sha256 != a.sha256 AND (b.original_sha256 = a.original_sha256 "
            "OR b.sha256 = a.original_sha256 OR b.original_sha256 = a.sha256) "
            "AND a.complete = 1 AND b.complete = 1 "  # claims of those who sent the bytes
            "WHERE a.sha256 = ANY(%s)"
        )
        similar = "SELECT sha256, twin, distance FROM photo_twin WHERE sha256 = ANY(%s)"
        out = {(r["sha256"], r["twin"]): Twin(r["sha256"], r["twin"], "original")
               for r in self.s.q(original, [list(hashes)])}  # fmt: skip
        for r in self.s.q(similar, [list(hashes)]):
            out.setdefault((r["sha256"], r["twin"]),
                           Twin(r["sha256"], r["twin"], "similar", r["distance"]))  # fmt: skip
        return [out[k] for k in sorted(out)]

    # recapitulation figures (D.Hasil)
    def put_recap(self, rows: list[RecapRow]) -> None:
        self.s.many(
            'INSERT INTO recap (level, area, ballot, "values", source_file, imported_ms) '
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (area, ballot) DO UPDATE SET "
            'level = excluded.level, "values" = excluded."values", '
            "source_file = excluded.source_file, imported_ms = excluded.imported_ms",
            [
                (r.level, r.area, r.ballot, canonical(r.values), r.source_file, r.imported_ms)
                for r in rows
            ],
        )

    def recaps(self, read: ReadFilter) -> list[RecapRow]:
        where, params = _scope_sql(read, "r.area")
        sql = f"SELECT * FROM recap r WHERE {where} ORDER BY r.area, r.ballot"
        return [RecapRow(**{**r, "values": json.loads(r["values"])})
                for r in self.s.q(sql, params)]  # fmt: skip

    def decided_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, int]]:
        where, params = _scope_sql(read, "s.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT left(s.tps, {n}) AS area, s.ballot, count(*) AS n FROM recon_state s "
            f"WHERE {where} AND s.is_decided = 1 GROUP BY area, s.ballot"
        )
        return [(r["area"], r["ballot"], r["n"]) for r in self.s.q(sql, params)]

    def status_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, str, int]]:
        where, params = _scope_sql(read, "s.tps")
        n = LEVEL_DIGITS[level]
        sql = (
            f"SELECT left(s.tps, {n}) AS area, s.ballot, s.status, count(*) AS n "
            f"FROM recon_state s WHERE {where} GROUP BY area, s.ballot, s.status"
        )
        return [(r["area"], r["ballot"], r["status"], r["n"]) for r in self.s.q(sql, params)]

    def clear(self) -> None:
        for table in _DERIVED:
            self.s.run(f"DELETE FROM {table}")
        self.set_cursor(0)

    # official figures
    def put_official(self, rows: list[Official]) -> None:
        self.s.many(
            "INSERT INTO official (tps, ballot, fields, source_file, imported_ms) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (tps, ballot) DO UPDATE SET "
            "fields = excluded.fields, source_file = excluded.source_file, "
            "imported_ms = excluded.imported_ms",
            [(o.tps, o.ballot, canonical(o.fields), o.source_file, o.imported_ms) for o in rows],
        )

    def get_official(self, tps: str, ballot: str) -> Official | None:
        row = self.s.one("SELECT * FROM official WHERE tps = %s AND ballot = %s", [tps, ballot])
        return Official(**{**row, "fields": json.loads(row["fields"])}) if row else None

    def official_keys(self) -> list[tuple[str, str]]:
        rows = self.s.q("SELECT tps, ballot FROM official ORDER BY tps, ballot")
        return [(r["tps"], r["ballot"]) for r in rows]

    # what review reads
    def records_at(self, tps: str, kind: str | None = None) -> list[StoredRecord]:
        sql, params = "SELECT * FROM records WHERE tps = %s", [tps]
        if kind is not None:
            sql += " AND kind = %s"
            params.append(kind)
        return [record_of(r) for r in self.s.q(sql + " ORDER BY id", params)]

    def first_finals(self, read: ReadFilter) -> list[tuple[str, str, int]]:
        where, params = filter_sql(read, "r")
        query = (
            "SELECT r.tps AS tps, (r.fields::jsonb) ->> 'ballot' AS ballot, f.at AS at "
            "FROM (SELECT (entry::jsonb) ->> 'record_id' AS rid, "
            "min(((entry::jsonb) ->> 'hlc')::bigint) AS at FROM changelog "
            "WHERE (entry::jsonb) ->> 'kind' = 'tally' "
            "AND (entry::jsonb) -> 'fields' ->> 'status' = 'final' GROUP BY rid) f "
            f"JOIN records r ON r.id = f.rid WHERE {where}"
        )
        return [(r["tps"], r["ballot"] or "", int(r["at"])) for r in self.s.q(query, params)]

    def records_of(self, kind: str, read: ReadFilter) -> list[StoredRecord]:
        where, params = filter_sql(read, "r")
        sql = f"SELECT r.* FROM records r WHERE r.kind = %s AND {where} ORDER BY r.tps, r.id"
        return [record_of(r) for r in self.s.q(sql, [kind, *params])]

    def history(self, record_id: str) -> list[LogEntry]:
        rows = self.s.q(
            "SELECT * FROM changelog WHERE (entry::jsonb) ->> 'record_id' = %s ORDER BY id",
            [record_id],
        )
        return [
            LogEntry(r["id"], json.loads(r["entry"]), r["prev_hash"], r["hash"], r["entry"])
            for r in rows
        ]

    def tps_in(self, read: ReadFilter) -> list[Tps]:
        where, params = _scope_sql(read, "t.id")
        return [
            Tps(**r) for r in self.s.q(f"SELECT * FROM tps t WHERE {where} ORDER BY id", params)
        ]

    def get_tps(self, tps: str) -> Tps | None:
        row = self.s.one("SELECT * FROM tps WHERE id = %s", [tps])
        return Tps(**row) if row else None
