"""Save latency on the device: a tally saved as a draft, then made final (record + outbox op).

    python bench/save_latency.py [--saves 300] [--records 10000]

Prints p50 and p95 of `Store.save_draft` / `Store.save` (target p95 < 10 ms) beside the same
writes done with plain sqlite3 (the record row and the outbox row, one transaction each, same
pragmas) in the same run. `--records` pre-fills the device database (a supervisor's laptop
after its first pull) so the saves run against a full table.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.store import Store, open_store
from app.store.rows import StateRow
from core.election import Election
from core.merge import write
from core.registry import Tps
from sync_server.admin.demo_records import _tally
from sync_server.review.reconcile import load_election
from sync_server.settings import Settings

TPS = Tps("3517012001001", 1, "35.17.01.2001", "Jantiganggong", "35.17.01", "Perak")


def _election() -> Election:
    election = load_election(Settings().election_file)
    assert election is not None
    return election


def prefill(store: Store, n: int, tally: dict[str, Any]) -> None:
    """`n` shared records, as a first pull leaves them (one executemany)."""
    rows = [StateRow.of(f"pre-{i:06d}", "tally", TPS.id, "u", write(tally, (i + 1, "dev")))
            for i in range(n)]  # fmt: skip
    with store.transaction():
        store.put_states(rows, shared=True)


def store_saves(store: Store, tallies: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Milliseconds per save, wall and CPU: every other save is a new draft, the next makes
    it final. CPU time leaves out the fsync wait that a loaded shared disk adds."""
    wall, cpu = [], []
    for i, tally in enumerate(tallies):
        rid = f"save-{i // 2:05d}"
        start, start_cpu = time.perf_counter(), time.process_time()
        if i % 2 == 0:
            store.save_draft(rid, "tally", TPS.id, {**tally, "status": "draft"})
        else:
            store.save(rid, "tally", TPS.id, {"status": "final"})
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def raw_saves(path: Path, tallies: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """The floor: the same record row and one outbox row with plain sqlite3, one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = full")
    wall, cpu = [], []
    for i, tally in enumerate(tallies):
        rid, body = f"raw-{i:05d}", json.dumps(tally)
        start, start_cpu = time.perf_counter(), time.process_time()
        conn.execute("begin")
        conn.execute(
            "insert into records (id, kind, tps, author, fields, stamps, status, shared, deleted,"
            " updated_ms) values (?, 'tally', ?, 'u', ?, '[1,\"d\"]', 'draft', 1, 0, 0)",
            [rid, TPS.id, body],
        )
        conn.execute(
            "insert into outbox (seq, op_id, record_id, kind, tps, fields, hlc, base, attempted,"
            " state) values (?, ?, ?, 'tally', ?, ?, 1, '{}', 0, 'pending')",
            [100_000 + i, f"raw:{i}", rid, TPS.id, body],
        )
        conn.execute("commit")
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    conn.close()
    return wall, cpu


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(folder: Path, saves: int, records: int) -> dict[str, float]:
    rng = random.Random(6)
    election = _election()
    tallies = [_tally(rng, election, TPS, "ppwp") for _ in range(saves)]
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(folder / "device.db")
    prefill(store, records, tallies[0])
    mine, mine_cpu = store_saves(store, tallies)
    store.db.conn.close()
    raw, raw_cpu = raw_saves(folder / "device.db", tallies)
    return {"p50": statistics.median(mine), "p95": p95(mine), "cpu_p95": p95(mine_cpu),
            "raw_p50": statistics.median(raw), "raw_p95": p95(raw),
            "raw_cpu_p95": p95(raw_cpu)}  # fmt: skip


def report(m: dict[str, float], saves: int, records: int) -> None:
    print(f"device saves ({saves}, table of {records} records): p50 {m['p50']:.2f} ms, "
          f"p95 {m['p95']:.2f} ms (target < 10 ms)")  # fmt: skip
    print(f"  baseline plain sqlite3, same rows : p50 {m['raw_p50']:.2f} ms, p95 "
          f"{m['raw_p95']:.2f} ms; ratio p95 {m['p95'] / m['raw_p95']:.1f}x")  # fmt: skip
    print(f"  CPU time p95 (no fsync wait)      : {m['cpu_p95']:.2f} ms; plain sqlite3 "
          f"{m['raw_cpu_p95']:.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report(measure(Path(tmp), args.saves, args.records), args.saves, args.records)


if __name__ == "__main__":
    main()
