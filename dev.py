#!/usr/bin/env python3
"""Set up and run Pantau TPS with nothing but Python 3.11 installed.

    python3 dev.py start   # sync server (SQLite, Jombang demo data) + field app connected to it
    python3 dev.py test    # ruff, mypy and the whole test suite (browser tests included)
    python3 dev.py lock    # recompute requirements.lock after changing dependencies

The first run creates `.venv/` and installs the exact versions in requirements.lock, then the
project itself; later runs reuse it (re-installing when requirements.lock or pyproject.toml
changes). Standard library only, on purpose: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
DATA = ROOT / "data"
SERVER_PORT = int(os.environ.get("PANTAU_PORT", "8765"))
APP_PORT = int(os.environ.get("PANTAU_APP_PORT", "8550"))
LOCK = ROOT / "requirements.lock"
EXTRAS = ("server", "web", "dev", "qr")  # what `start` and `test` need; the lock covers these
LOCK_ARGS = ("pip", "compile", "pyproject.toml", *(f"--extra={e}" for e in EXTRAS),
             "--universal", "--python-version=3.11", "--no-progress", f"--output-file={LOCK.name}",
             "--custom-compile-command=python3 dev.py lock")  # fmt: skip


def run(*args: str | Path, **kw: object) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kw)  # type: ignore[call-overload]


def ensure_venv() -> None:
    """The locked versions, then the project itself without resolving again; `pip check`
    catches a pyproject.toml that asks for something the lock does not hold."""
    stamp = VENV / ".installed"
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(path.read_bytes())
    want = digest.hexdigest()
    if stamp.exists() and stamp.read_text() == want:
        return
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    run(PY, "-m", "pip", "install", "-q", "-r", LOCK)
    run(PY, "-m", "pip", "install", "-q", "--no-deps", "-e", ".")
    try:
        run(PY, "-m", "pip", "check")
    except subprocess.CalledProcessError:
        raise SystemExit(
            "! requirements.lock is older than pyproject.toml: python3 dev.py lock"
        ) from None
    stamp.write_text(want)


def lock() -> None:
    """Recompute requirements.lock with uv (kept versions stay unless pyproject.toml needs
    others; `python3 dev.py lock --upgrade` takes the newest allowed)."""
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        run(PY, "-m", "pip", "install", "-q", "uv")
    run(uv, *LOCK_ARGS, *sys.argv[2:])


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it when we can (root with apt-get)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "update", "-q")
        run("apt-get", "install", "-y", "-q", "chromium")
    else:
        print("! Chromium not found: browser tests will fail (apt-get install chromium)")


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"! {url} did not answer within {seconds:.0f} s")


def open_codes(cli: list[str | Path], db: Path, codes_file: Path) -> str:
    """The demo enrolment codes that still work (a used or expired one is never shown again)."""
    if not codes_file.exists():
        return ""
    args = [str(a) for a in (*cli, "open-codes", codes_file, "--db", db)]
    found = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    if found.strip():
        return "Kode pendaftaran demo yang masih berlaku (sekali pakai):\n" + found
    return ("Semua kode demo sudah dipakai. Kode baru: .venv/bin/pantau-server enrol-code "
            "USER_ID --db data/server.db (USER_ID dari list-users)\n")  # fmt: skip


def start() -> None:
    ensure_venv()
    DATA.mkdir(exist_ok=True)
    db = DATA / "server.db"
    cli = [PY, "-m", "sync_server.admin.cli"]
    codes_file = DATA / "demo-codes.txt"
    qr_dir = DATA / "demo-qr"
    server_url = f"http://127.0.0.1:{SERVER_PORT}"
    if not db.exists():
        print("+ seed-demo (Jombang: 21 kecamatan, 306 desa, 3,858 TPS; demo users)", flush=True)
        seed = ("seed-demo", "--db", db, "--qr-dir", qr_dir, "--server-url", server_url)
        out = subprocess.run(
            [str(a) for a in (*cli, *seed)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        codes_file.write_text(out)
    server = subprocess.Popen(
        [str(a) for a in (*cli, "serve", "--db", db, "--port", str(SERVER_PORT))], cwd=ROOT
    )
    try:
        wait_http(f"http://127.0.0.1:{SERVER_PORT}/v1/health")
        print(f"\nSync server: {server_url}\n{open_codes(cli, db, codes_file)}", flush=True)
        env = {
            **os.environ,
            "PANTAU_SERVER_URL": server_url,
            "PANTAU_DATA_DIR": str(DATA / "device"),
            "PANTAU_APP_PORT": str(APP_PORT),
        }
        app = subprocess.Popen([str(PY), "main.py"], cwd=ROOT, env=env)
        app.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test() -> None:
    ensure_venv()
    ensure_chromium()
    run(PY, "-m", "ruff", "check", ".")
    run(PY, "-m", "ruff", "format", "--check", ".")
    run(PY, "-m", "mypy", "core", "app", "sync_server", "tests", "bench", "verifier")
    # A missing Chromium or PostgreSQL fails, not skips.
    env = {**os.environ, "PANTAU_REQUIRE_BROWSER": "1", "PANTAU_REQUIRE_POSTGRES": "1"}
    run(PY, "-m", "pytest", "-p", "no:cacheprovider", *sys.argv[2:], env=env)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        start()
    elif command == "test":
        test()
    elif command == "lock":
        lock()
    else:
        raise SystemExit(__doc__)
