"""Map markers grouped by a grid that follows the zoom: where TPS pile up, one marker says how
many, in the colour of the category most of them have (the worse one on a tie), so a pile of
unassessed TPS with one "sangat rawan" among them does not look red (pure, no flet)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

CELL_PX = 36  # points closer than about this many screen pixels share a marker
# Worst first: a cluster shows the most urgent category it holds.
SEVERITY = ("khusus", "sangat_rawan", "rawan", "belum_dinilai", "kurang_rawan")


@dataclass(frozen=True)
class Spot:
    lat: float
    lon: float
    key: str  # the legend key the point is drawn with


@dataclass(frozen=True)
class Cluster:
    lat: float
    lon: float
    n: int
    key: str


def cell_degrees(zoom: float, cell_px: int = CELL_PX) -> float:
    """Degrees of longitude that `cell_px` screen pixels span at `zoom` (Web Mercator)."""
    return 360.0 / (256.0 * math.pow(2.0, zoom)) * cell_px


def most(keys: Iterable[str]) -> str:
    """The most common key; on a tie the worse one (coverage: cov_0 is the worst)."""
    counts = Counter(keys)
    rank = {k: i for i, k in enumerate(SEVERITY)}
    return min(counts, key=lambda k: (-counts[k], rank.get(k, len(rank)), k))


def cluster(spots: Iterable[Spot], zoom: float) -> list[Cluster]:
    """One cluster per grid cell, at the mean of its points; a lone point is a cluster of 1."""
    size = cell_degrees(zoom)
    cells: dict[tuple[int, int], list[Spot]] = defaultdict(list)
    for s in spots:
        cells[(math.floor(s.lat / size), math.floor(s.lon / size))].append(s)
    out = []
    for group in cells.values():
        lat = sum(s.lat for s in group) / len(group)
        lon = sum(s.lon for s in group) / len(group)
        out.append(Cluster(lat, lon, len(group), most(s.key for s in group)))
    return sorted(out, key=lambda c: (c.lat, c.lon))
