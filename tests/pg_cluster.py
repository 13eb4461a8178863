"""A throwaway PostgreSQL cluster for the tests: Debian's binaries, a temporary directory,
127.0.0.1 on a free port, stopped by its own PID and removed afterwards.

`initdb` and `postgres` refuse to run as root: as root they run as the `postgres` user.
Without PostgreSQL the tests that need it are skipped, unless PANTAU_REQUIRE_POSTGRES=1
(`dev.py test`, CI), where that is a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres() -> dict[str, Any]:
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


@dataclass
class Cluster:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def missing() -> str | None:
    """Why no cluster can start here, or None."""
    if _bin_dir() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    return None


def start(durable: bool = False) -> Cluster:
    """Tests run without fsync (a throwaway cluster); benchmarks ask for a durable one."""
    bin_dir = _bin_dir()
    assert bin_dir is not None, missing()
    root = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    os.chmod(root, 0o700)
    subprocess.run(
        [str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
         "--no-sync", "-E", "UTF8", "--locale=C"],
        check=True, capture_output=True, **_as_postgres(),
    )  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        [str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
         "-k", str(root), "-c", "max_connections=200",
         *([] if durable else ["-c", "fsync=off", "-c", "full_page_writes=off"])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **_as_postgres(),
    )  # fmt: skip
    cluster = Cluster(root, port, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            psycopg.connect(cluster.url(), connect_timeout=1).close()
            return cluster
        except psycopg.OperationalError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    cluster.stop()
    raise RuntimeError("the throwaway PostgreSQL cluster did not start")
