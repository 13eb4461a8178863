"""One record's state as the user sees it: the same chip, colour and words on every screen."""

from __future__ import annotations

from dataclasses import dataclass

from app.store import LocalRecord

COLORS = {
    "empty": "#616161",
    "draft": "#8d6e00",
    "final_pending": "#0d47a1",
    "pending": "#0d47a1",
    "sent": "#1b5e20",
    "attention": "#b71c1c",
    "conflict": "#6a1b9a",
}


@dataclass(frozen=True)
class Badge:
    key: str  # empty | draft | final_pending | pending | sent | attention | conflict
    reason_id: str = ""
    reason_en: str = ""

    @property
    def color(self) -> str:
        return COLORS[self.key]

    def reason(self, lang: str) -> str:
        return self.reason_en if lang == "en" else self.reason_id


def badge(rec: LocalRecord | None) -> Badge:
    if rec is None:
        return Badge("empty")
    if rec.conflicts:
        return Badge("conflict")
    if rec.sync_state == "failed":
        return Badge("attention", rec.reason or "", rec.reason_en or rec.reason or "")
    if rec.sync_state == "pending":
        return Badge("final_pending" if rec.status == "final" else "pending")
    if rec.sync_state == "sent":
        return Badge("sent")
    return Badge("draft")
