"""The kerawanan assessment of one TPS: yes/no per indicator, a note each, the category and why.

A draft stays on the phone; once final it is read-only and corrected only as a new version
with a reason (state/correction.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import flet as ft

from app.ui.state.authors import maker
from app.ui.state.badge import Badge, badge
from app.ui.state.correction import Correctable
from app.ui.state.services import Services
from core.kerawanan import Assessed, categorize

# core.records.Assessment has no `alasan` yet: the reason travels as a note under this key
# (indicator codes are single letters, so it never hides an indicator's note).


@ft.observable
@dataclass
class AssessmentForm(Correctable):
    kind: ClassVar[str] = "assessment"
    services: Services = field(repr=False)
    tps: str
    record_id: str = ""
    indikator: dict[str, bool] = field(default_factory=dict)
    catatan: dict[str, str] = field(default_factory=dict)
    status: str = "draft"
    correcting: bool = False
    alasan: str = ""
    refused: bool = False

    @classmethod
    def load(cls, services: Services, tps: str) -> AssessmentForm:
        mine = services.store.records(kind="assessment", tps=tps, mine=True)
        if not mine:
            return cls(services, tps, services.store.new_id())
        rec = mine[0]
        form = cls(services, tps, rec.id, status=rec.status)
        form.restore(rec.fields)
        form.resume_correction()
        return form

    def restore(self, fields: dict[str, Any]) -> None:
        self.indikator = dict(fields.get("indikator") or {})
        self.catatan = dict(fields.get("catatan") or {})

    def record_fields(self) -> dict[str, Any]:
        return {
            "tps": self.tps,
            "pemilu": self.services.election.code,
            "indikator": dict(self.indikator),
            "catatan": dict(self.catatan),
            **maker(self.services),
        }

    def result(self) -> Assessed:
        return categorize(self.indikator, self.services.election.indicator_set)

    def badge(self) -> Badge:
        return badge(self.services.store.record(self.record_id))

    def set_indicator(self, code: str, yes: bool) -> None:
        if self.editable:
            self.indikator[code] = yes
            self.keep_edit()

    def set_note(self, code: str, text: str) -> None:
        if not self.editable:
            return
        if text.strip():
            self.catatan[code] = text
        else:
            self.catatan.pop(code, None)
        self.keep_edit()

    def set_reason(self, text: str) -> None:
        self.refused = False
        super().set_reason(text)

    def finalize(self) -> bool:
        """Queue as final; a correction needs its reason first."""
        if self.reason_missing():
            self.refused = True
            return False
        self.save_final()
        self.refused = False
        return True
