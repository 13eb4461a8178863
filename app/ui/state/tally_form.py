"""C.Hasil entry for one ballot of one TPS: typed values, live findings, draft, final, correction.

Every change is saved as a draft on the device at once (nothing typed is lost). A final record
is read-only; correcting it needs a reason and is saved as a new version (state/correction.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

import flet as ft

from app.store import LocalRecord
from app.ui.state.badge import Badge, badge
from app.ui.state.correction import Correctable
from app.ui.state.evidence import Evidence
from app.ui.state.services import Services
from core.records import BALLOT_ROWS, COLUMNS, VOTER_ROWS
from core.tally_checks import Finding, blocking, check_tally, computed, vote_total

NUMBER_FIELDS = (
    *(f"{row}_{c}" for row in VOTER_ROWS for c in COLUMNS),
    *BALLOT_ROWS,
    *(f"disabilitas_{c}" for c in COLUMNS),
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
)


def parse_count(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())[:3]
    return int(digits) if digits else None


def va_slip(f: dict[str, Any]) -> bool:
    """V.A disagrees with IV while V.C = IV + V.B: V.A is the likely slip, V.C is right."""
    sah, tidak, total = f.get("suara_sah"), f.get("suara_tidak_sah"), f.get("suara_total")
    if not all(isinstance(v, int) for v in (sah, tidak, total)) or not f.get("suara"):
        return False
    votes = vote_total(f)
    return sah != votes and total == votes + tidak  # type: ignore[operator]


def one_slip_one_error(findings: list[Finding], f: dict[str, Any]) -> list[Finding]:
    """One wrong number, one error: when V.A is the likely slip, V.C's identity (which only
    repeats it and blames V.C) is not shown."""
    if va_slip(f):
        return [x for x in findings if x.rule != "vc_sum"]
    return findings


def _find(services: Services, tps: str, ballot: str) -> LocalRecord | None:
    for rec in services.store.records(kind="tally", tps=tps, mine=True):
        if rec.fields.get("ballot") == ballot:
            return rec
    return None


@ft.observable
@dataclass
class TallyForm(Correctable):
    kind: ClassVar[str] = "tally"
    services: Services = field(repr=False)
    tps: str
    ballot: str
    record_id: str = ""
    values: dict[str, int] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)
    alasan: str = ""
    status: str = "draft"
    correcting: bool = False
    refused: bool = False

    def __post_init__(self) -> None:
        self._setters: dict[str, Callable[[str], None]] = {}
        self.evidence = Evidence(self.services.store).bind(self._set_photos, lambda: self.editable)

    def setter(self, name: str) -> Callable[[str], None]:
        """One stable callable per field (lets the view skip re-rendering unchanged fields)."""
        if name not in self._setters:
            if name.startswith("suara:"):
                self._setters[name] = partial(self.set_vote, name.removeprefix("suara:"))
            else:
                self._setters[name] = partial(self.set_value, name)
        return self._setters[name]

    @classmethod
    def load(cls, services: Services, tps: str, ballot: str) -> TallyForm:
        rec = _find(services, tps, ballot)
        form = cls(services, tps, ballot, rec.id if rec else services.store.new_id())
        if rec is not None:
            form.restore(rec.fields)
            form.status = rec.status
        form.resume_correction()
        return form

    def restore(self, f: dict[str, Any]) -> None:
        self.values = {k: f[k] for k in NUMBER_FIELDS if isinstance(f.get(k), int)}
        self.votes = dict(f.get("suara") or {})
        self.alasan = str(f.get("alasan") or "")
        self.evidence.shas = [str(s) for s in f.get("photos") or []]

    # -- questions ------------------------------------------------------------------------
    def record_fields(self) -> dict[str, Any]:
        return self.fields()

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.values.get(k) for k in NUMBER_FIELDS}
        out.update(
            tps=self.tps,
            pemilu=self.services.election.code,
            ballot=self.ballot,
            suara=dict(self.votes),
            alasan=self.alasan or None,
            photos=list(self.evidence.shas) or None,
        )
        return out

    def findings(self, final: bool = False) -> list[Finding]:
        f = self.fields()
        return one_slip_one_error(check_tally(f, self.services.election, final=final), f)

    def blockers(self) -> list[Finding]:
        return [*blocking(self.findings(final=True), self.alasan), *self.reason_missing()]

    def computed(self) -> dict[str, int]:
        f = self.fields()
        out = computed(f)
        if va_slip(f):  # V.C agrees with IV + V.B: no hint that invites changing it
            out.pop("suara_total", None)
        if not self.votes:  # nothing typed in IV yet: "computed: 0" would only confuse
            out.pop("suara_sah", None)
        return out

    def progress(self) -> tuple[int, int]:
        """(boxes filled, boxes on this ballot's form) for the progress line."""
        keys = self.services.election.ballot(self.ballot).vote_keys()
        top = [k for k in keys if "." not in k]  # a party's candidates are optional
        filled = sum(1 for k in NUMBER_FIELDS if k in self.values)
        filled += sum(1 for k in top if k in self.votes)
        return filled, len(NUMBER_FIELDS) + len(top)

    def badge(self) -> Badge:
        return badge(self.services.store.record(self.record_id))

    # -- verbs ----------------------------------------------------------------------------
    def set_value(self, name: str, text: str) -> None:
        self._put(self.values, name, parse_count(text))

    def set_vote(self, key: str, text: str) -> None:
        self._put(self.votes, key, parse_count(text))

    def set_reason(self, text: str) -> None:
        self.refused = False
        super().set_reason(text)

    def _set_photos(self, _shas: list[str]) -> None:
        self._saved()  # fields() reads the evidence's hashes

    def _put(self, target: dict[str, int], key: str, value: int | None) -> None:
        if not self.editable:
            return
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
        self._saved()

    def _saved(self) -> None:
        self.refused = False
        self.keep_edit()

    def finalize(self) -> bool:
        """Save as final (queued for the server) unless something blocks it."""
        if self.blockers():
            self.refused = True
            return False
        self.save_final()
        self.refused = False
        return True
