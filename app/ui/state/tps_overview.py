"""What is known at a TPS from every record this phone may read (its own and those pulled from
others in the user's scope): the kerawanan category and the open incidents."""

from __future__ import annotations

from dataclasses import dataclass

from app.store import LocalRecord
from app.ui.state.services import Services
from core.kerawanan import categorize

CLOSED = {"terbukti", "tidak_terbukti", "tidak_diregistrasi", "diteruskan"}


@dataclass(frozen=True)
class TpsSummary:
    category: str | None  # kerawanan category of the latest final assessment; None = not assessed
    open_incidents: int


def is_open(rec: LocalRecord) -> bool:
    return rec.status == "final" and rec.fields.get("proses") not in CLOSED


def category(services: Services, rec: LocalRecord) -> str:
    answers = rec.fields.get("indikator") or {}
    return categorize(answers, services.election.indicator_set).category


def written_at(rec: LocalRecord) -> int:
    """When the record was last written, by its stamps (not when this phone pulled it)."""
    return max((stamp[0] for stamp in rec.stamps.values()), default=0)


def summary(services: Services, tps: str) -> TpsSummary:
    store = services.store
    assessed = [r for r in store.records(kind="assessment", tps=tps) if r.status == "final"]
    assessed.sort(key=written_at, reverse=True)
    cat = category(services, assessed[0]) if assessed else None
    incidents = store.records(kind="incident", tps=tps)
    return TpsSummary(cat, sum(1 for r in incidents if is_open(r)))
