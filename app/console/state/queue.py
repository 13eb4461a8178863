"""The review queue: TPS-ballots and incidents needing a decision, worst first, with counts.

The server pages the queue: one page of `page_size` items is held at a time, `total` says how
many match the filters, and a sort by column header asks the server again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.console.state.base import Loadable
from core.review import IncidentItem, Legend, QueueCounts, QueueItem, QueuePage, TpsItem

PAGE_SIZE = 50
PAGE_SIZES = (25, 50, 100, 200)
FILTERS = ("kecamatan", "ballot", "flag", "status")
SORTS = ("severity", "tps", "ballot", "status", "sources")


@dataclass
class QueueModel(Loadable):
    kecamatan: str = ""  # dotted code, e.g. 35.17.01
    ballot: str = ""
    flag: str = ""
    status: str = ""  # a TPS-ballot status, or "incident"
    sort: str = "severity"
    descending: bool = False
    offset: int = 0
    page_size: int = PAGE_SIZE
    total: int = 0
    counts: QueueCounts = field(default_factory=QueueCounts)
    items: list[QueueItem] = field(default_factory=list)
    legend: Legend = field(default_factory=Legend)
    loaded: int = 0  # how many loads finished (tests and the view wait on it)

    def _fetch(self) -> tuple[Legend, QueuePage]:
        client = self.backend.client
        legend = self.legend if self.legend.status else client.legend()
        page = client.queue(
            self.kecamatan,
            self.ballot,
            self.flag,
            status=self.status or None,
            sort=self.sort,
            desc=self.descending,
            offset=self.offset,
            limit=self.page_size,
        )
        return legend, page

    async def load(self) -> None:
        got = await self.call(self._fetch)
        if got is not None:
            legend, queue = got
            self.legend = legend
            self.counts, self.items, self.total = queue.counts, queue.items, queue.total
            if self.offset and not self.items and self.total:
                self.offset = self.last_offset()  # the page emptied (items were decided)
                await self.load()
                return
            self.loaded += 1

    async def set_filter(self, name: str, value: str | None) -> None:
        if name not in FILTERS:
            return
        setattr(self, name, "" if value in (None, "", "all") else value)
        self.offset = 0
        await self.load()

    async def sort_by(self, column: str, descending: bool = False) -> None:
        """Sort on a column (a header click); back to the first page."""
        if column not in SORTS:
            return
        self.sort, self.descending, self.offset = column, descending, 0
        await self.load()

    # -- pages ----------------------------------------------------------------------------
    async def set_page_size(self, size: int) -> None:
        """Rows per page; the page keeps its first row in view."""
        if size in PAGE_SIZES and size != self.page_size:
            self.page_size = size
            self.offset = self.offset // size * size
            await self.load()

    def last_offset(self) -> int:
        return max(0, (self.total - 1) // self.page_size * self.page_size)

    def page_range(self) -> tuple[int, int, int]:
        """(first, last, total) of the items shown, counted from 1; (0, 0, 0) when none."""
        if not self.items:
            return 0, 0, self.total
        return self.offset + 1, self.offset + len(self.items), self.total

    def has_prev(self) -> bool:
        return self.offset > 0

    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    async def next_page(self) -> None:
        if self.has_next():
            self.offset += self.page_size
            await self.load()

    async def prev_page(self) -> None:
        if self.has_prev():
            self.offset = max(0, self.offset - self.page_size)
            await self.load()

    async def first_page(self) -> None:
        if self.offset:
            self.offset = 0
            await self.load()

    async def last_page(self) -> None:
        if self.has_next():
            self.offset = self.last_offset()
            await self.load()

    # -- words ----------------------------------------------------------------------------
    def rule_words(self, rule: str, lang: str) -> str:
        return self.legend.rule_words(rule, lang)

    def status_words(self, status: str, lang: str) -> str:
        return self.legend.status_words(status, lang)

    def first_tps(self) -> TpsItem | None:
        return next((i for i in self.items if isinstance(i, TpsItem)), None)

    def incidents(self) -> list[IncidentItem]:
        return [i for i in self.items if isinstance(i, IncidentItem)]
