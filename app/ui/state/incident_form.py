"""An incident or violation report (laporan / temuan): draft while typing, then final."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, get_args

import flet as ft

from app.ui.state.badge import Badge, badge
from app.ui.state.evidence import Evidence
from app.ui.state.services import Services
from core.records import IncidentCategory, Severity

CATEGORIES: tuple[str, ...] = get_args(IncidentCategory)  # one list, in core.records
LEVELS: tuple[str, ...] = get_args(Severity)
TEXT_FIELDS = ("waktu", "tempat", "uraian", "pelapor_nama", "pelapor_alamat", "terlapor")
REQUIRED = ("kategori", "waktu", "uraian")


def now_text() -> str:
    return time.strftime("%Y-%m-%d %H:%M")


@ft.observable
@dataclass
class IncidentForm:
    services: Services = field(repr=False)
    record_id: str
    tps: str
    values: dict[str, Any] = field(default_factory=dict)
    status: str = "draft"
    missing: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.evidence = Evidence(self.services.store).bind(self._set_photos, lambda: self.editable)
        self.evidence.shas = [str(s) for s in self.values.get("bukti") or []]

    @classmethod
    def load(cls, services: Services, record_id: str, tps: str, reporter: str) -> IncidentForm:
        rec = services.store.record(record_id)
        if rec is not None:
            return cls(services, record_id, rec.tps, dict(rec.fields), rec.status)
        start = {"jenis": "laporan", "waktu": now_text(), "pelapor_nama": reporter}
        return cls(services, record_id, tps, {**start, "tingkat": "sedang"})

    @property
    def editable(self) -> bool:
        return self.status != "final"

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
        self._draft()

    def set_tps(self, tps: str) -> None:
        if self.editable and tps and self.services.store.record(self.record_id) is None:
            self.tps = tps
            self.values["tps"] = tps

    def _set_photos(self, shas: list[str]) -> None:
        self.values["bukti"] = shas or None
        self._draft()

    def _draft(self) -> None:
        self.services.store.save_draft(self.record_id, "incident", self.tps, self._fields())

    def _fields(self) -> dict[str, Any]:
        return {**self.values, "tps": self.tps, "status": self.status}

    def finalize(self) -> bool:
        self.missing = [k for k in REQUIRED if not self.values.get(k)]
        if self.missing:
            return False
        self.status = "final"
        data = {k: v for k, v in self._fields().items() if v is not None}
        self.services.store.save(self.record_id, "incident", self.tps, data)
        return True


def _coordinate(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
