"""First sync of a fresh device against a real server holding a kabupaten (issue 15).

    python bench/initial_sync.py [--n 10000] [--ballots ppwp] [--rounds 3] [--before REV]

Seeds a server database with N records (bench/_kabupaten.py: the Jombang mix), starts the
real server process on loopback, and times `SyncClient.sync_once()` on a fresh device for a
kabupaten supervisor, a kecamatan supervisor, a PTPS and a saksi phone. Beside each, measured
in the same run on the same rows:

- time: a SQLite-to-SQLite copy of the same rows (server file -> device schema, executemany;
  the target's baseline copies the per-field stamps as the server's table had them, a
  stricter floor the packed stamps the server now also keeps);
  wall time (median of --rounds) and CPU time of both processes, which a loaded shared machine
  disturbs less;
- wire: bytes the server actually sent (compressed bodies, all pages), against gzip -9 of the
  same records as one JSON document with per-field stamps (what protocol 1 carries) and
  without any stamps (the floor);
- disk: what the records add to an empty device database (after a WAL checkpoint), against
  the plain JSON of the same records as pulled (packed stamps) and as protocol 1 carried them;
- before: the same pull by the client of --before (default: the commit before issue 15; it
  announces protocol 1, so it also shows that an old client still syncs).

Targets (issue 15): time <= 2x the copy, < 1.3 MB on the wire for 10,000 records, device
database <= 1.5x the plain JSON. Then the save-latency bench runs on the synced laptop's file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.store import open_store
from app.sync.client import SyncClient
from bench import save_latency
from bench._kabupaten import Seeded, seed
from bench._server import PIDS, ROOT, cpu_seconds, running_server
from core.stamps import pack
from sync_server.store.models import User
from sync_server.store.sqlite_rows import filter_sql
from sync_server.sync.scope import read_filter
from tests.netproxy import Proxy

DEVICES = ("kabupaten", "kecamatan", "ptps", "saksi")
BEFORE_REV = "59f39a7"  # the last commit before issue 15: per-field stamps, one upsert a record


class Counting(httpx.BaseTransport):
    """An HTTP transport that counts response body bytes as they arrive (still compressed)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.bytes = 0
        self.pages = 0
        self.encodings: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path == "/v1/sync/pull":
            self.pages += 1
            self.encodings.add(response.headers.get("content-encoding", "none"))
        stream = response.stream
        assert isinstance(stream, httpx.SyncByteStream)
        chunks = list(stream)
        stream.close()
        self.bytes += sum(len(c) for c in chunks)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=httpx.ByteStream(b"".join(chunks)))  # fmt: skip


@dataclass
class Pull:
    seconds: float
    wire: int
    pages: int
    records: int
    db_bytes: int
    encoding: str = ""
    cpu: float = 0.0  # client + server process CPU seconds


def db_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    return path.stat().st_size


def fresh_pull(url: str, token: str, path: Path) -> Pull:
    """A new device's first sync_once() (its empty database made before, as at enrolment)."""
    transport = Counting()
    store = open_store(path)
    client = SyncClient(store, url, token, transport=transport)
    server = PIDS.get(url)
    cpu0, server0 = time.process_time(), cpu_seconds(server) if server else 0.0
    start = time.perf_counter()
    report = client.sync_once()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu0 + (cpu_seconds(server) - server0 if server else 0.0)
    client.close()
    store.db.conn.close()
    encoding = "+".join(sorted(transport.encodings))
    size = db_size(path)
    return Pull(seconds, transport.bytes, transport.pages, report.pulled, size, encoding, cpu)


BEFORE = """
import json, sqlite3, sys, time
from app.store import open_store
from app.sync.client import SyncClient
url, token, path = sys.argv[1:4]
store = open_store(path)
start = time.perf_counter()
report = SyncClient(store, url, token).sync_once()
seconds = time.perf_counter() - start
store.db.conn.close()
print(json.dumps({"seconds": seconds, "records": report.pulled}))
"""


def on_2g(url: str, token: str, path: Path) -> tuple[float, float]:
    """The same first pull through a 2G-like link (50 kbit/s each way, 300 ms latency), and
    one health round trip over that link (the floor any pull pays)."""
    proxy = Proxy(int(url.rsplit(":", 1)[1]), rate=6250, latency_s=0.3)
    try:
        start = time.perf_counter()
        httpx.get(f"{proxy.url}/v1/health", timeout=30).raise_for_status()
        trip = time.perf_counter() - start
        pull = fresh_pull(proxy.url, token, path)
    finally:
        proxy.close()
    return pull.seconds, trip


def before_pull(url: str, token: str, folder: Path, rev: str) -> Pull | None:
    """The same first pull by the client of `rev` (its app/ and core/, in a subprocess)."""
    code = folder / "before-client"
    code.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "app", "core"],
                             capture_output=True, check=False)  # fmt: skip
    if archive.returncode:
        return None
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    path = folder / "before.db"
    out = subprocess.run([sys.executable, "-c", BEFORE, url, token, str(path)], cwd=code,
                         env={"PYTHONPATH": str(code)}, capture_output=True, text=True,
                         check=True)  # fmt: skip
    got = json.loads(out.stdout)
    return Pull(got["seconds"], 0, 0, got["records"], db_size(path))


def same_rows(server_db: Path, user: User, stamps: str = "stamps") -> list[tuple[Any, ...]]:
    """The rows `user` may read; `stamps="packed"` takes the packed stamps the server keeps
    beside the per-field map (what the device stores)."""
    where, params = filter_sql(read_filter(user), "r")
    conn = sqlite3.connect(server_db)
    sql = f"select id, kind, tps, author, fields, {stamps}, seq from records r where {where}"
    rows = conn.execute(sql + " order by seq", params).fetchall()
    conn.close()
    return rows


def copy_seconds(server_db: Path, user: User, path: Path, stamps: str) -> tuple[float, float]:
    """The floor: read the same rows from the server's file (`stamps`: the per-field map,
    the issue's baseline, or the packed stamps the server also keeps), write them into a
    fresh device database (its real schema and pragmas) with one executemany, one
    transaction. Returns wall and CPU seconds."""
    open_store(path).db.conn.close()
    start, cpu0 = time.perf_counter(), time.process_time()
    rows = same_rows(server_db, user, stamps)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma synchronous = full")
    conn.execute("begin")
    conn.executemany(
        "insert into records (id, kind, tps, author, fields, stamps, status, shared, deleted,"
        " updated_ms) values (?, ?, ?, ?, ?, ?, 'final', 1, 0, ?)",
        rows,
    )
    conn.execute("commit")
    conn.close()
    return time.perf_counter() - start, time.process_time() - cpu0


def json_sizes(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    """The same records as one JSON document: per-field stamps, packed, none; raw and gzip."""
    full, packed, bare = [], [], []
    for rid, kind, tps, author, fields_raw, stamps_raw, seq in rows:
        fields, stamps = json.loads(fields_raw), json.loads(stamps_raw)
        head = {"id": rid, "kind": kind, "tps": tps, "author": author, "fields": fields}
        full.append({**head, "stamps": stamps, "seq": seq})
        per_field = {k: (v[0], v[1]) for k, v in stamps.items()}
        packed.append({**head, "stamps": pack(fields, per_field), "seq": seq})
        bare.append({**head, "seq": seq})
    out = {}
    for name, doc in (("full", full), ("packed", packed), ("bare", bare)):
        raw = json.dumps(doc, separators=(",", ":")).encode()
        out[name], out[f"{name}_gz"] = len(raw), len(gzip.compress(raw, 9, mtime=0))
    return out


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB" if n < 1_000_000 else f"{n / 1e6:,.2f} MB"


def report(name: str, p: Pull, base: dict[str, float], old: Pull | None) -> None:
    """One device's figures, each beside its baseline from the same run."""
    n = max(p.records, 1)
    print(f"\n== {name}: {p.records} records, {p.pages} pages ({p.encoding})")
    print(f"  time  {p.seconds * 1000:9.0f} ms   copy of the same rows {base['copy'] * 1000:.0f} ms"
          f"   ratio {p.seconds / base['copy']:.2f}x (target <= 2x; medians)")  # fmt: skip
    print(f"  CPU   {p.cpu * 1000:9.0f} ms   client + server processes; the copy "
          f"{base['copy_cpu'] * 1000:.0f} ms: ratio {p.cpu / base['copy_cpu']:.2f}x")  # fmt: skip
    print(f"        copy with the stamps already packed (a stricter floor): "
          f"{base['packed_copy'] * 1000:.0f} ms, ratio {p.seconds / base['packed_copy']:.2f}x; "
          f"CPU {base['packed_copy_cpu'] * 1000:.0f} ms, "
          f"ratio {p.cpu / base['packed_copy_cpu']:.2f}x")  # fmt: skip
    if old is not None:
        print(f"        the client before issue 15: {old.seconds * 1000:.0f} ms, "
              f"{old.seconds / p.seconds:.1f}x this; its database {kb(old.db_bytes)}")  # fmt: skip
    print(f"  wire  {kb(p.wire):>12} ({p.wire / n:.0f} B/record)   gzip -9 of the same JSON: "
          f"{kb(base['full_gz'])} with per-field stamps (ratio {p.wire / base['full_gz']:.2f}x), "
          f"{kb(base['bare_gz'])} without stamps ({p.wire / base['bare_gz']:.2f}x)")  # fmt: skip
    grown = p.db_bytes - base["empty"]
    if grown <= 0:
        print(f"  disk  {kb(p.db_bytes):>12} = the empty schema's pages: the records "
              f"({kb(base['packed'])} of JSON) fit in them")  # fmt: skip
        return
    print(f"  disk  {kb(p.db_bytes):>12} = empty schema {kb(base['empty'])} + {kb(grown)} "
          f"({grown / n:.0f} B/record)   plain JSON {kb(base['packed'])} as pulled: ratio "
          f"{grown / base['packed']:.2f}x (target <= 1.5x); {kb(base['full'])} with per-field "
          f"stamps")  # fmt: skip


def rounds(url: str, token: str, server_db: Path, user: User, folder: Path, k: int,
           ) -> tuple[Pull, dict[str, float]]:  # fmt: skip
    """`k` fresh pulls and `k` copies of each kind, interleaved so they share the machine's
    mood; the median pull (by wall time) and the median copy wall and CPU times: `copy` (the
    rows as the server's records table had them, per-field stamps) and `packed_copy`."""
    pulls: list[Pull] = []
    times: dict[str, list[float]] = {}
    for r in range(k):
        pulls.append(fresh_pull(url, token, folder / f"pull-{r}.db"))
        for name, column in (("copy", "stamps"), ("packed_copy", "packed")):
            wall, cpu = copy_seconds(server_db, user, folder / f"{name}-{r}.db", column)
            times.setdefault(name, []).append(wall)
            times.setdefault(f"{name}_cpu", []).append(cpu)
    pull = sorted(pulls, key=lambda p: p.seconds)[k // 2]
    pull.cpu = statistics.median(p.cpu for p in pulls)
    return pull, {name: statistics.median(values) for name, values in times.items()}


def run(folder: Path, n: int, ballots: list[str], before: str, k: int) -> None:
    server_db = folder / "server.db"
    t0 = time.perf_counter()
    seeded: Seeded = seed(server_db, n, ballots)
    print(f"seeded {seeded.records} records ({', '.join(ballots)}) in "
          f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
    open_store(folder / "empty.db").db.conn.close()
    empty = db_size(folder / "empty.db")
    with running_server(server_db) as url:
        for name in DEVICES:
            user, token = seeded.users[name], seeded.tokens[name]
            (folder / name).mkdir()
            pull, copies = rounds(url, token, server_db, user, folder / name, k)
            base: dict[str, float] = {**json_sizes(same_rows(server_db, user)), **copies}
            base["empty"] = empty
            old = (
                before_pull(url, token, folder, before) if before and name == "kabupaten" else None
            )
            report(name, pull, base, old)
            if name != "kabupaten":
                slow, trip = on_2g(url, token, folder / f"{name}-2g.db")
                print(f"  2G    {slow * 1000:9.0f} ms through a 50 kbit/s, 300 ms link; one round"
                      f" trip on it {trip * 1000:.0f} ms: ratio {slow / trip:.1f}x")  # fmt: skip
    print()
    m = save_latency.measure(folder / "saves", 300, n)
    save_latency.report(m, 300, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--ballots", default="ppwp", help="comma-separated, e.g. all five")
    parser.add_argument("--before", default=BEFORE_REV,
                        help="git revision of the client to compare with ('' to skip)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="pulls and copies per device")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp), args.n, args.ballots.split(","), args.before, args.rounds)


if __name__ == "__main__":
    main()
