"""Incidents: the status flow with Bawaslu's 7-day deadline, assignment and comments.

A change (proses, diteruskan_ke, ditugaskan, komentar) is written to the incident record in the
device store and pushed by the normal sync; the server allows supervisors those fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.console.state.base import Loadable
from app.console.strings import t
from core.review import HistoryEntry, IncidentRow

# The status flow (domain.md): diterima -> registrasi (or not) -> kajian -> terbukti / tidak
# terbukti -> diteruskan ke KPU / DKPP / Gakkumdu / other.
NEXT: dict[str, tuple[str, ...]] = {
    "diterima": ("registrasi", "tidak_diregistrasi"),
    "registrasi": ("kajian",),
    "kajian": ("terbukti", "tidak_terbukti"),
    "terbukti": ("diteruskan",),
    "tidak_terbukti": ("diteruskan",),
}
FORWARD_TO = ("kpu", "dkpp", "gakkumdu", "lainnya")


@dataclass
class IncidentsModel(Loadable):
    rows: list[IncidentRow] = field(default_factory=list)
    selected: str = ""
    assign_text: str = ""
    comment_text: str = ""
    forward_to: str = "gakkumdu"

    history: list[HistoryEntry] = field(default_factory=list)  # of the selected incident

    def _fetch(self, selected: str) -> tuple[list[IncidentRow], list[HistoryEntry]]:
        client = self.backend.client
        rows = client.incidents()
        if selected not in {r.id for r in rows}:
            selected = rows[0].id if rows else ""
        return rows, client.history(selected) if selected else []

    async def load(self) -> None:
        got = await self.call(self._fetch, self.selected)
        if got is not None:
            self.rows, self.history = got
            if self.selected not in {r.id for r in self.rows}:
                self.selected = self.rows[0].id if self.rows else ""
            self._fill_assign()

    async def open(self, record_id: str) -> None:
        """Select an incident and fetch its history (changes, conflicts resolved and why)."""
        self.select(record_id)
        got = await self.call(self.backend.client.history, record_id)
        if got is not None and self.selected == record_id:
            self.history = got

    def current(self) -> IncidentRow | None:
        return next((r for r in self.rows if r.id == self.selected), None)

    def select(self, record_id: str) -> None:
        if record_id != self.selected:
            self.history = []
        self.selected = record_id
        self.comment_text = ""
        self._fill_assign()

    def _fill_assign(self) -> None:
        row = self.current()
        self.assign_text = str(row.ditugaskan or "") if row else ""

    def next_steps(self) -> tuple[str, ...]:
        row = self.current()
        return NEXT.get(row.proses, ()) if row else ()

    # -- changes --------------------------------------------------------------------------
    def _write(self, row: IncidentRow, fields: dict[str, Any]) -> bool:
        store = self.backend.store
        if store.record(row.id) is None:
            self.backend.sync(store)  # pull it first, so the change carries what it saw
        if "komentar" in fields:
            local = store.record(row.id)
            held = (local.fields.get("komentar") if local else None) or row.komentar
            fields = {**fields, "komentar": [*held, *fields["komentar"]]}
        store.save(row.id, "incident", row.tps, fields)
        self.backend.sync(store)
        return True

    async def _change(self, fields: dict[str, Any]) -> bool:
        row = self.current()
        if row is None:
            return False
        done = await self.call(self._write, row, fields)
        if done:
            await self.load()
            self.say((t("id", "inc_saved"), t("en", "inc_saved")))
        return bool(done)

    async def advance(self, proses: str) -> bool:
        if proses not in self.next_steps():
            return False
        fields: dict[str, Any] = {"proses": proses}
        if proses == "diteruskan":
            fields["diteruskan_ke"] = self.forward_to
        return await self._change(fields)

    async def assign(self) -> bool:
        name = self.assign_text.strip()
        return await self._change({"ditugaskan": name}) if name else False

    async def comment(self) -> bool:
        text = self.comment_text.strip()
        if not text:
            return False
        ident = self.backend.store.identity()
        who = ident.name if ident else ""
        ok = await self._change({"komentar": [f"{who}: {text}" if who else text]})
        if ok:
            self.comment_text = ""
        return ok
