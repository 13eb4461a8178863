"""Shared fixtures: the real election file and region registry from assets/."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core.election import Election
from core.registry import Registry, build

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"


@pytest.fixture(scope="session")
def election() -> Election:
    return Election.model_validate(json.loads((ASSETS / "elections/pemilu2024.json").read_text()))


@pytest.fixture(scope="session")
def registry() -> Registry:
    with open(ASSETS / "data/jombang_wilayah.csv", newline="", encoding="utf-8") as f:
        return build(csv.DictReader(f))
