"""Load test: N simulated phones on election day against a real server process.

    python bench/load.py [--devices 2000] [--concurrency 200]
    python bench/load.py --configs sqlite:1,postgres:1,postgres:2   # the default

Each device enrols with its one-time code, pushes its election day in one batch (5 tallies, one
per ballot, 2 incidents, a kerawanan assessment) and pulls what it may read; the devices run
concurrently (asyncio + httpx, at most `--concurrency` at once). For each configuration
(backend : workers; PostgreSQL is a durable throwaway cluster) it prints throughput, p50 / p95 /
p99 latency per request kind, errors (must be 0; a 503 with Retry-After is retried and counted
apart) and the server's peak memory (RSS of its processes; PostgreSQL's own not included). The
SQLite, one-worker line is the baseline the others are compared with, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import backend_cluster, server_rss, serving, tree_cpu_seconds
from bench.ingest import tally
from core import signing
from core.election import Election
from core.hlc import pack
from core.protocol import Op
from sync_server.admin import accounts
from sync_server.secret import server_key
from sync_server.settings import Settings, wall_ms
from sync_server.store.opener import StoreOpener
from tests.pg_cluster import Cluster

BALLOTS = ("ppwp", "dpr_ri", "dpd_ri", "dprd_prov", "dprd_kab")
Stats = dict[str, list[Any]]
ELECTION = Election.model_validate_json(Settings().election_file.read_text())


def prepare(settings: Settings, n: int) -> list[tuple[str, str]]:
    """The region and one PTPS per TPS with an enrolment code: [(code, tps)]."""
    opener = StoreOpener(settings)
    store = opener()
    try:
        registry = accounts.import_region(store, settings.region_csv)
        tps_ids = [t.id for t in registry.tps]
        key = server_key(settings)  # the server reads the same file (beside PANTAU_DB_PATH)
        out = []
        with store.transaction():
            for i in range(n):
                tps = tps_ids[i % len(tps_ids)]
                user = accounts.create_user(store, f"PTPS beban {i}", "ptps", [tps])
                code = accounts.issue_enrol_code(store, user.id, wall_ms(), key=key)
                out.append((code, tps))
        return out
    finally:
        store.close()
        opener.close()


def election_day(device_id: str, tps: str, rng: random.Random) -> dict[str, Any]:
    now = wall_ms()
    fields: list[tuple[str, dict[str, Any]]] = [
        ("tally", _ballot_form(tally(rng, tps), b)) for b in BALLOTS
    ]
    fields += [
        ("incident", {"jenis": "laporan", "uraian": f"kejadian {k}", "tps": tps}) for k in (1, 2)
    ]
    fields.append(("assessment", {"tps": tps, "pemilu": "pemilu2024", "status": "final"}))
    ops = [
        {
            "op_id": f"{device_id}:{n}",
            "seq": n,
            "record_id": f"{device_id}-{n}",
            "kind": kind,
            "tps": tps,
            "fields": f,
            "hlc": pack(now, n),
        }
        for n, (kind, f) in enumerate(fields, start=1)
    ]
    return {"device_id": device_id, "ops": ops}


def _ballot_form(t: dict[str, Any], ballot: str) -> dict[str, Any]:
    """The PPWP form as `ballot`'s: every vote line of that ballot present (the server refuses
    an incomplete final form), the extra ones zero so the sums still hold."""
    keys = ELECTION.ballot(ballot).vote_keys()
    return {**t, "ballot": ballot, "suara": {k: t["suara"].get(k, 0) for k in keys}}


async def timed(http: httpx.AsyncClient, stats: Stats, kind: str, **req: Any) -> httpx.Response:
    for _ in range(20):  # bounded; a busy server says when to come back
        start = time.perf_counter()
        try:
            res = await http.request(**req)
        except httpx.TimeoutException:  # counted as an error, the run goes on
            stats.setdefault("errors", []).append("timeout")
            stats.setdefault("timeouts", []).append(time.perf_counter() - start)
            raise
        except httpx.TransportError as exc:  # a dropped connection: an error, the run goes on
            stats.setdefault("errors", []).append(type(exc).__name__)
            raise
        if res.status_code != 503:
            stats.setdefault(kind, []).append(time.perf_counter() - start)
            if res.status_code >= 400:
                stats.setdefault("errors", []).append(res.status_code)
            return res
        stats.setdefault("busy", []).append(1)
        await asyncio.sleep(float(res.headers.get("retry-after", "1")))
    stats.setdefault("errors", []).append(503)
    return res


async def phone(http: httpx.AsyncClient, code: str, tps: str, stats: Stats, seed: int) -> None:
    key = signing.new_private_key()  # each phone signs its batches (core/signing.py)
    enrol = {"code": code, "device_name": "beban", "public_key": signing.public_key_of(key)}
    res = await timed(http, stats, "enrol", method="POST", url="/v1/enrol", json=enrol)
    if res.status_code != 200:
        return
    device_id, token = res.json()["device_id"], res.json()["token"]
    me = {"Authorization": f"Bearer {token}"}
    body = election_day(device_id, tps, random.Random(seed))
    ops = [Op.model_validate(op) for op in body["ops"]]
    body["batch"] = signing.sign_batch(key, device_id, 1, ops).model_dump(mode="json")
    res = await timed(
        http, stats, "push", method="POST", url="/v1/sync/push", json=body, headers=me
    )
    if res.status_code == 200:
        for r in res.json()["results"]:
            if r["status"] != "applied":  # every op of a fresh phone must apply
                stats.setdefault("errors", []).append(f"{r['status']}:{r.get('code')}")
    await timed(http, stats, "pull", method="GET", url="/v1/sync/pull", headers=me)


async def crowd(url: str, devices: list[tuple[str, str]], concurrency: int) -> Stats:
    stats: Stats = {}
    gate = asyncio.Semaphore(concurrency)
    # idle connections closed before uvicorn's 5 s keep-alive closes them: else a request sent
    # on a connection the server is closing fails with ReadError (a client-side race)
    limits = httpx.Limits(max_connections=concurrency, keepalive_expiry=2)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:

        async def one(k: int, code: str, tps: str) -> None:
            async with gate:
                with contextlib.suppress(httpx.TransportError):  # counted in `timed`
                    await phone(http, code, tps, stats, k)

        await asyncio.gather(*(one(k, c, t) for k, (c, t) in enumerate(devices)))
    return stats


def run_config(
    tmp: Path, backend: str, workers: int, args: argparse.Namespace, cluster: Cluster | None
) -> dict[str, Any]:
    url = cluster.new_database() if cluster else None
    settings = Settings(db_path=tmp / f"{backend}{workers}.db", database_url=url)
    devices = prepare(settings, args.devices)
    with serving(settings.db_path, database_url=url, workers=workers) as (server, pid):
        peak, stop = [0], threading.Event()
        sampler = threading.Thread(target=_sample, args=(pid, peak, stop), daemon=True)
        sampler.start()
        start, cpu0, mine0 = time.perf_counter(), tree_cpu_seconds(pid), time.process_time()
        stats = asyncio.run(crowd(server, devices, args.concurrency))
        elapsed = time.perf_counter() - start
        cpu, mine = tree_cpu_seconds(pid) - cpu0, time.process_time() - mine0
        stop.set()
        sampler.join(5)
    requests = sum(len(stats.get(k, [])) for k in ("enrol", "push", "pull"))
    return {"stats": stats, "elapsed": elapsed, "rps": requests / elapsed, "rss": peak[0],
            "cpu_ms": cpu * 1000 / max(requests, 1), "client_cpu": mine / elapsed,
            "load": os.getloadavg()[0]}  # fmt: skip


def _sample(pid: int, peak: list[int], stop: threading.Event) -> None:
    while not stop.wait(0.5):
        peak[0] = max(peak[0], server_rss(pid))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(name: str, r: dict[str, Any], base: dict[str, Any], devices: int) -> None:
    s = r["stats"]
    print(
        f"{name:12s} {r['rps']:7.0f} req/s ({r['rps'] / base['rps']:.2f}x baseline), "
        f"{devices * 8 / r['elapsed']:6.0f} records/s, errors {len(s.get('errors', []))} "
        f"{dict(Counter(s.get('errors', [])))}, "
        f"timeouts {len(s.get('timeouts', []))}, 503 retried {len(s.get('busy', []))}, "
        f"server RSS {r['rss'] / 2**20:.0f} MiB"
    )
    print(
        f"    server CPU {r['cpu_ms']:.1f} ms/request ({r['cpu_ms'] * r['rps'] / 1000:.2f} cores), "
        f"this client {r['client_cpu']:.2f} cores, machine load {r['load']:.1f} "
        f"({os.cpu_count()} cores)"
    )
    for kind in ("enrol", "push", "pull"):
        v = s.get(kind, [])
        print(
            f"    {kind:5s} n={len(v):5d}  p50 {pct(v, 0.5):6.0f} ms  p95 {pct(v, 0.95):6.0f} ms  "
            f"p99 {pct(v, 0.99):6.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--configs", default="sqlite:1,postgres:1,postgres:2")
    args = parser.parse_args()
    configs = [(b, int(w)) for b, w in (c.split(":") for c in args.configs.split(","))]
    need_pg = any(b == "postgres" for b, _ in configs)
    results: dict[str, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        backend_cluster("postgres" if need_pg else "sqlite") as cluster,
    ):
        for backend, workers in configs:
            results[f"{backend}:{workers}"] = run_config(
                Path(tmp), backend, workers, args, cluster if backend == "postgres" else None
            )
    print(f"devices: {args.devices} (8 records each), concurrency: {args.concurrency}")
    base = next(iter(results.values()))
    for name, r in results.items():
        report(name, r, base, args.devices)


if __name__ == "__main__":
    main()
