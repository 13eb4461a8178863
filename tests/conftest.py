"""Shared fixtures: the real election file and region registry from assets/."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.election import Election
from core.registry import Registry, build
from tests import pg_cluster

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"


@pytest.fixture(scope="session")
def election() -> Election:
    return Election.model_validate(json.loads((ASSETS / "elections/pemilu2024.json").read_text()))


@pytest.fixture(scope="session")
def registry() -> Registry:
    with open(ASSETS / "data/jombang_wilayah.csv", newline="", encoding="utf-8") as f:
        return build(csv.DictReader(f))


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_cluster.Cluster]:
    """A throwaway PostgreSQL cluster for the whole run (tests/pg_cluster.py); skipped when
    PostgreSQL is missing, a failure when PANTAU_REQUIRE_POSTGRES=1."""
    why = pg_cluster.missing()
    if why is not None:
        if os.environ.get("PANTAU_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PANTAU_REQUIRE_POSTGRES=1: {why}")
        pytest.skip(why)
    cluster = pg_cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
