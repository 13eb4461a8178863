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
from sync_server.store.sqlite import SqliteStore

OpenStore = Callable[[pytest.FixtureRequest, Path], Store]


def sqlite_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return SqliteStore(tmp_path / "contract.db")


BACKENDS: dict[str, OpenStore] = {"sqlite": sqlite_backend}
