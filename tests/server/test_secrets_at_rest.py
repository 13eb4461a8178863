"""Secrets at rest (issue 11, point 9): device and server databases 0600 (with their WAL
files), and the API map (/docs, /openapi.json) off unless a setting turns it on."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.store.store import open_store
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import app_of


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_device_database_with_its_token_is_owner_only(tmp_path: Path):
    old = os.umask(0o022)
    try:
        store = open_store(tmp_path / "device.db")
        store.set_meta("token", "secret")
        made = sorted(p.name for p in tmp_path.iterdir())
        assert all(mode(tmp_path / name) == 0o600 for name in made), made
    finally:
        os.umask(old)


def test_an_existing_0644_device_database_is_tightened(tmp_path: Path):
    path = tmp_path / "device.db"
    open_store(path)
    os.chmod(path, 0o644)
    open_store(path)
    assert mode(path) == 0o600


def test_server_database_is_owner_only(tmp_path: Path):
    old = os.umask(0o022)
    try:
        store = SqliteStore(tmp_path / "server.db")
        store.migrate()
        store.close()
        made = sorted(p.name for p in tmp_path.iterdir())
        assert all(mode(tmp_path / name) == 0o600 for name in made), made
    finally:
        os.umask(old)


def test_docs_and_schema_need_a_setting(settings: Settings):
    with TestClient(create_app(settings)) as c:
        assert c.get("/openapi.json").status_code == 404
        assert c.get("/docs").status_code == 404
        assert app_of(c).openapi()["paths"]  # still built in-process (the fuzz test reads it)
    on = settings.model_copy(update={"api_docs": True})
    with TestClient(create_app(on)) as c:
        assert c.get("/openapi.json").status_code == 200


def test_opening_another_connection_never_opens_a_descriptor_on_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Closing any descriptor of a file drops every POSIX lock this process holds on it, so
    another connection's SQLite lock would vanish (the way a pool under load corrupted the
    file). Making an existing database owner-only is a chmod, never an open."""
    db = tmp_path / "server.db"
    SqliteStore(db).close()
    opened: list[str] = []
    real_open = os.open

    def watch(path: object, *args: object, **kwargs: object) -> int:
        fd = real_open(path, *args, **kwargs)  # type: ignore[arg-type]
        opened.append(str(path))  # a descriptor was opened (an O_EXCL refusal opens none)
        return fd

    monkeypatch.setattr(os, "open", watch)
    SqliteStore(db).close()
    open_store(tmp_path / "phone.db").db.close()
    open_store(tmp_path / "phone.db").db.close()
    assert str(db) not in opened
    assert opened.count(str(tmp_path / "phone.db")) <= 1  # only to create it
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
