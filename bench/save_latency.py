"""Save latency on the device: a tally saved as a draft, then made final (record + outbox op).

    python bench/save_latency.py [--saves 300] [--records 10000]

Prints p50, p95 and p99 of `Store.save_draft` / `Store.save` (target p95 < 10 ms) beside the
same writes done with plain sqlite3 (the record row and the outbox row, one transaction each):
with the app's pragmas (WAL, synchronous=FULL: the baseline) and with synchronous=NORMAL (what
the fsync at each commit costs). The three run interleaved on one file, so a loaded shared disk
slows them alike: compare the ratios. `--records` pre-fills the device database (a
supervisor's laptop after its first pull) so the saves run against a full table.
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
from collections.abc import Callable
from functools import partial
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


Timings = dict[str, list[float]]  # series name -> milliseconds per save


def _timed(out: Timings, name: str, save: Callable[[], object]) -> None:
    """One save, its wall and CPU milliseconds appended to `name` and `name_cpu`. CPU time
    leaves out the fsync wait that a loaded shared disk adds."""
    start, start_cpu = time.perf_counter(), time.process_time()
    save()
    out.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    out.setdefault(f"{name}_cpu", []).append((time.process_time() - start_cpu) * 1000)


def _store_save(store: Store, i: int, tally: dict[str, Any]) -> None:
    """Every other save is a new draft, the next makes it final (record + outbox op)."""
    rid = f"save-{i // 2:05d}"
    if i % 2 == 0:
        store.save_draft(rid, "tally", TPS.id, {**tally, "status": "draft"})
    else:
        store.save(rid, "tally", TPS.id, {"status": "final"})


def _bare(path: Path, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute(f"pragma synchronous = {synchronous}")
    return conn


def _bare_save(conn: sqlite3.Connection, seq: int, tally: dict[str, Any]) -> None:
    """The floor: the same record row and one outbox row with plain sqlite3, one transaction
    (`seq` far above the store's own, which it takes from its meta table)."""
    key = f"bare-{seq}"
    body = json.dumps(tally)
    conn.execute("begin")
    conn.execute(
        "insert into records (id, kind, tps, author, fields, stamps, status, shared, deleted,"
        " updated_ms) values (?, 'tally', ?, 'u', ?, '[1,\"d\"]', 'draft', 1, 0, 0)",
        [key, TPS.id, body],
    )
    conn.execute(
        "insert into outbox (seq, op_id, record_id, kind, tps, fields, hlc, base, attempted,"
        " state) values (?, ?, ?, 'tally', ?, ?, 1, '{}', 0, 'pending')",
        [seq, key, key, TPS.id, body],
    )
    conn.execute("commit")


def pct(values: list[float], p: int) -> float:
    """The p-th percentile (statistics.quantiles, inclusive of the extremes)."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def measure(folder: Path, saves: int, records: int) -> dict[str, float]:
    """Store saves interleaved with the bare saves on the same file, so a loaded shared disk
    slows all of them alike: `store` (the app, synchronous=FULL), `full` (bare, the same
    pragmas), `normal` (bare, synchronous=NORMAL: what the fsync at each commit costs)."""
    rng = random.Random(6)
    election = _election()
    tallies = [_tally(rng, election, TPS, "ppwp") for _ in range(saves)]
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(folder / "device.db")
    prefill(store, records, tallies[0])
    full, normal = _bare(folder / "device.db", "full"), _bare(folder / "device.db", "normal")
    out: Timings = {}
    for i, tally in enumerate(tallies):
        _timed(out, "store", partial(_store_save, store, i, tally))
        _timed(out, "full", partial(_bare_save, full, 1_000_000 + i, tally))
        _timed(out, "normal", partial(_bare_save, normal, 2_000_000 + i, tally))
    full.close()
    normal.close()
    store.db.conn.close()
    return {f"{name}_p{p}": pct(values, p) for name, values in out.items() for p in (50, 95, 99)}


def report(m: dict[str, float], saves: int, records: int) -> None:
    print(f"device saves ({saves}, table of {records} records), ms, interleaved on one file:")
    rows = (("store", "Store.save_draft / save (WAL, synchronous=FULL)"),
            ("full", "bare sqlite3, same rows and pragmas (baseline)"),
            ("normal", "bare sqlite3, synchronous=NORMAL (no fsync per commit)"))  # fmt: skip
    for name, label in rows:
        print(f"  {label:<52} p50 {m[f'{name}_p50']:6.2f}  p95 {m[f'{name}_p95']:6.2f}  "
              f"p99 {m[f'{name}_p99']:6.2f}   CPU p95 {m[f'{name}_cpu_p95']:.2f}")  # fmt: skip
    print(f"  store / baseline: p50 {m['store_p50'] / m['full_p50']:.2f}x, p95 "
          f"{m['store_p95'] / m['full_p95']:.2f}x, p99 {m['store_p99'] / m['full_p99']:.2f}x; "
          f"store p95 {m['store_p95']:.2f} ms (target < 10 ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report(measure(Path(tmp), args.saves, args.records), args.saves, args.records)


if __name__ == "__main__":
    main()
