"""The dashboard: votes per candidate from decided values, the share of TPS decided and
verified, the top flags, and reporting progress.

Progress over the day comes from the server (/v1/review/progress: TPS reporting a first final
tally, cumulative per hour, WIB); per kecamatan it is the current state from /totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.ui.console.state.base import Loadable

BALLOT = "ppwp"


@dataclass
class DashboardModel(Loadable):
    kabupaten: dict[str, Any] = field(default_factory=dict)
    kecamatan: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    legend: dict[str, Any] = field(default_factory=dict)
    timeline: list[tuple[str, int]] = field(default_factory=list)
    loaded: int = 0

    def _fetch(self) -> tuple[Any, ...]:
        c = self.backend.client
        kab = c.totals("kabupaten", BALLOT)["rows"]
        kec = c.totals("kecamatan", BALLOT)["rows"]
        queue = c.queue(ballot=BALLOT)
        hours = c.progress(BALLOT)["hours"]
        return (kab[0] if kab else {}), kec, queue.get("counts", {}), c.legend(), hours

    async def load(self) -> None:
        got = await self.call(self._fetch)
        if got is None:
            return
        self.kabupaten, self.kecamatan, self.counts, self.legend, hours = got
        self.timeline = [(h["hour"][11:16], int(h["reported"])) for h in hours][-24:]
        self.loaded += 1

    def reported(self) -> int:
        """TPS with at least one final tally for the ballot (every status but no data)."""
        by_status = self.counts.get("by_status", {})
        return sum(int(v) for k, v in by_status.items() if k != "no_data")

    def candidates(self) -> list[tuple[str, str, int]]:
        """(number, name, decided votes) per presidential pair, in ballot order."""
        values = self.kabupaten.get("values", {})
        ballot = self.backend.election.ballot(BALLOT)
        return [(str(c.no), c.nama, int(values.get(f"suara.{c.no}", 0))) for c in ballot.pasangan]

    def share(self) -> tuple[int, int, int]:
        """(decided TPS, verified TPS, all TPS)."""
        k = self.kabupaten
        return int(k.get("decided", 0)), int(k.get("verified", 0)), int(k.get("tps", 0))

    def top_flags(self, lang: str, n: int = 6) -> list[tuple[str, int]]:
        rules = self.legend.get("rules", {})
        by_rule = self.counts.get("by_rule", {})
        ranked = sorted(by_rule.items(), key=lambda kv: -int(kv[1]))[:n]
        return [(str(rules.get(r, [r, r])[1 if lang == "en" else 0]), int(k)) for r, k in ranked]

    def progress_rows(self) -> list[tuple[str, int, int, int]]:
        """(kecamatan, TPS, decided, in conflict) per kecamatan."""
        return [(r["name"], r["tps"], r["decided"], r["conflict"]) for r in self.kecamatan]
