"""A real sync server process on a free loopback port, for benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests import pg_cluster
from tests.pg_cluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
PIDS: dict[str, int] = {}  # url -> pid of the server process behind it, while it runs


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def backend_cluster(backend: str) -> Iterator[Cluster | None]:
    """A throwaway PostgreSQL cluster for `postgres` (tests/pg_cluster.py), None for SQLite."""
    if backend != "postgres":
        yield None
        return
    cluster = pg_cluster.start(durable=True)  # fsync on, as SQLite's synchronous = FULL
    try:
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def running_server(db: Path, port: int | None = None) -> Iterator[str]:
    """The SQLite server on `db`; yields its URL."""
    with serving(db, port) as (url, _):
        yield url


def _tree(pid: int) -> list[int]:
    """A process and its descendants (uvicorn's workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def server_rss(pid: int) -> int:
    """Resident bytes of a process and its children (uvicorn's workers)."""
    total = 0
    for p in _tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) * 1024 for line in status.splitlines()
                     if line.startswith("VmRSS:"))  # fmt: skip
    return total


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its live children."""
    total = 0.0
    for p in _tree(pid):
        try:
            total += cpu_seconds(p)
        except OSError:
            continue
    return total


@contextmanager
def serving(
    db: Path, port: int | None = None, database_url: str | None = None, workers: int = 1
) -> Iterator[tuple[str, int]]:
    """Start `sync_server.admin.cli serve` on 127.0.0.1 (on PostgreSQL when `database_url`
    is given, else on the SQLite file `db`); yield its URL and PID; stop it by that PID."""
    port = port or free_port()
    # PANTAU_BENCH_LOG=FILE: the server's log (appended) for looking into a stall
    log = open(os.environ["PANTAU_BENCH_LOG"], "ab") if os.environ.get("PANTAU_BENCH_LOG") else None  # noqa: SIM115
    # PANTAU_DB_PATH even on PostgreSQL: the server's secret key file sits beside it
    env = {**os.environ, "PANTAU_BLOB_DIR": str(db.parent / "blobs"), "PANTAU_DB_PATH": str(db)}
    where = ["--db", str(db)]
    if database_url:
        env["PANTAU_DATABASE_URL"] = database_url
        where = []
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync_server.admin.cli",
            "serve",
            *where,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    PIDS[url] = proc.pid
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield url, proc.pid
    finally:
        PIDS.pop(url, None)
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            log.close()
