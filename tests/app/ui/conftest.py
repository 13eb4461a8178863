"""A fresh device store with an enrolled identity, and the services every state object uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Identity, open_store
from app.store.regions import RegionIndex
from app.ui.state.services import Services
from core.election import Election
from core.registry import Registry

TPS = "3517012001001"


def identity(role: str = "saksi", party: int | None = 1) -> Identity:
    return Identity("http://127.0.0.1:9", "d-test", "tok", "u-1", "Budi", role, party, (TPS,))


@pytest.fixture
def services(tmp_path: Path, election: Election, registry: Registry) -> Services:
    store = open_store(tmp_path / "device.db")
    store.set_identity(identity())
    return Services(store, RegionIndex(registry), election, "http://127.0.0.1:9")
