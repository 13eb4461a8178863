"""Conflicts from concurrent edits (sync-design 5): both values, pick one or merge, resolve with
a required reason; resolved ones (who, when, why) on request."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.console.state.base import Loadable
from app.console.strings import t
from core.review import ConflictRow


def parse_merged(text: str, like: Any) -> Any:
    """The typed merged value, shaped like the values in conflict (number, list or text)."""
    text = text.strip()
    if isinstance(like, bool):
        return text.lower() in ("1", "ya", "yes", "true")
    if isinstance(like, int):
        return int(text)
    if isinstance(like, list):
        try:
            value = json.loads(text)
            return value if isinstance(value, list) else [value]
        except ValueError:
            return [p.strip() for p in text.splitlines() if p.strip()]
    return text


@dataclass
class ConflictsModel(Loadable):
    rows: list[ConflictRow] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)  # conflict id -> typed merged value
    reasons: dict[str, str] = field(default_factory=dict)  # conflict id -> typed reason
    show_resolved: bool = False
    resolved: int = 0

    async def load(self) -> None:
        got = await self.call(self.backend.client.conflicts, self.show_resolved)
        if got is not None:
            # open ones first, then the latest resolved
            self.rows = sorted(got, key=lambda r: (r.resolved, -r.id))

    async def set_show_resolved(self, show: bool) -> None:
        self.show_resolved = show
        await self.load()

    def open_rows(self) -> list[ConflictRow]:
        return [r for r in self.rows if not r.resolved]

    def type_merged(self, conflict_id: int, text: str) -> None:
        self.merged = {**self.merged, str(conflict_id): text}

    def type_reason(self, conflict_id: int, text: str) -> None:
        self.reasons = {**self.reasons, str(conflict_id): text}

    def merge_default(self, row: ConflictRow) -> str:
        cur, inc = row.current_value, row.incoming_value
        if isinstance(cur, list) and isinstance(inc, list):
            return "\n".join(str(v) for v in dict.fromkeys([*cur, *inc]))
        return "" if cur is None else str(cur)

    async def resolve(self, conflict_id: int, choice: str) -> bool:
        row = next((r for r in self.rows if r.id == conflict_id), None)
        if row is None or row.resolved:
            return False
        reason = self.reasons.get(str(conflict_id), "").strip()
        if not reason:
            self.fail((t("id", "conf_reason_required"), t("en", "conf_reason_required")))
            return False
        value = None
        if choice == "merge":
            text = self.merged.get(str(conflict_id)) or self.merge_default(row)
            try:
                value = parse_merged(text, row.current_value)
            except ValueError:
                self.fail((t("id", "bad_number", fields=text), t("en", "bad_number", fields=text)))
                return False
        got = await self.call(self.backend.client.resolve, conflict_id, choice, value, reason)
        if got is None:
            return False
        self.reasons = {k: v for k, v in self.reasons.items() if k != str(conflict_id)}
        self.resolved += 1
        await self.load()
        self.say((t("id", "conf_resolved"), t("en", "conf_resolved")))
        return True
