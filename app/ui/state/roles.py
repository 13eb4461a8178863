"""What each role may record on the phone, and where (mirrors the server's rules, sync-design 10:
a write at a TPS outside the user's scope is refused at sync)."""

from __future__ import annotations

from core.wilayah import within

CREATE_KINDS: dict[str, frozenset[str]] = {
    "saksi": frozenset({"tally", "incident"}),
    "ptps": frozenset({"tally", "incident", "assessment", "location"}),
    "polisi": frozenset({"tally", "incident", "assessment", "location"}),
    "supervisor": frozenset({"incident", "assessment", "location"}),
    "admin": frozenset({"incident", "assessment", "location"}),
}


def can_create(role: str | None, kind: str) -> bool:
    return kind in CREATE_KINDS.get(role or "", frozenset())


def in_scope(scope: tuple[str, ...], tps: str) -> bool:
    """True when `tps` is one of the scope's TPS or lies in one of its regions."""
    return bool(tps) and any(within(tps, region) for region in scope)
