"""The region registry on the device: load it from the packaged CSV and search it instantly.

Search runs over the ~330 kecamatan and desa names first, then expands the matching desa to
their TPS, so a query never scans all 3,858 TPS labels (see bench/search.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from core.registry import Registry, Tps, build

FILLER = frozenset({"tps", "desa", "kel", "kelurahan", "kec", "kecamatan", "no", "nomor"})


def load_registry(csv_path: str | Path) -> Registry:
    with open(csv_path, newline="", encoding="utf-8") as f:
        return build(csv.DictReader(f))


@dataclass(frozen=True)
class SearchResult:
    total: int
    items: list[Tps]


@dataclass
class RegionIndex:
    registry: Registry
    by_id: dict[str, Tps] = field(default_factory=dict)
    _desa_order: list[str] = field(default_factory=list)
    _desa_text: dict[str, str] = field(default_factory=dict)
    _by_desa: dict[str, list[Tps]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for tps in self.registry.tps:
            self.by_id[tps.id] = tps
            if tps.desa not in self._by_desa:
                self._by_desa[tps.desa] = []
                self._desa_order.append(tps.desa)
                self._desa_text[tps.desa] = f"{tps.desa_name} {tps.kecamatan_name}".lower()
            self._by_desa[tps.desa].append(tps)

    def get(self, tps_id: str) -> Tps | None:
        return self.by_id.get(tps_id)

    def search(self, query: str, limit: int = 100) -> SearchResult:
        """TPS whose desa/kecamatan name holds every word and whose number matches every number."""
        words = [w for w in query.lower().replace(",", " ").split() if w not in FILLER]
        if not words:
            return SearchResult(0, [])
        if len(words) == 1 and words[0] in self.by_id:
            return SearchResult(1, [self.by_id[words[0]]])
        numbers = {int(w) for w in words if w.isdigit()}
        texts = [w for w in words if not w.isdigit()]
        found: list[Tps] = []
        for desa in self._desa_order:
            text = self._desa_text[desa]
            if all(w in text for w in texts):
                found.extend(t for t in self._by_desa[desa] if not numbers or t.number in numbers)
        return SearchResult(len(found), found[:limit])

    def assigned(self, scope: tuple[str, ...] | list[str], limit: int = 200) -> list[Tps]:
        """The TPS a user's scope names: TPS ids, or every TPS under a region code."""
        out: list[Tps] = []
        for item in scope:
            if item in self.by_id:
                out.append(self.by_id[item])
                continue
            prefix = item.replace(".", "")
            out.extend(t for t in self.registry.tps if t.id.startswith(prefix))
        return list({t.id: t for t in out}.values())[:limit]
