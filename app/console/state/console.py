"""Every screen's state for one console session, and the verbs that cross screens."""

from __future__ import annotations

from dataclasses import dataclass

from app.console.backend import Backend
from app.console.state.comparison import ComparisonModel
from app.console.state.conflicts import ConflictsModel
from app.console.state.dashboard import DashboardModel
from app.console.state.exports import ExportsModel
from app.console.state.incidents import IncidentsModel
from app.console.state.plan import PlanModel
from app.console.state.queue import QueueModel
from app.console.state.shell import TABS, Nav


@dataclass
class Models:
    backend: Backend
    nav: Nav
    queue: QueueModel
    comparison: ComparisonModel
    incidents: IncidentsModel
    conflicts: ConflictsModel
    plan: PlanModel
    dashboard: DashboardModel
    exports: ExportsModel

    @classmethod
    def create(cls, backend: Backend) -> Models:
        b = backend
        return cls(
            b,
            Nav.start(b.store),
            QueueModel(b),
            ComparisonModel(b),
            IncidentsModel(b),
            ConflictsModel(b),
            PlanModel(b),
            DashboardModel(b),
            ExportsModel(b),
        )

    async def go(self, tab: int | str) -> None:
        """Show a screen and refresh what it shows (the map only once: it is large)."""
        self.nav.go(tab)
        name = TABS[self.nav.tab]
        if name == "queue":
            await self.queue.load()
        elif name == "tps":
            await self.comparison.load()
        elif name == "incidents":
            await self.incidents.load()
        elif name == "conflicts":
            await self.conflicts.load()
        elif name == "map":
            await self.plan.load(with_map=not self.plan.points)
        elif name == "dashboard":
            self.dashboard.available = self.plan.available()  # personnel against the plan
            await self.dashboard.load()
        elif name == "exports":
            self.exports.tps_text = self.exports.tps_text or self.nav.tps
            self.exports.incident_text = self.exports.incident_text or self.incidents.selected

    async def open_tps(self, tps: str, ballot: str) -> None:
        self.nav.open_tps(tps, ballot)
        await self.comparison.open(tps, ballot)

    async def verify(self) -> bool:
        """Verify the open TPS-ballot; the queue then shows what is left."""
        ok = await self.comparison.verify()
        if ok:
            await self.queue.load()
        return ok
