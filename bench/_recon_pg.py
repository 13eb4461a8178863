"""bench/reconcile.py on PostgreSQL: the same prefill (one TPS pushed for real, its rows copied
to every other TPS), written with COPY into a fresh database of a throwaway cluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.registry import Registry
from sync_server.review import reconcile
from sync_server.store.base import Store
from sync_server.store.pg import PgStore
from sync_server.store.pg_rows import open_pool

TABLES = ("records", "recon_snapshot", "recon_state", "recon_value")
CHUNK = 20_000  # TPS per COPY round


def opener(url: str) -> Callable[[], PgStore]:
    pool = open_pool(url, max_size=2)
    return lambda: PgStore(pool)


def fill(
    store: PgStore,
    registry: Registry,
    template_of: Callable[[Store, str], None],
) -> None:
    """Push the first TPS for real (`template_of`), copy its rows to every TPS with COPY."""
    tps_ids = [t.id for t in registry.tps]
    template_of(store, tps_ids[0])
    template = {t: store.q(f"SELECT * FROM {t}") for t in TABLES}
    for table in TABLES:
        store.run(f"DELETE FROM {table}")
    log = store.q("SELECT id, entry FROM changelog ORDER BY id")
    seq, log_id = 0, int(log[-1]["id"])
    entry = str(log[-1]["entry"])  # the last op entry, as the SQLite prefill copies one
    tps0 = str(template["records"][0]["tps"])
    with store.conn.transaction():
        for i in range(0, len(tps_ids), CHUNK):
            chunk = tps_ids[i : i + CHUNK]
            seq = _copy_chunk(store, template, tps0, chunk, seq)
            rows = [(log_id + k + 1, entry.replace(tps0, t), "0" * 64, "0" * 64)
                    for k, t in enumerate(t for t in chunk for _ in range(3))]  # fmt: skip
            _copy(store, "changelog", ("id", "entry", "prev_hash", "hash"), rows)
            log_id += len(rows)
        store.run("UPDATE server_seq SET value = %s", [seq + 10])
        # the prebuilt reconciliation rows already account for every prefilled log entry
        store.run("UPDATE meta SET value = %s WHERE key = 'recon_cursor'", [str(log_id)])
        store.run("UPDATE meta SET value = %s WHERE key = 'recon_rules'", [reconcile.RULES_VERSION])
    store.run("ANALYZE")
    # write the bulk load's dirty pages out now, not while the measured pushes wait on fsync
    store.run("CHECKPOINT")


def _copy_chunk(
    store: PgStore, template: dict[str, list[dict[str, Any]]], tps0: str, chunk: list[str], seq: int
) -> int:
    for table, rows in template.items():
        columns = tuple(rows[0])
        out = []
        for tps in chunk:
            for row in rows:
                new = {k: v.replace(tps0, tps) if isinstance(v, str) else v for k, v in row.items()}
                if table == "records":
                    seq += 1
                    new["seq"] = seq
                out.append(tuple(new[c] for c in columns))
        _copy(store, table, columns, out)
    return seq


def _copy(
    store: PgStore, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    with (
        store.conn.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp,
    ):
        for row in rows:
            cp.write_row(row)
