"""The kerawanan assessment of one TPS: yes/no per indicator, a note each, the category and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import flet as ft

from app.ui.state.badge import Badge, badge
from app.ui.state.services import Services
from core.kerawanan import Assessed, categorize


@ft.observable
@dataclass
class AssessmentForm:
    services: Services = field(repr=False)
    tps: str
    record_id: str = ""
    indikator: dict[str, bool] = field(default_factory=dict)
    catatan: dict[str, str] = field(default_factory=dict)
    status: str = "draft"

    @classmethod
    def load(cls, services: Services, tps: str) -> AssessmentForm:
        mine = services.store.records(kind="assessment", tps=tps, mine=True)
        if not mine:
            return cls(services, tps, services.store.new_id())
        rec = mine[0]
        f = rec.fields
        return cls(
            services,
            tps,
            rec.id,
            dict(f.get("indikator") or {}),
            dict(f.get("catatan") or {}),
            rec.status,
        )

    def result(self) -> Assessed:
        return categorize(self.indikator, self.services.election.indicator_set)

    def badge(self) -> Badge:
        return badge(self.services.store.record(self.record_id))

    def set_indicator(self, code: str, yes: bool) -> None:
        self.indikator[code] = yes
        self._save()

    def set_note(self, code: str, text: str) -> None:
        if text.strip():
            self.catatan[code] = text
        else:
            self.catatan.pop(code, None)
        self._save()

    def _fields(self) -> dict[str, Any]:
        return {
            "tps": self.tps,
            "pemilu": self.services.election.code,
            "indikator": dict(self.indikator),
            "catatan": dict(self.catatan),
            "status": self.status,
        }

    def _save(self) -> None:
        """A draft stays on the phone; once final, every change is sent as a new version."""
        store = self.services.store
        if self.status == "final":
            store.save(self.record_id, "assessment", self.tps, self._fields())
        else:
            store.save_draft(self.record_id, "assessment", self.tps, self._fields())

    def finalize(self) -> None:
        self.status = "final"
        self._save()
