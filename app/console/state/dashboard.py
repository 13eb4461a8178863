"""The dashboard for one ballot (the supervisor picks any of the election's): votes per pair,
candidate or party from decided values, the share of TPS decided and verified, the top flags,
and reporting progress.

Progress over the day comes from the server (/v1/review/progress: TPS reporting a first final
tally, cumulative per hour, WIB); per kecamatan it is the current state from /totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.console.state.base import Loadable
from core.election import CATEGORIES, Contestant
from core.review import DeploymentPlan, IncidentRow, Legend, ProgressHour, QueueCounts, TotalsRow
from core.words import word

CLOSED = {"terbukti", "tidak_terbukti", "tidak_diregistrasi", "diteruskan"}


def _party_keys(party: int, caleg: list[Contestant]) -> list[str]:
    """The vote keys of a party's total: its own votes and each of its candidates'."""
    return [str(party), *(f"{party}.{c.no}" for c in caleg)]


@dataclass
class DashboardModel(Loadable):
    ballot: str = "ppwp"
    kabupaten: TotalsRow | None = None
    kecamatan: list[TotalsRow] = field(default_factory=list)
    counts: QueueCounts = field(default_factory=QueueCounts)
    legend: Legend = field(default_factory=Legend)
    timeline: list[tuple[str, int]] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    plan: DeploymentPlan = field(default_factory=DeploymentPlan)
    available: tuple[int | None, int | None] = (None, None)  # as typed on the Peta screen
    loaded: int = 0

    def _fetch(
        self,
    ) -> tuple[
        TotalsRow | None,
        list[TotalsRow],
        QueueCounts,
        Legend,
        list[ProgressHour],
        tuple[list[IncidentRow], DeploymentPlan],
    ]:
        c, ballot = self.backend.client, self.ballot
        kab = c.totals("kabupaten", ballot).rows
        kec = c.totals("kecamatan", ballot).rows
        counts = c.queue(ballot=ballot, limit=1).counts  # only its counts
        hours = c.progress(ballot).hours
        extra = (c.incidents(), c.deployment(*self.available))
        return (kab[0] if kab else None), kec, counts, c.legend(), hours, extra

    async def load(self) -> None:
        got = await self.call(self._fetch)
        if got is None:
            return
        self.kabupaten, self.kecamatan, self.counts, self.legend, hours, extra = got
        self.incidents, self.plan = extra
        self.timeline = [(h.hour[11:16], h.reported) for h in hours][-24:]
        self.loaded += 1

    async def set_ballot(self, code: str) -> None:
        if code in self.backend.election.ballot_codes() and code != self.ballot:
            self.ballot = code
            await self.load()

    def ballot_name(self, lang: str) -> str:
        b = self.backend.election.ballot(self.ballot)
        return b.name_en if lang == "en" else b.name_id

    def reported(self) -> int:
        """TPS with at least one final tally for the ballot (every status but no data)."""
        return sum(v for k, v in self.counts.by_status.items() if k != "no_data")

    def candidates(self) -> list[tuple[str, str, int]]:
        """(short label, name, decided votes) per pair, candidate or party, in ballot order; a
        party's votes are its own plus its candidates' (as the form's party total)."""
        values = self.kabupaten.values if self.kabupaten else {}
        ballot = self.backend.election.ballot(self.ballot)

        def votes(key: str) -> int:
            return values.get(f"suara.{key}", 0)

        if ballot.kind == "partai":
            return [
                (p.singkatan, p.nama, sum(votes(k) for k in _party_keys(p.no, p.caleg)))
                for p in ballot.partai
            ]
        people = ballot.pasangan if ballot.kind == "pasangan" else ballot.calon
        return [(f"{c.no:02d}", c.nama, votes(str(c.no))) for c in people]

    def share(self) -> tuple[int, int, int]:
        """(decided TPS, verified TPS, all TPS)."""
        k = self.kabupaten
        return (k.decided, k.verified, k.tps) if k else (0, 0, 0)

    def top_flags(self, lang: str, n: int = 6) -> list[tuple[str, int]]:
        ranked = sorted(self.counts.by_rule.items(), key=lambda kv: -kv[1])[:n]
        return [(self.legend.rule_words(r, lang), k) for r, k in ranked]

    def progress_rows(self) -> list[tuple[str, int, int, int]]:
        """(kecamatan, TPS, decided, in conflict) per kecamatan."""
        return [(r.name, r.tps, r.decided, r.conflict) for r in self.kecamatan]

    def incident_counts(self, lang: str) -> tuple[list[tuple[str, int]], int, int]:
        """(reports per category in words, most first; open; closed)."""
        by_cat: dict[str, int] = {}
        for i in self.incidents:
            name = word("kategori", i.kategori or "lainnya", lang)
            by_cat[name] = by_cat.get(name, 0) + 1
        closed = sum(1 for i in self.incidents if i.proses in CLOSED)
        ranked = sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked, len(self.incidents) - closed, closed

    def kerawanan_counts(self) -> list[tuple[str, int]]:
        """Assessed TPS per kerawanan category, and those never assessed (key belum_dinilai):
        each TPS counted once (the plan itself counts an unassessed TPS as kurang rawan)."""
        rows = self.plan.kecamatan
        out = [(c, sum(r.dinilai.get(c, 0) for r in rows)) for c in CATEGORIES]
        return [*out, ("belum_dinilai", sum(r.belum_dinilai for r in rows))]

    def personnel(self) -> list[tuple[str, int, int | None]]:
        """(polisi | linmas, needed by the plan, available or None when not filled in)."""
        total, available = self.plan.total, self.plan.available
        return [
            ("polisi", total.polisi, available.polisi),
            ("linmas", total.linmas, available.linmas),
        ]
