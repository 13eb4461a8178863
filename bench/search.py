"""TPS search over the whole region (3,858 TPS in Jombang): the app's index vs a linear scan.

    .venv/bin/python bench/search.py

Prints the median time per query of each and their ratio, both measured in this run (the
machines are shared and noisy, so only the ratio and the order of magnitude mean something).
Target from issue 3: under 30 ms per query.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.store.regions import FILLER, RegionIndex, load_registry  # noqa: E402
from core.registry import Tps  # noqa: E402

QUERIES = ["gadingmangu", "jogoroto", "perak 3", "12", "sumber", "jombang 7", "x", "3517012001001"]


def linear(tps: tuple[Tps, ...], query: str) -> int:
    """Baseline: build every label and test every word against it, on every query."""
    words = [w for w in query.lower().split() if w not in FILLER]
    found = 0
    for t in tps:
        text = f"{t.desa_name} {t.kecamatan_name} {t.id}".lower()
        numbers = [w for w in words if w.isdigit()]
        if all(w in text for w in words if not w.isdigit()) and all(
            int(w) == t.number or w == t.id for w in numbers
        ):
            found += 1
    return found


def median_ms(fn: Callable[[str], object], rounds: int = 30) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for q in QUERIES:
            fn(q)
        times.append((time.perf_counter() - start) / len(QUERIES))
    return statistics.median(times) * 1000


def main() -> None:
    registry = load_registry(ROOT / "assets/data/jombang_wilayah.csv")
    start = time.perf_counter()
    index = RegionIndex(registry)
    build_ms = (time.perf_counter() - start) * 1000
    fast = median_ms(lambda q: index.search(q))
    slow = median_ms(lambda q: linear(registry.tps, q))
    print(f"TPS in region:        {len(registry.tps)}")
    print(f"index build (once):   {build_ms:.2f} ms")
    print(f"index search / query: {fast:.3f} ms  (target < 30 ms)")
    print(f"linear scan / query:  {slow:.3f} ms  (baseline)")
    print(f"speed-up:             {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
