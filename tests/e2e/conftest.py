"""Helpers for multi-process tests: a real sync server, a real field app in web mode, Chromium.

Every process is started here and stopped by its own PID; only 127.0.0.1 is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.console_helpers import ConsoleStack

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def cli(db: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "sync_server.admin.cli", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout


def seed(db: Path) -> dict[str, str]:
    """seed-demo; returns enrolment code by user name."""
    codes = {}
    for line in cli(db, "seed-demo", "--blob-dir", str(db.parent / "blobs")).splitlines():
        if "\t" in line:
            code, name = line.split("\t", 1)
            codes[name] = code
    return codes


def user_id(db: Path, name_part: str) -> str:
    for line in cli(db, "list-users").splitlines():
        if name_part in line:
            return line.split("\t")[0]
    raise KeyError(name_part)


@dataclass
class Proc:
    args: list[str]
    env: dict[str, str]
    log: Path
    health: str
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                self.args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_http(self.health)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None


def server_proc(db: Path, port: int, log: Path) -> Proc:
    args = [
        sys.executable,
        "-m",
        "sync_server.admin.cli",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
    ]
    env = {**os.environ, "PANTAU_BLOB_DIR": str(db.parent / "blobs")}
    return Proc(args, env, log, f"http://127.0.0.1:{port}/v1/health")


def app_proc(data_dir: Path, server_url: str, port: int, log: Path) -> Proc:
    env = {
        **os.environ,
        "PANTAU_SERVER_URL": server_url,
        "PANTAU_DATA_DIR": str(data_dir),
        "PANTAU_APP_PORT": str(port),
        "PANTAU_WEB": "1",
        "PANTAU_SYNC_INTERVAL": "2",
    }
    return Proc([sys.executable, "main.py"], env, log, f"http://127.0.0.1:{port}/")


def api(base: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def server_records(base: str, token: str, author: str) -> list[dict[str, Any]]:
    """The records `author` wrote, as a supervisor reads them through the pull API (the demo
    seed holds thousands of other records)."""
    found: dict[str, dict[str, Any]] = {}
    since = 0
    for _ in range(1000):  # bounded; every page advances the cursor
        page = api(base, "GET", f"/v1/sync/pull?since={since}&limit=1000", token=token)
        found.update({r["id"]: r for r in page["records"] if r["author"] == author})
        if not page["more"] or page["next"] <= since:
            break
        since = page["next"]
    return list(found.values())


@dataclass
class Stack:
    tmp: Path
    server: Proc
    app: Proc
    codes: dict[str, str]
    db: Path
    server_url: str
    app_url: str
    extra: dict[str, Any] = field(default_factory=dict)


def need_browser() -> None:
    """Skip without Chromium, except where the browser tests must run (`dev.py test`, CI):
    there a missing browser fails instead of passing by not testing."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not installed (apt-get install chromium): no browser tests"
    if os.environ.get("PANTAU_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    need_browser()
    db = tmp_path / "server.db"
    codes = seed(db)
    sport, aport = free_port(), free_port()
    server = server_proc(db, sport, tmp_path / "server.log").start()
    url = f"http://127.0.0.1:{sport}"
    app = app_proc(tmp_path / "device", url, aport, tmp_path / "app.log").start()
    st = Stack(tmp_path, server, app, codes, db, url, f"http://127.0.0.1:{aport}/")
    try:
        yield st
    finally:
        app.stop()
        server.stop()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleStack]:
    """The console's stack (server with the demo seed, three field sources, one conflict, the
    console process), shared by one module's tests."""
    from tests.e2e.console_helpers import start  # it imports this module's helpers

    need_browser()
    st = start(tmp_path_factory.mktemp("console"))
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture
def page(console: ConsoleStack) -> Iterator[Page]:
    """The console in Chromium at 1280x800, its queue shown."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.console_helpers import WAIT, ident, launch, open_console

    with sync_playwright() as p:
        browser = launch(p)
        try:
            pg = open_console(browser, console.console_url)
            ident(pg, "count-queue").wait_for(timeout=WAIT)
            yield pg
        finally:
            browser.close()
