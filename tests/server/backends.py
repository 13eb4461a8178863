"""The storage backends every contract test runs against: one table, one fixture (`fresh`,
in conftest.py). A backend entry opens a fresh, empty store; the fixture migrates it.

Contract suites: test_store_contract.py (Store), test_blob_store_contract.py (store.blobs()),
test_recon_store_contract.py (store.recon()).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sync_server.store.base import Store
from sync_server.store.pg import PgStore
from sync_server.store.pg_rows import open_pool
from sync_server.store.sqlite import SqliteStore

OpenStore = Callable[[pytest.FixtureRequest], Store]


def sqlite_backend(request: pytest.FixtureRequest) -> Store:
    tmp_path: Path = request.getfixturevalue("tmp_path")
    return SqliteStore(tmp_path / "contract.db")


def postgres_backend(request: pytest.FixtureRequest) -> Store:
    """A fresh database in the session's throwaway cluster (the `pg` fixture)."""
    url = request.getfixturevalue("pg").new_database()
    pool = open_pool(url, max_size=4)
    request.addfinalizer(pool.close)
    return PgStore(pool)


BACKENDS: dict[str, OpenStore] = {"sqlite": sqlite_backend, "postgres": postgres_backend}
