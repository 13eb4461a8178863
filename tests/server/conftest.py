"""Tiny fixtures: a fake wall clock, settings on a temp SQLite file, the app, enrolled devices."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from core import signing
from core.hlc import pack
from core.protocol import Op
from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.runtime import Runtime
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.opener import StoreOpener
from tests.server.backends import BACKENDS

TPS = "3517012001001"  # TPS 001 Jantiganggong, Perak
TPS_2 = "3517012001002"  # same desa
TPS_GUDO = "3517022001001"  # another kecamatan
T0 = 1_707_890_400_000  # 14 Feb 2024 13:00 WIB, election day (counting starts)

REGION_ROWS = [
    {"kode": "35.17", "nama": "Kabupaten Jombang"},
    {"kode": "35.17.01", "nama": "Perak"},
    {"kode": "35.17.01.2001", "nama": "Jantiganggong", "nama_kecamatan": "Perak",
     "tps_reguler_pemilu2024": "3"},
    {"kode": "35.17.02", "nama": "Gudo"},
    {"kode": "35.17.02.2001", "nama": "Pucangro", "nama_kecamatan": "Gudo",
     "tps_reguler_pemilu2024": "2"},
]  # fmt: skip


class FakeWall:
    """A wall clock a test moves by hand."""

    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@pytest.fixture(params=sorted(BACKENDS))
def fresh(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh, migrated store of each backend in `backends.BACKENDS` (the contract suites)."""
    store = BACKENDS[request.param](request)
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def wall() -> FakeWall:
    return FakeWall()


@contextmanager
def opened(settings: Settings) -> Iterator[Store]:
    """A store on the backend `settings` name (migrated), closed with its pool afterwards."""
    opener = StoreOpener(settings)
    store = opener()
    try:
        yield store
    finally:
        store.close()
        opener.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `every_backend` that use the server run once per backend."""
    if metafunc.definition.get_closest_marker("every_backend") is None:
        return
    if "server_backend" in metafunc.fixturenames:
        metafunc.parametrize("server_backend", sorted(BACKENDS), indirect=True)


@pytest.fixture
def server_backend(request: pytest.FixtureRequest) -> str:
    """The server's backend: SQLite, unless the test is marked `every_backend`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def settings(
    request: pytest.FixtureRequest, server_backend: str, tmp_path: Path, wall: FakeWall
) -> Settings:
    url = request.getfixturevalue("pg").new_database() if server_backend == "postgres" else None
    return Settings(db_path=tmp_path / "server.db", blob_dir=tmp_path / "blobs", now_ms=wall,
                    database_url=url, db_pool_size=8)  # fmt: skip


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with opened(settings) as store:
        store.replace_region(build(REGION_ROWS))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def store(client: TestClient, settings: Settings) -> Iterator[Store]:
    """A second connection to the server's database, to look at what was (not) written."""
    del client  # the server opened (and migrated) the database first
    with opened(settings) as s:
        yield s


class Device:
    """An enrolled device as a test sees it: ids, token, and a way to build its ops."""

    def __init__(
        self, client: TestClient, device_id: str, token: str, user_id: str, key: bytes
    ) -> None:
        self.client = client
        self.id = device_id
        self.token = token
        self.user_id = user_id
        self.key = key  # the device's Ed25519 private key (its public key is registered)
        self.headers = {"Authorization": f"Bearer {token}"}
        self._seq = itertools.count(1)
        self._batch = itertools.count(1)

    def op(
        self,
        record_id: str,
        fields: dict[str, Any],
        *,
        kind: str = "tally",
        tps: str = TPS,
        hlc: int | None = None,
        base: dict[str, Any] | None = None,
        seq: int | None = None,
    ) -> dict[str, Any]:
        n = next(self._seq) if seq is None else seq
        return {
            "op_id": f"{self.id}:{n}",
            "seq": n,
            "record_id": record_id,
            "kind": kind,
            "tps": tps,
            "fields": fields,
            "hlc": pack(T0, n) if hlc is None else hlc,
            "base": base or {},
        }

    def body(self, *ops: dict[str, Any], device_id: str | None = None) -> dict[str, Any]:
        """A push body signed by this device's key, as the app sends it."""
        return signed_body(self.key, device_id or self.id, next(self._batch), list(ops))

    def push(self, *ops: dict[str, Any], device_id: str | None = None) -> Any:
        body = self.body(*ops, device_id=device_id)
        return self.client.post("/v1/sync/push", json=body, headers=self.headers)

    def pull(self, since: int = 0, limit: int = 500, headers: dict[str, str] | None = None) -> Any:
        params = {"since": since, "limit": limit}
        return self.client.get(
            "/v1/sync/pull", params=params, headers={**self.headers, **(headers or {})}
        )


def signed_body(
    key: bytes, device_id: str, batch: int, ops: list[dict[str, Any]]
) -> dict[str, Any]:
    """A push body whose batch manifest is signed with `key` (core/signing.py); a body that
    is not a valid push (the bad-input tests) goes unsigned, as the server refuses its shape
    before it looks at a signature."""
    try:
        signed = signing.sign_batch(key, device_id, batch, [Op.model_validate(o) for o in ops])
    except ValidationError:
        return {"device_id": device_id, "ops": ops}
    return {"device_id": device_id, "ops": ops, "batch": signed.model_dump(mode="json")}


MakeDevice = Callable[..., Device]


@pytest.fixture
def make_device(client: TestClient, settings: Settings, wall: FakeWall) -> MakeDevice:
    """make_device(role, scope=[TPS], party=None, user_id=None) -> Device with a token."""

    def make(
        role: str = "saksi",
        scope: list[str] | None = None,
        party: int | None = None,
        user_id: str | None = None,
    ) -> Device:
        with opened(settings) as s:
            if user_id is None:
                if role == "saksi" and party is None:
                    party = 1
                user = accounts.create_user(s, f"Uji {role}", role, scope or [TPS], party)
                user_id = user.id
            key = signing.new_private_key()
            public = signing.public_key_of(key)
            device, token = accounts.add_device(s, user_id, f"hp {role}", wall(), public)
        return Device(client, device.id, token, user_id, key)

    return make


def app_of(client: TestClient) -> FastAPI:
    """The FastAPI app behind a TestClient (typed: TestClient only knows an ASGI callable)."""
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def runtime_of(client: TestClient) -> Runtime:
    """What the server holds between requests: its clock, worker and pool."""
    return cast(Runtime, app_of(client).state.runtime)
