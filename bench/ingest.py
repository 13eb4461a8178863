"""Ingest benchmark: N tallies pushed through the real HTTP server vs raw SQLite executemany.

    python bench/ingest.py [--n 5000] [--batch 200]
    python bench/ingest.py --n 30000 --rounds 1    # election night: latency under a long burst
    python bench/ingest.py --backend postgres      # the same against PostgreSQL's executemany

Prints records/s for both, measured in the same run on the same machine, their ratio
(target >= 50%), bytes on the wire per tally (target < 1 KB compressed), and the latency of
each push (p50, p99, max; target p99 < 1 s at n >= 30,000) with the server's reconciliation
worker running as in production. A push answered 503 (busy) is retried after its Retry-After
and counted; any other error stops the run. Every push is signed as a phone signs it (one
Ed25519 signature over the batch manifest, core/signing.py) and the server verifies it before
applying; the phone-side signing cost per batch is printed.

The baseline writes, with plain executemany, the same rows the server stores for each tally
(record, change-log entry, op receipt, photo reference) into the server's own schema; a bare
one-row-per-tally table is printed too, for reference. Request bodies are encoded before the
clock starts (phones encode them); reconciliation runs after the burst, off the push path, and
its catch-up time is printed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, backend_cluster, serving
from core import signing
from core.hlc import pack
from core.protocol import Op, PushRequest
from core.registry import build
from sync_server.admin import accounts
from sync_server.settings import Settings
from sync_server.store.opener import StoreOpener
from tests.pg_cluster import Cluster


def tally(rng: random.Random, tps: str) -> dict[str, Any]:
    """A realistic, consistent PPWP C.Hasil."""
    votes = {str(k): rng.randint(0, 75) for k in (1, 2, 3)}
    sah = sum(votes.values())
    invalid = rng.randint(0, 9)
    voters = sah + invalid
    dpt_l, dpt_p = rng.randint(120, 150), rng.randint(120, 150)
    b4_l = min(dpt_l, voters // 2)
    t: dict[str, Any] = {"tps": tps, "pemilu": "pemilu2024", "ballot": "ppwp"}
    t.update(dpt_l=dpt_l, dpt_p=dpt_p, dpt_j=dpt_l + dpt_p)
    t.update(pemilih_dpt_l=b4_l, pemilih_dpt_p=voters - b4_l, pemilih_dpt_j=voters)
    for row in ("pemilih_dptb", "pemilih_dpk"):
        t.update({f"{row}_l": 0, f"{row}_p": 0, f"{row}_j": 0})
    t.update(pengguna_hak_pilih_l=b4_l, pengguna_hak_pilih_p=voters - b4_l,
             pengguna_hak_pilih_j=voters)  # fmt: skip
    t.update(ss_diterima=t["dpt_j"] + 6, ss_digunakan=voters, ss_rusak=0)
    t.update(ss_sisa=t["ss_diterima"] - voters, disabilitas_l=1, disabilitas_p=0, disabilitas_j=1)
    t.update(suara=votes, suara_sah=sah, suara_tidak_sah=invalid, suara_total=voters)
    t.update(status="final", photos=[f"{rng.getrandbits(256):064x}"])
    return t


def make_ops(n: int, device_id: str, tps_ids: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(7)
    t0 = 1_707_890_400_000
    return [
        {
            "op_id": f"{device_id}:{i + 1}",
            "seq": i + 1,
            "record_id": f"bench-{i:06d}",
            "kind": "tally",
            "tps": tps_ids[i % len(tps_ids)],
            "fields": tally(rng, tps_ids[i % len(tps_ids)]),
            "hlc": pack(t0 + i),
            "base": {},
        }
        for i in range(n)
    ]


Rows = tuple[list[tuple[Any, ...]], ...]


def batch_rows(
    part: list[dict[str, Any]], first: int, device_id: str, manifest: dict[str, Any]
) -> Rows:
    """What the server stores for these tallies: records (fields, stamps and packed stamps as
    JSON), the batch's signed manifest and the ops' change-log entries, op receipts and photo
    references. JSON encoding (stdlib) is part of the timed work, as it is for the server; the
    log's hashes are constants and no signature is checked (chaining and verifying are the
    server's work)."""
    records, receipts = [], []
    log = [(first + 10**9, json.dumps(manifest), "0" * 64, "0" * 64)]
    refs: list[tuple[Any, ...]] = []
    for n, o in enumerate(part, start=first):
        f = o["fields"]
        stamps = {k: [o["hlc"], device_id] for k in f}
        packed = [o["hlc"], device_id]  # core/stamps.py: one write, one stamp for every field
        records.append((o["record_id"], o["kind"], o["tps"], "u", "ptps", None,
                        json.dumps(f), json.dumps(stamps), json.dumps(packed), n))  # fmt: skip
        entry = {"seq": n, "record_id": o["record_id"], "kind": o["kind"], "tps": o["tps"],
                 "device_id": device_id, "op_id": o["op_id"], "fields": f, "hlc": o["hlc"],
                 "op_seq": o["seq"], "base": o["base"], "index": n - first}  # fmt: skip
        log.append((n, json.dumps(entry), "0" * 64, "0" * 64))
        receipts.append((device_id, o["op_id"], o["seq"], o["record_id"], "applied"))
        refs.extend((h, o["record_id"], o["kind"], o["tps"]) for h in f["photos"])
    return records, log, receipts, refs


INSERTS = (
    "insert into records (id, kind, tps, author, author_role, author_party, fields, stamps,"
    " packed, seq) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "insert into changelog (id, entry, prev_hash, hash) values (?, ?, ?, ?)",
    "insert into ops (device_id, op_id, seq, record_id, status) values (?, ?, ?, ?, ?)",
    "insert into blob_refs (sha256, record_id, kind, tps) values (?, ?, ?, ?)",
)


def raw_same_rows(
    db: Path, ops: list[dict[str, Any]], device_id: str, batch: int, manifests: list[Any]
) -> float:
    """The baseline: with plain executemany, the rows the server stores for these tallies, in
    a copy of its own schema (same indexes and triggers), same pragmas, one transaction per
    batch."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = full")
    start = time.perf_counter()
    for k, i in enumerate(range(0, len(ops), batch)):
        rows = batch_rows(ops[i : i + batch], i + 1, device_id, manifests[k])
        conn.execute("begin")
        for sql, part in zip(INSERTS, rows, strict=True):
            conn.executemany(sql, part)
        conn.execute("commit")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def raw_one_table(path: Path, ops: list[dict[str, Any]], batch: int) -> float:
    """For reference: one row per tally into a bare table with no index (the floor)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = full")
    conn.execute("create table records (id text primary key, kind text, tps text, fields text,"
                 " stamps text)")  # fmt: skip
    start = time.perf_counter()
    for i in range(0, len(ops), batch):
        rows = [
            (o["record_id"], o["kind"], o["tps"], json.dumps(o["fields"]),
             json.dumps({k: [o["hlc"], "d"] for k in o["fields"]}))
            for o in ops[i : i + batch]
        ]  # fmt: skip
        conn.execute("begin")
        conn.executemany("insert into records values (?, ?, ?, ?, ?)", rows)
        conn.execute("commit")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def setup_server_db(settings: Settings, key: bytes) -> tuple[str, str, list[str], str]:
    opener = StoreOpener(settings)  # migrates
    store = opener()
    with open(ROOT / "assets/data/jombang_wilayah.csv", newline="", encoding="utf-8") as f:
        registry = build(csv.DictReader(f))
    store.replace_region(registry)
    now = int(time.time() * 1000)
    user = accounts.create_user(store, "bench ptps", "ptps", ["35.17"])
    device, token = accounts.add_device(store, user.id, "bench", now, signing.public_key_of(key))
    boss = accounts.create_user(store, "bench supervisor", "supervisor", ["35.17"])
    _, boss_token = accounts.add_device(store, boss.id, "bench console", now)
    store.close()
    opener.close()
    return device.id, token, [t.id for t in registry.tps], boss_token


def encode(
    key: bytes, device_id: str, ops: list[dict[str, Any]], batch: int
) -> tuple[list[bytes], list[dict[str, Any]], float]:
    """The request bodies, as phones send them (signed, JSON, gzip); encoded on the phones, so
    before the server's clock starts. Returns them, their manifests (for the baseline) and the
    seconds spent signing (each op's canonical bytes hashed, one signature per batch)."""
    bodies, manifests, signing_s = [], [], 0.0
    for k, i in enumerate(range(0, len(ops), batch)):
        part = [
            Op.model_validate({**o, "fields": signing.in_canonical_order(o["fields"])})
            for o in ops[i : i + batch]
        ]  # as a phone sends them (app/store/exchange.py)
        start = time.perf_counter()
        signed = signing.sign_batch(key, device_id, k + 1, part)
        signing_s += time.perf_counter() - start
        body = PushRequest(device_id=device_id, ops=part, batch=signed)
        bodies.append(gzip.compress(body.model_dump_json().encode(), mtime=0))
        manifests.append({"kind": "signed_batch", **signed.model_dump(mode="json")})
    return bodies, manifests, signing_s


def http_push(url: str, token: str, bodies: list[bytes]) -> tuple[float, list[float], int]:
    """Push every body in turn: total seconds, seconds per push (a retried push counts from
    its first try), and how many times the server answered 503."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip"}  # fmt: skip
    latencies, busy = [], 0
    with httpx.Client(base_url=url, timeout=120) as http:
        start = time.perf_counter()
        for raw in bodies:
            sent = time.perf_counter()
            response = http.post("/v1/sync/push", content=raw, headers=headers)
            for _ in range(10):  # bounded: the server asked to come back later
                if response.status_code != 503:
                    break
                busy += 1
                time.sleep(float(response.headers.get("retry-after", "1")))
                response = http.post("/v1/sync/push", content=raw, headers=headers)
            response.raise_for_status()
            latencies.append(time.perf_counter() - sent)
            bad = [r for r in response.json()["results"] if r["status"] != "applied"]
            assert not bad, bad[:2]
        return time.perf_counter() - start, latencies, busy


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def caught_up(url: str, token: str, timeout: float) -> float:
    """Time until reconciliation has read every pushed tally (a review read catches up);
    infinity when that takes longer than `timeout`."""
    start = time.perf_counter()
    with httpx.Client(base_url=url, timeout=timeout) as http:
        try:
            r = http.get("/v1/review/queue", headers={"Authorization": f"Bearer {token}"})
        except httpx.ReadTimeout:
            return float("inf")
        r.raise_for_status()
    return time.perf_counter() - start


def one_round(
    tmp: Path, n: int, batch: int, cluster: Cluster | None, recon_timeout: float
) -> dict[str, float]:
    """Raw, bare and HTTP on fresh databases, back to back, so they share the machine's mood."""
    tmp.mkdir()
    db, raw_db = tmp / "server.db", tmp / "raw.db"
    url = cluster.new_database() if cluster else None
    key = signing.new_private_key()
    settings = Settings(db_path=db, database_url=url)
    device_id, token, tps_ids, boss = setup_server_db(settings, key)
    ops = make_ops(n, device_id, tps_ids)
    bodies, manifests, signing_s = encode(key, device_id, ops, batch)
    if cluster is None:
        shutil.copy(db, raw_db)  # the same schema, still empty of records
        raw_s = raw_same_rows(raw_db, ops, device_id, batch, manifests)
    else:  # a second database with the same schema
        raw_url = cluster.new_database()
        StoreOpener(Settings(database_url=raw_url)).close()
        raw_s = raw_same_rows_pg(raw_url, ops, device_id, batch, manifests)
    floor_s = raw_one_table(tmp / "floor.db", ops, batch)
    with serving(db, database_url=url) as (server, _):
        http_s, latencies, busy = http_push(server, token, bodies)
        recon_s = caught_up(server, boss, recon_timeout)
    return {
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
        "busy": busy,
        "raw": n / raw_s,
        "floor": n / floor_s,
        "http": n / http_s,
        "recon_s": recon_s,
        "sent": sum(len(b) for b in bodies) / n,
        "single": len(encode(key, device_id, ops[:1], 1)[0][0]),
        "sign_ms": signing_s * 1000 / len(bodies),
    }


def raw_same_rows_pg(
    url: str, ops: list[dict[str, Any]], device_id: str, batch: int, manifests: list[Any]
) -> float:
    """The PostgreSQL baseline: the same rows with psycopg's executemany, one transaction per
    batch, into the server's schema."""
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.perf_counter()
        for k, i in enumerate(range(0, len(ops), batch)):
            rows = batch_rows(ops[i : i + batch], i + 1, device_id, manifests[k])
            with conn.transaction(), conn.cursor() as cur:
                for sql, part in zip(INSERTS, rows, strict=True):
                    cur.executemany(sql.replace("?", "%s"), part)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite",
                        help="postgres: a throwaway cluster (Debian's postgresql)")  # fmt: skip
    parser.add_argument("--recon-timeout", type=float, default=600,
                        help="give up timing the catch-up after this many seconds")  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, backend_cluster(args.backend) as cluster:
        rounds = [one_round(Path(tmp) / f"r{k}", args.n, args.batch, cluster, args.recon_timeout)
                  for k in range(args.rounds)]  # fmt: skip
    ratios = sorted(r["http"] / r["raw"] for r in rounds)
    mid = sorted(rounds, key=lambda r: r["http"] / r["raw"])[len(rounds) // 2]
    print(f"backend: {args.backend}, tallies: {args.n}, batch: {args.batch}, "
          f"rounds: {args.rounds} (median round shown)")  # fmt: skip
    print(f"raw executemany, same rows  : {mid['raw']:10.0f} records/s  (record, log entry, "
          "op receipt, photo ref; server schema)")  # fmt: skip
    print(f"HTTP push (real server)     : {mid['http']:10.0f} records/s  (signed batches, "
          "verified before applying)")  # fmt: skip
    print(f"ratio HTTP / raw            : {mid['http'] / mid['raw']:10.1%}   (target >= 50%; "
          f"rounds: {', '.join(f'{x:.0%}' for x in ratios)})")  # fmt: skip
    print(f"for reference, 1 bare row   : {mid['floor']:10.0f} records/s  "
          f"(HTTP is {mid['http'] / mid['floor']:.1%} of it)")  # fmt: skip
    if mid["recon_s"] == float("inf"):
        print(f"reconciliation catch-up     : not done within --recon-timeout "
              f"{args.recon_timeout:.0f} s after the burst (off the push path)")  # fmt: skip
    else:
        rate = args.n / max(mid["recon_s"], 1e-9)
        print(f"reconciliation catch-up     : {mid['recon_s']:10.2f} s for {args.n} tallies "
              f"after the burst ({rate:.0f}/s, off the push path)")  # fmt: skip
    print(f"push latency (worker on)    : p50 {mid['p50'] * 1000:.0f} ms, p99 "
          f"{mid['p99'] * 1000:.0f} ms, max {mid['max'] * 1000:.0f} ms over "
          f"{-(-args.n // args.batch)} pushes (target p99 < 1 s); "
          f"503 busy answers: {mid['busy']:.0f}")  # fmt: skip
    print(f"signing on the phone        : {mid['sign_ms']:10.2f} ms per batch of {args.batch} "
          f"({mid['sign_ms'] * 1000 / args.batch:.0f} us/op: canonical bytes + SHA-256 each, "
          "one Ed25519 signature; this machine, not a phone)")  # fmt: skip
    single = mid["single"]
    print(f"wire bytes per tally        : {mid['sent']:10.0f} B gzip in batches of "
          f"{args.batch}; {single:.0f} B for a tally pushed alone (target < 1024)")  # fmt: skip


if __name__ == "__main__":
    main()
