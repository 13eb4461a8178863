"""Ingest benchmark: N tallies pushed through the real HTTP server vs raw SQLite executemany.

    python bench/ingest.py [--n 5000] [--batch 200]

Prints records/s for both, measured in the same run on the same machine, their ratio
(target >= 50%), and bytes on the wire per tally (target < 1 KB compressed).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, running_server  # noqa: E402
from core.hlc import pack  # noqa: E402
from core.protocol import PushRequest  # noqa: E402
from core.registry import build  # noqa: E402
from sync_server import admin  # noqa: E402
from sync_server.store.sqlite import SqliteStore  # noqa: E402


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


def raw_sqlite(path: Path, ops: list[dict[str, Any]], batch: int) -> float:
    """The baseline: the same rows, same pragmas, one transaction per batch."""
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


def setup_server_db(db: Path) -> tuple[str, str, list[str]]:
    store = SqliteStore(db)
    store.migrate()
    with open(ROOT / "assets/data/jombang_wilayah.csv", newline="", encoding="utf-8") as f:
        registry = build(csv.DictReader(f))
    store.replace_region(registry)
    user = admin.create_user(store, "bench ptps", "ptps", ["35.17"])
    device, token = admin.add_device(store, user.id, "bench", int(time.time() * 1000))
    store.close()
    return device.id, token, [t.id for t in registry.tps]


def http_push(
    url: str, token: str, device_id: str, ops: list[dict[str, Any]], batch: int
) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Content-Encoding": "gzip"}  # fmt: skip
    sent = 0
    with httpx.Client(base_url=url, timeout=120) as http:
        start = time.perf_counter()
        for i in range(0, len(ops), batch):
            body = PushRequest.model_validate({"device_id": device_id, "ops": ops[i : i + batch]})
            raw = gzip.compress(body.model_dump_json().encode(), mtime=0)
            sent += len(raw)
            response = http.post("/v1/sync/push", content=raw, headers=headers)
            response.raise_for_status()
            bad = [r for r in response.json()["results"] if r["status"] != "applied"]
            assert not bad, bad[:2]
        return time.perf_counter() - start, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "server.db"
        device_id, token, tps_ids = setup_server_db(db)
        ops = make_ops(args.n, device_id, tps_ids)
        raw_s = raw_sqlite(Path(tmp) / "raw.db", ops, args.batch)
        with running_server(db) as url:
            http_s, sent = http_push(url, token, device_id, ops, args.batch)
        one = PushRequest.model_validate({"device_id": device_id, "ops": ops[:1]})
        single = len(gzip.compress(one.model_dump_json().encode(), mtime=0))
    raw_rate, http_rate = args.n / raw_s, args.n / http_s
    print(f"tallies: {args.n}, batch: {args.batch}")
    print(f"raw sqlite executemany : {raw_rate:10.0f} records/s")
    print(f"HTTP push (real server): {http_rate:10.0f} records/s")
    print(f"ratio HTTP / raw       : {http_rate / raw_rate:10.1%}   (target >= 50%)")
    print(f"wire bytes per tally   : {sent / args.n:10.0f} B gzip in batches of {args.batch}; "
          f"{single} B for a tally pushed alone (target < 1024)")  # fmt: skip


if __name__ == "__main__":
    main()
