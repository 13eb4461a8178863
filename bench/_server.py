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
def running_server(
    db: Path, port: int | None = None, database_url: str | None = None, workers: int = 1
) -> Iterator[str]:
    """Start `sync_server.admin.cli serve` on 127.0.0.1 (on PostgreSQL when `database_url`
    is given, else on the SQLite file `db`); stop it by its own PID."""
    port = port or free_port()
    env = {**os.environ, "PANTAU_BLOB_DIR": str(db.parent / "blobs")}
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
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
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
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
