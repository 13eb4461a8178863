"""The console's state against the real server app in-process: the Jombang demo seed, field
devices that push through their own store and SyncClient, and an enrolled supervisor laptop."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.console.backend import Backend
from app.console.state.console import Models
from app.store import Store, open_store
from app.store.regions import RegionIndex, load_registry
from app.sync import SyncClient, enrol, sync_and_upload
from app.sync.review import ReviewClient
from core.election import Election
from sync_server.admin import accounts, demo
from sync_server.main import create_app
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.recon_helpers import VOTES, form

ROOT = Path(__file__).resolve().parents[3]
TPS = demo.DEMO_TPS
URL = "http://testserver"
NAMES = {
    "supervisor": "[DEMO] Supervisor Polres Jombang",
    "ptps": "[DEMO] PTPS 001 Jantiganggong",
    "polisi": "[DEMO] Bhabinkamtibmas Jantiganggong",
    "saksi": "[DEMO] Saksi PKB TPS 001",
    "saksi2": "[DEMO] Saksi Gerindra TPS 001",
}


@pytest.fixture(scope="session")
def regions() -> RegionIndex:
    return RegionIndex(load_registry(ROOT / "assets/data/jombang_wilayah.csv"))


@pytest.fixture(scope="session")
def election() -> Election:
    text = (ROOT / "assets/elections/pemilu2024.json").read_text(encoding="utf-8")
    return Election.model_validate_json(text)


@dataclass
class World:
    tmp: Path
    transport: httpx.BaseTransport
    codes: dict[str, str]
    regions: RegionIndex
    election: Election
    db_path: Path = Path()
    devices: dict[str, Store] = field(default_factory=dict)

    def new_code(self, name: str) -> str:
        """Another one-time code for a demo user (a second device of the same person)."""
        s = SqliteStore(self.db_path)
        try:
            user = next(u for u in s.list_users() if u.name == name)
            key = server_key(Settings(db_path=self.db_path))
            return accounts.issue_enrol_code(s, user.id, int(time.time() * 1000), 72, key=key)
        finally:
            s.close()

    def device(self, who: str) -> Store:
        """A field device (or laptop) enrolled as one of the demo users."""
        if who not in self.devices:
            store = open_store(self.tmp / f"{who}.db")
            name = NAMES[who.split("#")[0]]
            code = self.new_code(name) if "#" in who else self.codes[name]
            enrol(store, URL, code, who, self.transport)
            self.devices[who] = store
        return self.devices[who]

    def sync(self, store: Store) -> None:
        ident = store.identity()
        assert ident is not None
        client = SyncClient(
            store, URL, ident.token, transport=self.transport, sleep=lambda _s: None
        )
        try:
            sync_and_upload(client)
        finally:
            client.close()

    def send(self, who: str, record_id: str, fields: dict[str, Any], kind: str = "tally") -> None:
        store = self.device(who)
        store.save(record_id, kind, TPS, fields)
        self.sync(store)

    def three_sources(self) -> None:
        """PTPS and saksi PKB wrote 99 for pair 1; the police officer's copy misread it as 44."""
        self.send("ptps", "t-ptps", form(VOTES))
        self.send("polisi", "t-polisi", form(VOTES, suara={**VOTES, "1": 44}))
        self.send("saksi", "t-saksi", form(VOTES))

    def models(self, who: str = "supervisor") -> Models:
        store = self.device(who)
        ident = store.identity()
        assert ident is not None
        client = ReviewClient(URL, ident.token, transport=self.transport, sleep=lambda _s: None)
        backend = Backend(store, client, self.regions, self.election, self.tmp / "ekspor",
                          sync=self.sync)  # fmt: skip
        return Models.create(backend)


@pytest.fixture
def world(tmp_path: Path, regions: RegionIndex, election: Election) -> Iterator[World]:
    settings = Settings(db_path=tmp_path / "server.db", blob_dir=tmp_path / "blobs")
    s = SqliteStore(settings.db_path)
    s.migrate()
    codes = dict(demo.seed(s, settings.region_csv, int(time.time() * 1000), 72,
                           key=server_key(settings)))  # fmt: skip
    s.close()
    with TestClient(create_app(settings)) as tc:
        yield World(tmp_path, tc._transport, codes, regions, election, settings.db_path)
