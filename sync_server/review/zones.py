"""The time zone of each region, read once from `assets/data/zona_waktu.csv` (never hard-coded)."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from core.zona import Zones, zones_from_rows

ZONES_CSV = Path(__file__).resolve().parents[2] / "assets" / "data" / "zona_waktu.csv"


@functools.lru_cache(maxsize=4)
def zones(path: Path = ZONES_CSV) -> Zones:
    with open(path, encoding="utf-8") as f:
        return zones_from_rows(csv.DictReader(f))


def local_time(ms: int, place: str) -> str:
    """A time in the zone of `place` (a TPS or area code): WIB, WITA or WIT."""
    return zones().local_time(ms, place)
