"""Security planning: TPS per kerawanan category, personnel needed per kecamatan, and the map.

A TPS's category comes from its latest assessment (core.kerawanan.categorize); a special-location
TPS (9xx) without one is `khusus`; any other TPS without one is planned as `kurang_rawan` and
counted as `belum_dinilai` so nobody mistakes it for assessed.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.election import CATEGORIES, Election
from core.kerawanan import CATEGORY_NAMES, categorize, personnel
from core.registry import Tps
from sync_server.auth import Principal
from sync_server.store.base import Store
from sync_server.store.models import StoredRecord
from sync_server.sync.scope import read_filter

ROOT = Path(__file__).resolve().parents[2]
KECAMATAN_CSV = ROOT / "assets/data/jombang_kecamatan.csv"
DEMO_SPREAD_DEG = 0.03  # about 3 km around the kecamatan centre


def _latest(records: list[StoredRecord]) -> dict[str, StoredRecord]:
    best: dict[str, StoredRecord] = {}
    for r in records:
        if r.fields.get("deleted"):
            continue
        held = best.get(r.tps)
        key = (max(r.stamps.values(), default=(0, "")), r.id)
        if held is None or key > (max(held.stamps.values(), default=(0, "")), held.id):
            best[r.tps] = r
    return best


def categories(store: Store, who: Principal, election: Election) -> dict[str, tuple[str, bool]]:
    """TPS id -> (category, assessed) for every TPS in the caller's region."""
    read = read_filter(who.user)
    rs = store.recon()
    latest = _latest(rs.records_of("assessment", read))
    out: dict[str, tuple[str, bool]] = {}
    for t in rs.tps_in(read):
        found = latest.get(t.id)
        if found is not None and isinstance(found.fields.get("indikator"), dict):
            out[t.id] = (
                categorize(found.fields["indikator"], election.indicator_set).category,
                True,
            )
        else:
            out[t.id] = ("khusus" if t.number >= 900 else "kurang_rawan", False)
    return out


def plan(
    store: Store, who: Principal, election: Election, polisi: int | None, linmas: int | None
) -> dict[str, Any]:
    """Per kecamatan: TPS per category and police/linmas needed, against what is available."""
    cats = categories(store, who, election)
    tps = {t.id: t for t in store.recon().tps_in(read_filter(who.user))}
    by_kec: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    for tid, (cat, assessed) in cats.items():
        kec = tps[tid].kecamatan
        names[kec] = tps[tid].kecamatan_name
        by_kec[kec][cat] += 1
        by_kec[kec]["belum_dinilai"] += 0 if assessed else 1
        by_kec[kec][f"dinilai_{cat}"] += 1 if assessed else 0
    rows = [_row(kec, names[kec], counts, election) for kec, counts in sorted(by_kec.items())]
    need_p = sum(r["polisi"] for r in rows)
    need_l = sum(r["linmas"] for r in rows)
    return {
        "pattern": {k: v.model_dump() for k, v in election.deployment_pattern.items()},
        "category_names": {k: list(v) for k, v in CATEGORY_NAMES.items()},
        "kecamatan": rows,
        "total": {"tps": len(cats), "polisi": need_p, "linmas": need_l},
        "available": {"polisi": polisi, "linmas": linmas},
        "shortfall": {
            "polisi": None if polisi is None else max(need_p - polisi, 0),
            "linmas": None if linmas is None else max(need_l - linmas, 0),
        },
    }


def _row(code: str, name: str, counts: dict[str, int], election: Election) -> dict[str, Any]:
    needs = personnel(counts, {str(k): v for k, v in election.deployment_pattern.items()})
    return {
        "code": code,
        "name": name,
        "tps": sum(counts[c] for c in CATEGORIES),
        "categories": {c: counts[c] for c in CATEGORIES},  # as planned (unassessed included)
        "dinilai": {c: counts[f"dinilai_{c}"] for c in CATEGORIES},  # assessed TPS only
        "belum_dinilai": counts["belum_dinilai"],
        "polisi": sum(n.polisi for n in needs),
        "linmas": sum(n.linmas for n in needs),
        "needs": [n.__dict__ for n in needs],
    }


@lru_cache(maxsize=4)
def centres(path: Path = KECAMATAN_CSV) -> dict[str, tuple[float, float]]:
    """Kecamatan code -> approximate (lat, lon) of its centre (good for a map centre only)."""
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        return {r["kode_kemendagri"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}


def demo_position(t: Tps) -> tuple[float, float]:
    """A stable made-up position near the TPS's kecamatan centre (never a real location)."""
    known = centres()
    lat0, lon0 = known.get(t.kecamatan) or _mean(list(known.values()))
    digest = hashlib.sha256(t.id.encode()).digest()
    dx = (int.from_bytes(digest[:4], "big") / 2**32 - 0.5) * 2 * DEMO_SPREAD_DEG
    dy = (int.from_bytes(digest[4:8], "big") / 2**32 - 0.5) * 2 * DEMO_SPREAD_DEG
    return round(lat0 + dy, 6), round(lon0 + dx, 6)


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    if not points:
        return (0.0, 0.0)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def positions(store: Store, who: Principal) -> dict[str, tuple[float, float, bool]]:
    """TPS id -> (lat, lon, demo_position) from location records, else a demo position."""
    read = read_filter(who.user)
    rs = store.recon()
    latest = _latest(rs.records_of("location", read))
    out = {}
    for t in rs.tps_in(read):
        loc = latest.get(t.id)
        lat = loc.fields.get("lat") if loc else None
        lon = loc.fields.get("lon") if loc else None
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            out[t.id] = (float(lat), float(lon), False)
        else:
            out[t.id] = (*demo_position(t), True)
    return out
