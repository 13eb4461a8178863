"""What each role may record on the phone (mirrors the server's scope rules, sync-design 10)."""

from __future__ import annotations

CREATE_KINDS: dict[str, frozenset[str]] = {
    "saksi": frozenset({"tally", "incident"}),
    "ptps": frozenset({"tally", "incident", "assessment", "location"}),
    "polisi": frozenset({"tally", "incident", "assessment", "location"}),
    "supervisor": frozenset({"incident", "assessment", "location"}),
    "admin": frozenset({"incident", "assessment", "location"}),
}


def can_create(role: str | None, kind: str) -> bool:
    return kind in CREATE_KINDS.get(role or "", frozenset())
