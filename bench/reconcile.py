"""Reconciliation benchmark: time per incoming tally at Jombang size and at 100x (a province).

    python bench/reconcile.py [--n 300] [--scale 100] [--sources 3] [--backend postgres]

Both databases are pre-filled with direct bulk inserts (tallies, change log, reconciliation
rows, as an election night would leave them); then `--n` new tallies from one more source are
pushed one per transaction through `exchange.push` (checks, merge, log, commit), each
followed by `reconcile.catch_up` reading it from the log, and both are timed; the two sizes
take turns, tally by tally, so the noise of a shared machine falls on both alike. Prints the time
per tally for both sizes, for the push and for reconciliation, and the ratio big / small
(target <= 1.5: work per tally does not grow with the table). `--backend postgres` fills and
measures a durable throwaway PostgreSQL cluster instead (bench/_recon_pg.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _recon_pg
from bench._server import backend_cluster
from core import signing
from core.hlc import pack
from core.protocol import Op, PushRequest
from core.registry import build
from sync_server.admin import accounts
from sync_server.auth import Principal
from sync_server.review import reconcile
from sync_server.runtime import Runtime
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.sqlite import SqliteStore
from sync_server.sync import exchange

ROOT = Path(__file__).resolve().parent.parent
WILAYAH = ROOT / "assets/data/jombang_wilayah.csv"
ELECTION = ROOT / "assets/elections/pemilu2024.json"
SOURCES = (("ptps", None), ("polisi", None), ("saksi", 1), ("saksi", 3), ("saksi", 4))
T0 = 1_707_890_400_000
OpenStore = Callable[[], Store]


def region(copies: int) -> list[dict[str, str]]:
    """Jombang's rows, repeated under `copies` kabupaten codes 35.00, 35.01, ... (35.17 first)."""
    with WILAYAH.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = ["17", *[f"{k:02d}" for k in range(100) if k != 17][: copies - 1]]
    out = []
    for code in codes:
        for row in rows:
            new = dict(row)
            new["kode"] = "35." + code + row["kode"][5:]
            out.append(new)
    return out


def tally(votes1: int = 99) -> dict[str, Any]:
    """A complete, consistent final PPWP form (the server refuses an incomplete final one);
    no photos: copied to every TPS they would all be one reused sheet."""
    votes = {"1": votes1, "2": 120, "3": 50}
    sah = sum(votes.values())
    voters = sah + 2
    t: dict[str, Any] = {"ballot": "ppwp", "status": "final", "dpt_l": 150, "dpt_p": 150,
                         "dpt_j": 300}  # fmt: skip
    t.update(pemilih_dpt_l=voters // 2, pemilih_dpt_p=voters - voters // 2, pemilih_dpt_j=voters)
    for row in ("pemilih_dptb", "pemilih_dpk"):
        t.update({f"{row}_l": 0, f"{row}_p": 0, f"{row}_j": 0})
    t.update(pengguna_hak_pilih_l=voters // 2, pengguna_hak_pilih_p=voters - voters // 2,
             pengguna_hak_pilih_j=voters)  # fmt: skip
    t.update(ss_diterima=306, ss_digunakan=voters, ss_rusak=0, ss_sisa=306 - voters)
    t.update(disabilitas_l=1, disabilitas_p=0, disabilitas_j=1)
    t.update(suara=votes, suara_sah=sah, suara_tidak_sah=2, suara_total=voters)
    return t


KEYS: dict[str, bytes] = {}  # device id -> the bench device's private key


def signed(who: Principal, ops: list[dict[str, Any]], batch: int) -> PushRequest:
    """A push as a phone signs it (core/signing.py)."""
    models = [Op.model_validate(o) for o in ops]
    key = KEYS[who.device.id]
    return PushRequest(device_id=who.device.id, ops=models,
                       batch=signing.sign_batch(key, who.device.id, batch, models))  # fmt: skip


def principals(store: Store, n_sources: int) -> list[Principal]:
    out = []
    for role, party in (*SOURCES[:n_sources], ("saksi", 2)):
        user = accounts.create_user(store, f"bench {role} {party}", role, ["35"], party)
        key = signing.new_private_key()
        device, _ = accounts.add_device(store, user.id, "bench", T0, signing.public_key_of(key))
        KEYS[device.id] = key
        out.append(Principal(device, user))
    return out


def fill(path: Path, copies: int, n_sources: int) -> tuple[list[str], Principal]:
    """Bulk-load the region and `n_sources` agreeing final tallies per TPS; return TPS ids."""
    store = SqliteStore(path)
    store.migrate()
    registry = build(region(copies))
    store.replace_region(registry)
    who = principals(store, n_sources)
    tps_ids = [t.id for t in registry.tps]
    conn = store.db.conn
    conn.execute("PRAGMA synchronous = OFF")
    template = _template(store, who[:n_sources], tps_ids[0])
    conn.execute("BEGIN")
    seq = 0
    for i in range(0, len(tps_ids), 20_000):
        chunk = tps_ids[i : i + 20_000]
        seq = _insert_chunk(conn, template, chunk, seq)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('server_seq', ?)", [seq + 10])
    # The prebuilt reconciliation rows already account for every prefilled log entry.
    conn.execute("INSERT OR REPLACE INTO meta (key, value) "
                 "SELECT 'recon_cursor', max(id) FROM changelog")  # fmt: skip
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('recon_rules', ?)",
                 [reconcile.RULES_VERSION])  # fmt: skip
    conn.execute("COMMIT")
    conn.execute("PRAGMA synchronous = FULL")
    store.close()
    return tps_ids, who[-1]


def _push_template(store: Store, who: list[Principal], tps: str) -> None:
    """Push the first TPS for real (one final tally per source) and reconcile it."""
    with tempfile.TemporaryDirectory() as tmp:  # the server's key files go there, not in cwd
        rt = Runtime(Settings(db_path=Path(tmp) / "t.db", election_file=ELECTION), lambda: store)
    for k, p in enumerate(who):
        op = {"op_id": "t0", "seq": 1, "record_id": f"{k}-{tps}", "kind": "tally", "tps": tps,
              "fields": tally(), "hlc": pack(T0, k)}  # fmt: skip
        res = exchange.push(store, rt.clock, p, signed(p, [op], 1))
        assert res.results[0].status == "applied", res.results[0].reason_en
    reconcile.catch_up(store, reconcile.load_election(ELECTION))


def _template(store: SqliteStore, who: list[Principal], tps: str) -> dict[str, list[Any]]:
    """Push the first TPS for real, then copy every row it produced as a template."""
    _push_template(store, who, tps)
    out: dict[str, list[Any]] = {}
    for table in ("records", "recon_snapshot", "recon_state", "recon_value", "changelog"):
        rows = store.db.execute(f"SELECT * FROM {table}").fetchall()
        out[table] = [tuple(r) for r in rows]
        store.db.execute(f"DELETE FROM {table}" if table != "changelog" else "SELECT 1")
    return out


def _insert_chunk(conn: Any, template: dict[str, list[Any]], chunk: list[str], seq: int) -> int:
    tps0 = template["records"][0][2]
    for table, rows in template.items():
        if table == "changelog":
            continue
        marks = ", ".join("?" for _ in rows[0])
        batch = []
        for tps in chunk:
            for row in rows:
                new = [v.replace(tps0, tps) if isinstance(v, str) else v for v in row]
                if table == "records":
                    seq += 1
                    new[-1] = seq
                batch.append(new)
        conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", batch)
    entry = template["changelog"][0][1]
    conn.executemany(
        "INSERT INTO changelog (entry, prev_hash, hash) VALUES (?, ?, ?)",
        [(entry.replace(tps0, tps), "0" * 64, "0" * 64) for tps in chunk for _ in range(3)],
    )
    return seq


def fill_pg(url: str, copies: int, n_sources: int) -> tuple[list[str], Principal, OpenStore]:
    """`fill` on PostgreSQL (bench/_recon_pg.py); also returns how to open the database."""
    open_store = _recon_pg.opener(url)
    store = open_store()
    store.migrate()
    registry = build(region(copies))
    store.replace_region(registry)
    who = principals(store, n_sources)
    _recon_pg.fill(store, registry, lambda s, tps: _push_template(s, who[:n_sources], tps))
    store.close()
    return [t.id for t in registry.tps], who[-1], open_store


class Meter:
    """Pushes new tallies (one per transaction) from one more source into one database, each
    followed by the reconciliation catch-up that reads it from the log; times both."""

    def __init__(
        self, open_store: OpenStore, path: Path, tps_ids: list[str], who: Principal, n: int
    ) -> None:
        self.store = open_store()
        self.rt = Runtime(Settings(db_path=path, election_file=ELECTION), lambda: self.store)
        self.election = reconcile.load_election(ELECTION)
        assert reconcile.catch_up(self.store, self.election) == 0  # prebuilt rows up to date
        self.who, self.tps = who, random.Random(len(tps_ids)).sample(tps_ids, n)
        self.pushes: list[float] = []
        self.spent: list[float] = []

    def step(self, i: int) -> None:
        tps = self.tps[i]
        fields = tally(44 if i % 3 == 0 else 99)  # a third of them disagree: a conflict
        op = {"op_id": f"b{i}", "seq": i + 1, "record_id": f"new-{tps}", "kind": "tally",
              "tps": tps, "fields": fields, "hlc": pack(T0, 100 + i)}  # fmt: skip
        start = time.perf_counter()
        res = exchange.push(self.store, self.rt.clock, self.who, signed(self.who, [op], i + 1))
        assert res.results[0].status == "applied", res.results[0].reason_en
        self.pushes.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert reconcile.catch_up(self.store, self.election) == 2  # the signed batch, its op
        self.spent.append(time.perf_counter() - start)

    def result(self) -> dict[str, float]:
        self.store.close()
        warm = slice(min(20, len(self.pushes) // 5), None)  # skip the first: caches warming
        return {"push_ms": statistics.median(self.pushes[warm]) * 1000,
                "reconcile_ms": statistics.median(self.spent[warm]) * 1000}  # fmt: skip


def _size(open_store: OpenStore, path: Path) -> int:
    """Bytes on disk: the SQLite file, or the PostgreSQL database."""
    if path.exists():
        return path.stat().st_size
    store = open_store()
    try:
        row = store.one("SELECT pg_database_size(current_database()) AS n")  # type: ignore[attr-defined]
        return int(row["n"]) if row else 0
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="tallies pushed per size")
    parser.add_argument("--scale", type=int, default=100, help="big size = scale x Jombang")
    parser.add_argument("--sources", type=int, default=3, help="sources already in per TPS")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    results, sizes = {}, {}
    with tempfile.TemporaryDirectory() as tmp, backend_cluster(args.backend) as cluster:
        print(f"backend: {args.backend}", flush=True)
        meters = {}
        for name, copies in (("kabupaten", 1), ("provinsi", args.scale)):
            start = time.perf_counter()
            path = Path(tmp) / f"{name}.db"
            if cluster is None:
                tps_ids, who = fill(path, copies, args.sources)
                open_store: OpenStore = partial(SqliteStore, path)
            else:
                tps_ids, who, open_store = fill_pg(cluster.new_database(), copies, args.sources)
            sizes[name] = (len(tps_ids), _size(open_store, path), time.perf_counter() - start)
            meters[name] = Meter(open_store, path, tps_ids, who, args.n)
        # both sizes measured turn about, so a busy moment of a shared machine hits both alike
        for i in range(args.n):
            for meter in meters.values():
                meter.step(i)
        for name, meter in meters.items():
            r = results[name] = meter.result()
            n_tps, size, filled = sizes[name]
            print(
                f"{name:10s} {n_tps:>8,} TPS  {n_tps * args.sources:>9,} tallies  "
                f"db {size / 1e6:,.0f} MB (filled in {filled:.0f} s)  per incoming tally: "
                f"push {r['push_ms']:.2f} ms, reconcile {r['reconcile_ms']:.2f} ms",
                flush=True,
            )
    small, big = results["kabupaten"], results["provinsi"]
    for key in ("push_ms", "reconcile_ms"):
        ratio = big[key] / small[key]
        verdict = "ok" if ratio <= 1.5 else "ABOVE TARGET"
        print(f"ratio provinsi/kabupaten ({key[:-3]}): {ratio:.2f}  (target <= 1.5: {verdict})")
    print(json.dumps({"kabupaten": small, "provinsi": big}))


if __name__ == "__main__":
    main()
