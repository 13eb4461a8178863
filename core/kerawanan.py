"""Vulnerability (kerawanan): a TPS's category from its indicators, and the personnel a
deployment pattern ('polisi-TPS-linmas', set by each Polres) asks for."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from core.election import CATEGORIES, Category, IndicatorSet, Pattern

CATEGORY_NAMES = {
    "kurang_rawan": ("Kurang rawan", "Low risk"),
    "rawan": ("Rawan", "Vulnerable"),
    "sangat_rawan": ("Sangat rawan", "Highly vulnerable"),
    "khusus": ("TPS khusus", "Special TPS"),
}


@dataclass(frozen=True)
class Assessed:
    category: Category
    yes: tuple[str, ...]
    why_id: str
    why_en: str


def categorize(answers: Mapping[str, bool], indicators: IndicatorSet) -> Assessed:
    """The category of one TPS and the reason, in words, from its yes/no answers."""
    rule = indicators.rule
    yes = tuple(code for code in indicators.codes() if answers.get(code))
    if any(code in yes for code in rule.khusus_if_any):
        hit = ", ".join(c for c in yes if c in rule.khusus_if_any)
        return Assessed(
            "khusus",
            yes,
            f"Lokasi khusus (indikator {hit})",
            f"Special location (indicator {hit})",
        )
    severe = [c for c in yes if c in rule.sangat_rawan_if_any]
    if severe:
        hit = ", ".join(severe)
        return Assessed(
            "sangat_rawan",
            yes,
            f"Indikator berat terpenuhi: {hit}",
            f"Severe indicator present: {hit}",
        )
    n = len(yes)
    if n >= rule.sangat_rawan_min_yes:
        return Assessed(
            "sangat_rawan",
            yes,
            f"{n} indikator terpenuhi (>= {rule.sangat_rawan_min_yes})",
            f"{n} indicators present (>= {rule.sangat_rawan_min_yes})",
        )
    if n >= rule.rawan_min_yes:
        return Assessed(
            "rawan",
            yes,
            f"{n} indikator terpenuhi (>= {rule.rawan_min_yes})",
            f"{n} indicators present (>= {rule.rawan_min_yes})",
        )
    return Assessed(
        "kurang_rawan",
        yes,
        f"{n} indikator terpenuhi (< {rule.rawan_min_yes})",
        f"{n} indicators present (< {rule.rawan_min_yes})",
    )


@dataclass(frozen=True)
class Need:
    category: Category
    tps: int
    polisi: int
    linmas: int


def personnel(counts: Mapping[str, int], pattern: Mapping[str, Pattern]) -> list[Need]:
    """Police and linmas needed per category: whole groups of `pattern.tps` TPS, rounded up."""
    needs = []
    for category in CATEGORIES:
        n = counts.get(category, 0)
        p = pattern.get(category)
        if p is None:
            continue
        groups = math.ceil(n / p.tps)
        needs.append(Need(category, n, groups * p.polisi, math.ceil(n * p.linmas / p.tps)))
    return needs
