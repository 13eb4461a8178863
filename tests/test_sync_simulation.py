"""A seeded multi-device simulation: 2-6 devices and one in-process server over a faulty network.

Faults: requests dropped before they arrive, responses lost after the server committed,
duplicated requests, stale requests replayed later (reordering), devices crashing inside a
pull transaction and restarting from their file, and device clocks days off. At quiescence
every replica holds exactly the server's state for what it may read, and every change a
device saved is on the server (or was superseded by a later write).

    pytest tests/test_sync_simulation.py                       # 300 seeds
    PANTAU_SIM_SEEDS=3000 pytest tests/test_sync_simulation.py  # more on demand
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

import app.sync.client as sync_client
from app.store import Identity, Store, open_store
from app.store.exchange import apply_pull as real_apply_pull
from app.store.keys import key_path, write_key
from app.sync import SyncClient, SyncError
from core import signing
from core.hlc import is_too_far_ahead
from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore

SEEDS = int(os.environ.get("PANTAU_SIM_SEEDS", "300"))
TPS = "3517012001001"
T0 = 1_707_890_400_000
DAY = 86_400_000
REGION = [
    {"kode": "35.17", "nama": "Kabupaten Jombang"},
    {"kode": "35.17.01", "nama": "Perak"},
    {"kode": "35.17.01.2001", "nama": "Jantiganggong", "nama_kecamatan": "Perak",
     "tps_reguler_pemilu2024": "2"},
]  # fmt: skip
# (role, party): two devices of one saksi, two of one PTPS, another party's saksi, a supervisor
USERS = [("saksi", 1), ("saksi", 1), ("ptps", None), ("supervisor", None), ("saksi", 2),
         ("ptps", None)]  # fmt: skip
SAME_USER_AS = {1: 0, 5: 2}  # device index -> device whose user it shares


class Crash(Exception):
    """The app died inside a transaction."""


@dataclass
class Net(httpx.BaseTransport):
    """The network between one device and the server: drops, losses, duplicates, replays."""

    inner: httpx.BaseTransport
    rng: random.Random
    faulty: bool = True
    stale: list[httpx.Request] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.faulty:
            return self.inner.handle_request(request)
        copy = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.content
        )
        if self.stale and self.rng.random() < 0.2:  # an old request arrives late
            self._quiet(self.stale.pop(self.rng.randrange(len(self.stale))))
        roll = self.rng.random()
        if roll < 0.12:
            raise httpx.ConnectError("dropped before arrival")
        if roll < 0.24:
            self._quiet(request)
            raise httpx.ReadError("response lost after commit")
        if roll < 0.32:
            self._quiet(copy)  # duplicated request; the second answer is the one we see
        if roll > 0.9 and request.method == "POST":
            self.stale.append(copy)
        return self.inner.handle_request(request)

    def _quiet(self, request: httpx.Request) -> None:
        self.inner.handle_request(request).read()


@dataclass
class Phone:
    path: Path
    identity: Identity
    net: Net
    skew: int
    now: list[int]
    crash_next_pull: bool = False
    store: Store = field(init=False)
    client: SyncClient = field(init=False)
    saved: list[tuple[str, str, object, tuple[int, str], int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.boot()

    def boot(self) -> None:
        """Start the app from its file, as after the phone died."""
        self.store = open_store(self.path, now_ms=lambda: self.now[0] + self.skew)
        if self.store.identity() is None:
            self.store.set_identity(self.identity)
        self.client = SyncClient(
            self.store,
            "http://server",
            self.identity.token,
            transport=self.net,
            attempts=2,
            sleep=lambda _s: None,
        )

    def die(self) -> None:
        self.store.db.conn.close()
        self.boot()

    def write(self, record_id: str, kind: str, fields: dict[str, object]) -> None:
        rec = self.store.save(record_id, kind, TPS, fields)
        at = self.now[0]  # the server's wall clock when this write was made
        self.saved.extend((record_id, k, v, rec.stamps[k], at) for k, v in fields.items())

    def sync(self) -> None:
        with contextlib.suppress(SyncError, Crash):
            self.client.sync_once()


def _apply_pull_that_may_crash(store: Store, page: object) -> None:
    phone = CRASHY.get(id(store))
    if phone is None or not phone.crash_next_pull:
        return real_apply_pull(store, page)  # type: ignore[arg-type]
    phone.crash_next_pull = False
    with store.transaction():  # data and cursor written, then the app dies before commit
        real_apply_pull(store, page)  # type: ignore[arg-type]
        raise Crash()


CRASHY: dict[int, Phone] = {}


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, Path, list[int]]]:
    now = [T0]
    path = tmp_path_factory.mktemp("sim") / "server.db"
    settings = Settings(db_path=path, blob_dir=path.parent / "blobs", now_ms=lambda: now[0])
    with TestClient(create_app(settings)) as client:
        s = SqliteStore(path)
        s.replace_region(build(REGION))
        s.close()
        yield client, path, now


def _phones(seed: int, server: tuple[TestClient, Path, list[int]], tmp: Path) -> list[Phone]:
    client, path, now = server
    rng = random.Random(seed)
    n = rng.randint(2, 6)
    s = SqliteStore(path)
    users: dict[int, str] = {}
    phones = []
    try:
        for i in range(n):
            role, party = USERS[i]
            scope = ["35.17"] if role == "supervisor" else [TPS]
            if i in SAME_USER_AS and SAME_USER_AS[i] < n:
                user_id = users[SAME_USER_AS[i]]
            else:
                user_id = accounts.create_user(s, f"sim{seed}-{i}", role, scope, party).id
            users[i] = user_id
            key = signing.new_private_key()
            public = signing.public_key_of(key)
            device, token = accounts.add_device(s, user_id, f"hp {i}", now[0], public)
            ident = Identity(
                "http://server", device.id, token, user_id, f"u{i}", role, party, tuple(scope)
            )
            skew = rng.choice([0, 0, rng.randint(-3 * DAY, 3 * DAY)])
            net = Net(client._transport, random.Random(seed * 31 + i))
            phone = Phone(tmp / f"phone{i}.db", ident, net, skew, now)
            write_key(key_path(phone.store), key)
            CRASHY[id(phone.store)] = phone
            phones.append(phone)
    finally:
        s.close()
    return phones


def _act(rng: random.Random, phone: Phone, seed: int, i: int) -> None:
    role = phone.identity.role
    mine = f"s{seed}-u{phone.identity.user_id[-6:]}"
    if role == "supervisor":
        incidents = [r for r in phone.store.records(kind="incident")]
        if incidents:
            target = rng.choice(incidents)
            phone.write(target.id, "incident", {"proses": rng.choice(["registrasi", "kajian"])})
        return
    if rng.random() < 0.5:
        fields: dict[str, object] = {
            name: rng.randint(0, 300)
            for name in rng.sample(["dpt_l", "dpt_p", "suara_sah", "suara_tidak_sah"], 2)
        }
        if rng.random() < 0.2:
            fields["status"] = "final"
        phone.write(f"{mine}-t{rng.randint(1, 2)}", "tally", fields)
    elif rng.random() < 0.9:
        fields = {rng.choice(["uraian", "tempat"]): f"{i}-{rng.random():.6f}"}
        phone.write(f"{mine}-i{rng.randint(1, 2)}", "incident", fields)
    else:
        rid = f"{mine}-i{rng.randint(1, 2)}"
        if phone.store.record(rid):
            phone.write(rid, "incident", {"deleted": True})


def _server_view(phone: Phone) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    phone.net.faulty = False
    out: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    since = 0
    for _ in range(1000):
        page = phone.net.handle_request(
            httpx.Request(
                "GET",
                f"http://server/v1/sync/pull?since={since}&limit=1000",
                headers={"Authorization": f"Bearer {phone.identity.token}"},
            )
        )
        page.read()
        body = page.json()
        for r in body["records"]:
            out[r["id"]] = (r["fields"], {k: tuple(v) for k, v in r["stamps"].items()})
        if not body["more"]:
            return out
        since = body["next"]
    raise AssertionError("pull did not finish")


@pytest.mark.parametrize("seed", range(SEEDS))
def test_replicas_converge_and_nothing_is_lost(seed, server, tmp_path, monkeypatch):
    monkeypatch.setattr(sync_client, "apply_pull", _apply_pull_that_may_crash)
    rng = random.Random(seed)
    phones = _phones(seed, server, tmp_path)
    now = server[2]
    for step in range(rng.randint(15, 40)):
        now[0] += rng.randint(1_000, 600_000)
        phone = rng.choice(phones)
        roll = rng.random()
        if roll < 0.55:
            _act(rng, phone, seed, step)
        elif roll < 0.9:
            phone.crash_next_pull = rng.random() < 0.2
            phone.sync()
        else:
            phone.die()
            CRASHY[id(phone.store)] = phone
    for phone in phones:  # quiescence: the network heals, everyone syncs twice
        phone.net.faulty = False
        phone.crash_next_pull = False
    for _ in range(2):
        for phone in phones:
            phone.client.sync_once()

    for phone in phones:
        assert phone.store.counts() == {"pending": 0, "failed": 0}
        server_state = _server_view(phone)
        local = {r.id: (r.fields, r.stamps) for r in phone.store.records(include_deleted=True)}
        assert local == server_state, f"device {phone.identity.device_id} differs"
        for record_id, name, value, stamp, at in phone.saved:
            fields, stamps = server_state[record_id]
            assert name in fields, f"{record_id}.{name} lost"
            if stamps[name] == stamp:
                assert fields[name] == value
            else:  # superseded by a later write, or our far-future stamp was clamped
                clamped = is_too_far_ahead(stamp[0], at)
                assert stamps[name] > stamp or clamped
