"""The world of the sync simulation: an in-process server on a temp file, phones on their own
SQLite files, and the faulty network between them (tests/test_sync_simulation.py)."""

from __future__ import annotations

import contextlib
import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.store import Identity, Store, open_store
from app.store.keys import key_path, write_key
from app.sync import SyncClient, SyncError
from core import signing
from core.protocol import Op, PushRequest
from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore

TPS = "3517012001001"
T0 = 1_707_890_400_000
DAY = 86_400_000
REGION = [
    {"kode": "35.17", "nama": "Kabupaten Jombang"},
    {"kode": "35.17.01", "nama": "Perak"},
    {"kode": "35.17.01.2001", "nama": "Jantiganggong", "nama_kecamatan": "Perak",
     "tps_reguler_pemilu2024": "2"},
]  # fmt: skip


class Crash(Exception):
    """The app died inside a local transaction."""


@dataclass
class Net(httpx.BaseTransport):
    """One phone's link: drops, responses lost after commit, duplicates, late replays. Every
    op a push carries is noted (the oracle needs its base); `during_push` runs before a push
    reaches the server (the user saves while a sync is under way)."""

    inner: httpx.BaseTransport
    rng: random.Random
    sent: dict[str, Op]
    faulty: bool = False
    during_push: Callable[[], None] | None = None
    stale: list[httpx.Request] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/sync/push":
            self._note(request)
            if self.during_push is not None:
                hook, self.during_push = self.during_push, None
                hook()
        if not self.faulty:
            return self.inner.handle_request(request)
        copy = httpx.Request(request.method, request.url, headers=request.headers,
                             content=request.content)  # fmt: skip
        if self.stale and self.rng.random() < 0.2:  # an old request arrives late
            self._quiet(self.stale.pop(self.rng.randrange(len(self.stale))))
        roll = self.rng.random()
        if roll < 0.12:
            raise httpx.ConnectError("dropped before arrival")
        if roll < 0.24:
            self._quiet(request)
            raise httpx.ReadError("response lost after commit")
        if roll < 0.32:
            self._quiet(copy)  # duplicated; the second answer is the one the phone sees
        if roll > 0.9 and request.method == "POST":
            self.stale.append(copy)
        return self.inner.handle_request(request)

    def _note(self, request: httpx.Request) -> None:
        import gzip

        raw = request.content
        body = PushRequest.model_validate_json(
            gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        )
        for op in body.ops:
            self.sent[op.op_id] = op

    def _quiet(self, request: httpx.Request) -> None:
        self.inner.handle_request(request).read()


@dataclass
class Phone:
    name: str
    path: Path
    identity: Identity
    net: Net
    skew: int
    now: list[int]
    crash_next: bool = False
    url: str = "http://server"
    key: bytes = b""  # the device's signing key, written beside its database at boot
    store: Store = field(init=False)
    client: SyncClient = field(init=False)

    def __post_init__(self) -> None:
        self.boot()

    def boot(self, batch_size: int = 3) -> None:
        """Start the app from its file, as after the phone died."""
        self.store = open_store(self.path, now_ms=lambda: self.now[0] + self.skew)
        if self.store.identity() is None:
            self.store.set_identity(self.identity)
        if self.key:
            write_key(key_path(self.store), self.key)
        self.client = SyncClient(self.store, self.url, self.identity.token,
                                 transport=self.net, attempts=2, sleep=lambda _s: None,
                                 batch_size=batch_size)  # fmt: skip
        CRASHY[id(self.store)] = self

    def die(self) -> None:
        CRASHY.pop(id(self.store), None)
        self.store.db.conn.close()
        self.boot()

    def backup(self, to: Path) -> None:
        """A copy of the database as a backup app would take it (consistent, WAL included)."""
        with contextlib.closing(sqlite3.connect(to)) as dest:
            self.store.db.conn.backup(dest)

    def restore(self, source: Path) -> None:
        CRASHY.pop(id(self.store), None)
        self.store.db.conn.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, self.path)
        self.boot()

    def sync(self, batch_size: int) -> None:
        self.client.batch_size = batch_size
        try:
            self.client.sync_once()
        except Crash:
            self.die()
        except SyncError:
            pass


CRASHY: dict[int, Phone] = {}


def crashy(real: Callable[..., Any]) -> Callable[..., Any]:
    """`real` (an apply_* of app.store.exchange) that, once asked, dies before its commit."""

    def wrapped(store: Store, *args: Any) -> Any:
        phone = CRASHY.get(id(store))
        if phone is None or not phone.crash_next:
            return real(store, *args)
        phone.crash_next = False
        with store.transaction():
            real(store, *args)
            raise Crash()

    return wrapped


@dataclass
class World:
    """A fresh server on a temp file with its users and devices; stopped by `close`."""

    root: Path
    now: list[int] = field(default_factory=lambda: [T0])
    client: TestClient = field(init=False)

    def __post_init__(self) -> None:
        settings = Settings(db_path=self.root / "server.db", blob_dir=self.root / "blobs",
                            now_ms=lambda: self.now[0])  # fmt: skip
        self.client = TestClient(create_app(settings))
        self.client.__enter__()
        with contextlib.closing(self.server()) as s:
            s.replace_region(build(REGION))

    def server(self) -> SqliteStore:
        return SqliteStore(self.root / "server.db")

    def user(self, role: str) -> str:
        with contextlib.closing(self.server()) as s:
            scope = ["35.17"] if role == "supervisor" else [TPS]
            return accounts.create_user(s, f"sim {role}", role, scope).id

    def phone(self, name: str, user_id: str, role: str, skew: int, rng: random.Random,
              sent: dict[str, Op]) -> Phone:  # fmt: skip
        with contextlib.closing(self.server()) as s:
            key = signing.new_private_key()
            public = signing.public_key_of(key)
            device, token = accounts.add_device(s, user_id, name, self.now[0], public)
        scope = ("35.17",) if role == "supervisor" else (TPS,)
        ident = Identity("http://server", device.id, token, user_id, name, role, None, scope)
        net = Net(self.client._transport, rng, sent)
        return Phone(name, self.root / f"{name}.db", ident, net, skew, self.now, key=key)

    def close(self) -> None:
        self.client.__exit__(None, None, None)


def server_view(phone: Phone) -> dict[str, tuple[dict[str, Any], dict[str, tuple[int, str]]]]:
    """Every record the phone may read, as the server holds it (pulled from 0, no faults)."""
    out: dict[str, tuple[dict[str, Any], dict[str, tuple[int, str]]]] = {}
    since = 0
    headers = {"Authorization": f"Bearer {phone.identity.token}"}
    for _ in range(1000):
        url = f"http://server/v1/sync/pull?since={since}&limit=1000"
        page = phone.net.inner.handle_request(httpx.Request("GET", url, headers=headers))
        page.read()
        body = page.json()
        for r in body["records"]:
            out[r["id"]] = (r["fields"], {k: (v[0], v[1]) for k, v in r["stamps"].items()})
        if not body["more"]:
            return out
        since = body["next"]
    raise AssertionError("pull did not finish")
