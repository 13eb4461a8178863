"""The dashboard for one ballot (the supervisor picks any of the election's): votes per pair,
candidate or party from decided values, the share of TPS decided and verified, the top flags,
and reporting progress.

Progress over the day comes from the server (/v1/review/progress: TPS reporting a first final
tally, cumulative per hour, in the region's time zone); per kecamatan it is the current state
from /totals. Official recap figures (D.Hasil, imported from a CSV here or with the CLI) show
beside the sum of their counted TPS (/v1/review/recap): the selisih, the TPS still open, and
the figures above their TPS flagged as possible inflation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.console.state.base import Loadable
from app.console.strings import t
from core.election import Contestant


def _party_keys(party: int, caleg: list[Contestant]) -> list[str]:
    """The vote keys of a party's total: its own votes and each of its candidates'."""
    return [str(party), *(f"{party}.{c.no}" for c in caleg)]


@dataclass
class DashboardModel(Loadable):
    ballot: str = "ppwp"
    kabupaten: dict[str, Any] = field(default_factory=dict)
    kecamatan: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    legend: dict[str, Any] = field(default_factory=dict)
    timeline: list[tuple[str, int]] = field(default_factory=list)
    zone: str = ""  # WIB / WITA / WIT of the region, from the server
    recap: list[dict[str, Any]] = field(default_factory=list)
    loaded: int = 0

    def _fetch(self) -> tuple[Any, ...]:
        c, ballot = self.backend.client, self.ballot
        kab = c.totals("kabupaten", ballot)["rows"]
        kec = c.totals("kecamatan", ballot)["rows"]
        queue = c.queue(ballot=ballot, limit=1)  # only its counts
        progress = c.progress(ballot)
        recap = c.recap(ballot)["rows"]
        kab_row = kab[0] if kab else {}
        return kab_row, kec, queue.get("counts", {}), c.legend(), progress, recap

    async def load(self) -> None:
        got = await self.call(self._fetch)
        if got is None:
            return
        self.kabupaten, self.kecamatan, self.counts, self.legend, progress, self.recap = got
        hours = progress["hours"]
        self.zone = str(progress.get("zone") or "")
        self.timeline = [(h["hour"][11:16], int(h["reported"])) for h in hours][-24:]
        self.loaded += 1

    async def import_recap(self, name: str, data: bytes) -> bool:
        """Import a D.Hasil CSV (all rows or none), then show the selisih again."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.fail((t("id", "recap_not_text", name=name), t("en", "recap_not_text", name=name)))
            return False
        self.show_progress("recap_importing", name=name)
        got = await self.call(self.backend.client.import_recap, name, text)
        if got is None:
            return False
        await self.load()
        n = int(got.get("rows", 0))
        self.say((t("id", "recap_imported", n=n), t("en", "recap_imported", n=n)))
        return True

    def inflated(self) -> list[dict[str, Any]]:
        """Recap figures above the sum of their counted TPS (possible inflation)."""
        return [r for r in self.recap if r.get("flag")]

    async def set_ballot(self, code: str) -> None:
        if code in self.backend.election.ballot_codes() and code != self.ballot:
            self.ballot = code
            await self.load()

    def ballot_name(self, lang: str) -> str:
        b = self.backend.election.ballot(self.ballot)
        return b.name_en if lang == "en" else b.name_id

    def reported(self) -> int:
        """TPS with at least one final tally for the ballot (every status but no data)."""
        by_status = self.counts.get("by_status", {})
        return sum(int(v) for k, v in by_status.items() if k != "no_data")

    def candidates(self) -> list[tuple[str, str, int]]:
        """(short label, name, decided votes) per pair, candidate or party, in ballot order; a
        party's votes are its own plus its candidates' (as the form's party total)."""
        values = self.kabupaten.get("values", {})
        ballot = self.backend.election.ballot(self.ballot)

        def votes(key: str) -> int:
            return int(values.get(f"suara.{key}", 0))

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
        return int(k.get("decided", 0)), int(k.get("verified", 0)), int(k.get("tps", 0))

    def top_flags(self, lang: str, n: int = 6) -> list[tuple[str, int]]:
        rules = self.legend.get("rules", {})
        by_rule = self.counts.get("by_rule", {})
        ranked = sorted(by_rule.items(), key=lambda kv: -int(kv[1]))[:n]
        return [(str(rules.get(r, [r, r])[1 if lang == "en" else 0]), int(k)) for r, k in ranked]

    def progress_rows(self) -> list[tuple[str, int, int, int]]:
        """(kecamatan, TPS, decided, in conflict) per kecamatan."""
        return [(r["name"], r["tps"], r["decided"], r["conflict"]) for r in self.kecamatan]
