"""Chaos run of the sync against a real server process: `kill -9` inside pushes, a cutting
proxy and client-side drops, duplicates and replays, phones restored from an old copy of their
database, clocks days off. At quiescence every replica equals the server, every op a phone
stopped holding is on the server with its content (or was refused and the user told), and
every conflict the server recorded is the one the rule expects (tests/sync_oracle.py).

    .venv/bin/python bench/chaos.py                 # 20 seeds
    .venv/bin/python bench/chaos.py --seeds 200 --steps 300
tests/e2e/test_chaos.py runs two short seeds in the normal test run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.store import Identity  # noqa: E402
from app.sync import Offline  # noqa: E402
from core import signing  # noqa: E402
from core.ledger import is_op  # noqa: E402
from core.protocol import Op  # noqa: E402
from core.registry import build  # noqa: E402
from sync_server.admin import accounts  # noqa: E402
from sync_server.settings import Settings, wall_ms  # noqa: E402
from sync_server.store.sqlite import SqliteStore  # noqa: E402
from tests.netproxy import Proxy  # noqa: E402
from tests.server.test_kill9 import MARKER, Server  # noqa: E402
from tests.sync_oracle import check_conflicts, differences, gone_unheld, outbox  # noqa: E402
from tests.sync_sim import DAY, REGION, TPS, Net, Phone  # noqa: E402

PHONES = [("p1", "P", "ptps"), ("p2", "P", "ptps"), ("q1", "Q", "ptps"), ("s1", "S", "supervisor")]
RECORDS = {"t1": ("tally", "P"), "t2": ("tally", "P"), "i1": ("incident", "P"),
           "qi": ("incident", "Q")}  # fmt: skip
PUSH_DELAY_MS = 60  # each push holds its transaction open this long: the window for kill -9


@dataclass
class Killer:
    """Watches the server say a push transaction is open and kills it there, now and then;
    restarts it on the same file and points every proxy at the new port."""

    db: Path
    rng: random.Random
    proxies: list[Proxy]
    server: Server = field(init=False)
    kills: int = 0
    pushes: int = 0
    armed: bool = True
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.server = Server(Settings(db_path=self.db), PUSH_DELAY_MS)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                line = self.server.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.pushes += MARKER in line
            if MARKER in line and self.armed and self.rng.random() < 0.35:
                self.server.kill9()
                self.kills += 1
                self.server = Server(Settings(db_path=self.db), PUSH_DELAY_MS)
                for proxy in self.proxies:
                    proxy.target_port = self.server.port

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        self.server.stop()


def _prepare(root: Path) -> dict[str, tuple[Identity, str, bytes]]:
    """Server database with its region, users and one device per phone (before it starts)."""
    store = SqliteStore(root / "server.db")
    try:
        store.migrate()
        store.replace_region(build(REGION))
        users: dict[str, str] = {}
        for _, u, role in PHONES:
            scope = ["35.17"] if role == "supervisor" else [TPS]
            users.setdefault(u, accounts.create_user(store, f"chaos {u}", role, scope).id)
        out = {}
        for name, u, role in PHONES:
            key = signing.new_private_key()  # the phone's signing key (written at its boot)
            public = signing.public_key_of(key)
            device, token = accounts.add_device(store, users[u], name, wall_ms(), public)
            scope_t = ("35.17",) if role == "supervisor" else (TPS,)
            ident = Identity("", device.id, token, users[u], name, role, None, scope_t)
            out[name] = (ident, u, key)
        return out
    finally:
        store.close()


def _log(db: Path) -> list[dict[str, object]]:
    store = SqliteStore(db)
    try:
        return [e.entry for e in store.log_entries() if is_op(e.entry)]  # not signed batches
    finally:
        store.close()


@dataclass
class Season:
    """One seed: phones behind cutting proxies, a killer, a random schedule, then the checks."""

    seed: int
    steps: int
    root: Path
    stats: Counter[str]
    sent: dict[str, Op] = field(default_factory=dict)

    def run(self) -> None:
        rng = random.Random(self.seed)
        ids = _prepare(self.root)
        proxies: list[Proxy] = []
        killer = Killer(self.root / "server.db", random.Random(self.seed * 13), proxies)
        phones: dict[str, Phone] = {}
        try:
            for name, (ident, _, key) in ids.items():
                proxy = Proxy(killer.server.port, cuts=sorted(rng.sample(range(1, 400_000), 4)))
                proxies.append(proxy)
                net = Net(httpx.HTTPTransport(), random.Random(self.seed * 31 + len(phones)),
                          self.sent)  # fmt: skip
                skew = rng.choice([0, 0, 3 * DAY, -3 * DAY])
                path = self.root / f"{name}.db"
                phones[name] = Phone(name, path, ident, net, skew, [wall_ms()], url=proxy.url,
                                     key=key)  # fmt: skip
            owners = {name: u for name, (_, u, _) in ids.items()}
            for _ in range(self.steps):
                self._step(rng, phones, owners)
            killer.armed = False
            self._quiesce(phones, proxies)
        finally:
            killer.close()
            for proxy in proxies:
                proxy.close()
        self.stats["kill -9 inside a push"] += killer.kills
        self.stats["pushes (server side)"] += killer.pushes
        self._check(phones)

    def _step(self, rng: random.Random, phones: dict[str, Phone], owners: dict[str, str]) -> None:
        phone = phones[rng.choice(sorted(phones))]
        phone.now[0] = wall_ms()
        roll = rng.random()
        if roll < 0.5:
            self._save(rng, phone, owners)
        elif roll < 0.85:
            self._sync(rng, phone)
        elif roll < 0.9:
            phone.backup(self.root / f"{phone.name}-backup.db")
        elif roll < 0.95 and (self.root / f"{phone.name}-backup.db").exists():
            phone.restore(self.root / f"{phone.name}-backup.db")
            self.stats["restores"] += 1
        else:
            phone.die()

    def _save(self, rng: random.Random, phone: Phone, owners: dict[str, str]) -> None:
        record_id = rng.choice(sorted(RECORDS))
        kind, owner = RECORDS[record_id]
        if owner != owners[phone.name] and phone.store.record(record_id) is None:
            return
        if phone.identity.role == "supervisor":
            if kind != "incident":
                return
            fields: dict[str, object] = {"proses": rng.choice(["registrasi", "kajian"])}
        elif kind == "tally":
            fields = {rng.choice(["dpt_l", "suara_sah"]): rng.randint(0, 300)}
        else:
            fields = {rng.choice(["uraian", "tempat"]): f"v{rng.randint(0, 99)}"}
            if rng.random() < 0.1:
                fields = {"deleted": True}
        phone.store.save(record_id, kind, TPS, fields)
        self.stats["saves"] += 1

    def _sync(self, rng: random.Random, phone: Phone) -> None:
        before = outbox(phone.store)
        phone.net.faulty = rng.random() < 0.3
        phone.crash_next = False
        phone.sync(rng.randint(1, 5))
        phone.net.faulty = False
        lost, _ = gone_unheld(phone.store, before, _log(self.root / "server.db"), self.sent)
        assert lost == [], f"seed {self.seed}: {phone.name} dropped {lost}"
        self.stats["syncs"] += 1

    def _quiesce(self, phones: dict[str, Phone], proxies: list[Proxy]) -> None:
        for proxy in proxies:
            proxy.pending_cuts.clear()
        for phone in phones.values():
            phone.net.stale.clear()
        for _ in range(3):
            for phone in phones.values():
                _settled(phone)

    def _check(self, phones: dict[str, Phone]) -> None:
        server = SqliteStore(self.root / "server.db")
        try:
            log = [e.entry for e in server.log_entries()]
            for phone in phones.values():
                assert phone.store.counts()["pending"] == 0, f"seed {self.seed}: {phone.name}"
                view = _view(server, phone)
                bad = differences(phone.store, view)
                assert bad == [], f"seed {self.seed}: {phone.name} differs on {bad}"
                self.stats["epochs started"] += phone.store.epoch
        finally:
            server.close()
        self.stats["ops checked against the conflict rule"] += check_conflicts(log, self.sent)
        self.stats["conflicts recorded"] += sum(bool(e.get("conflicts")) for e in log)


def _settled(phone: Phone) -> None:
    """One full sync, waiting out a server restart the killer began before it was disarmed."""
    for _ in range(60):
        try:
            phone.client.sync_once()
            return
        except Offline:
            time.sleep(0.5)
    raise AssertionError(f"{phone.name} could not reach the server")


def _view(server: SqliteStore, phone: Phone) -> dict[str, tuple[dict, dict]]:  # type: ignore[type-arg]
    """The records this phone may read, straight from the server's file."""
    from sync_server.sync.scope import read_filter

    user = server.get_user(phone.identity.user_id)
    assert user is not None
    rows = server.records_since(0, 100_000, read_filter(user))
    return {r.id: (r.fields, dict(r.stamps)) for r in rows}


def run(seeds: range, steps: int) -> Counter[str]:
    stats: Counter[str] = Counter()
    for seed in seeds:
        root = Path(tempfile.mkdtemp(prefix="pantau-chaos-"))
        try:
            Season(seed, steps, root, stats).run()
            stats["seeds"] += 1
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(root)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--steps", type=int, default=150)
    args = parser.parse_args()
    start = time.monotonic()
    stats = run(range(args.first, args.first + args.seeds), args.steps)
    print(json.dumps(dict(stats), indent=1))
    print(f"{stats['seeds']} seeds passed in {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
