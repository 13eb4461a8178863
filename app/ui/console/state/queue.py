"""The review queue: TPS-ballots and incidents needing a decision, worst first, with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.ui.console.state.base import Loadable


@dataclass
class QueueModel(Loadable):
    kecamatan: str = ""  # dotted code, e.g. 35.17.01
    ballot: str = ""
    flag: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    legend: dict[str, Any] = field(default_factory=dict)
    loaded: int = 0  # how many loads finished (tests and the view wait on it)

    def _fetch(self) -> tuple[dict[str, Any], dict[str, Any]]:
        client = self.backend.client
        legend = dict(self.legend) or client.legend()
        return legend, client.queue(self.kecamatan, self.ballot, self.flag)

    async def load(self) -> None:
        got = await self.call(self._fetch)
        if got is not None:
            legend, queue = got
            self.legend = legend
            self.counts = queue.get("counts", {})
            self.items = queue.get("items", [])
            self.loaded += 1

    async def set_filter(self, name: str, value: str | None) -> None:
        if name not in ("kecamatan", "ballot", "flag"):
            return
        setattr(self, name, "" if value in (None, "", "all") else value)
        await self.load()

    def rule_words(self, rule: str, lang: str) -> str:
        pair = self.legend.get("rules", {}).get(rule)
        return str(pair[1] if lang == "en" else pair[0]) if pair else rule

    def status_words(self, status: str, lang: str) -> str:
        pair = self.legend.get("status", {}).get(status)
        return str(pair[1] if lang == "en" else pair[0]) if pair else status

    def first_tps(self) -> dict[str, Any] | None:
        return next((i for i in self.items if i.get("type") == "tps"), None)
