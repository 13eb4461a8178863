"""An incident or violation report (laporan / temuan): draft while typing, then final; a final
report is corrected only as a new version with a reason (state/correction.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, get_args

import flet as ft

from app.ui.clock import clock_text
from app.ui.state.authors import maker
from app.ui.state.badge import Badge, badge
from app.ui.state.correction import Correctable
from app.ui.state.evidence import Evidence
from app.ui.state.services import Services
from core.records import IncidentCategory, Severity

CATEGORIES: tuple[str, ...] = get_args(IncidentCategory)  # one list, in core.records
LEVELS: tuple[str, ...] = get_args(Severity)
TEXT_FIELDS = ("waktu", "tempat", "uraian", "pelapor_nama", "pelapor_alamat", "terlapor")
REQUIRED = ("kategori", "waktu", "uraian")
# core.records.Incident has no `alasan` yet: the reason travels as a comment, which the
# supervisor console already shows under the report.


def now_text() -> str:
    return clock_text()  # with its zone (WIB/WITA/WIT): a report is read across zones


def default_jenis(role: str) -> str:
    """What this role files: a PTPS finds (temuan); others report (laporan)."""
    return "temuan" if role == "ptps" else "laporan"


@ft.observable
@dataclass
class IncidentForm(Correctable):
    kind: ClassVar[str] = "incident"
    services: Services = field(repr=False)
    record_id: str
    tps: str
    values: dict[str, Any] = field(default_factory=dict)
    status: str = "draft"
    missing: list[str] = field(default_factory=list)
    correcting: bool = False
    alasan: str = ""

    def __post_init__(self) -> None:
        self.evidence = Evidence(self.services.store).bind(self._set_photos, lambda: self.editable)
        self.evidence.shas = [str(s) for s in self.values.get("bukti") or []]

    @classmethod
    def load(
        cls, services: Services, record_id: str, tps: str, reporter: str, role: str = ""
    ) -> IncidentForm:
        rec = services.store.record(record_id)
        if rec is not None:
            form = cls(services, record_id, rec.tps, dict(rec.fields), rec.status)
            form.resume_correction()
            return form
        start = {"jenis": default_jenis(role), "waktu": now_text(), "pelapor_nama": reporter}
        made = maker(services)
        return cls(services, record_id, tps, {**start, "tingkat": "sedang", **made})

    def badge(self) -> Badge:
        return badge(self.services.store.record(self.record_id))

    def witnesses_text(self) -> str:
        return "\n".join(self.values.get("saksi") or [])

    # -- verbs ----------------------------------------------------------------------------
    def set(self, name: str, value: Any) -> None:
        if not self.editable:
            return
        if name == "saksi":
            value = [w.strip() for w in str(value).splitlines() if w.strip()]
        if name in ("lat", "lon"):
            value = _coordinate(str(value))
        self.values[name] = value if value not in ("", []) else None
        self.missing = []
        self.keep_edit()

    def set_tps(self, tps: str) -> None:
        if self.editable and tps and self.services.store.record(self.record_id) is None:
            self.tps = tps
            self.values["tps"] = tps

    def _set_photos(self, shas: list[str]) -> None:
        self.values["bukti"] = shas or None
        self.keep_edit()

    def record_fields(self) -> dict[str, Any]:
        return {**{k: v for k, v in self.values.items() if k != "status"}, "tps": self.tps}

    def restore(self, fields: dict[str, Any]) -> None:
        self.values = dict(fields)
        self.evidence.shas = [str(s) for s in fields.get("bukti") or []]

    def set_reason(self, text: str) -> None:
        self.missing = []
        super().set_reason(text)

    def ready(self) -> bool:
        """Everything required is there (else `missing` names it, for the screen to show)."""
        self.missing = [k for k in REQUIRED if not self.values.get(k)]
        if self.reason_missing():
            self.missing.append("reason")
        return not self.missing

    def finalize(self) -> bool:
        if not self.ready():
            return False
        self.save_final()
        return True


def _coordinate(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
