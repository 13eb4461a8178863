"""Per-field last-writer-wins on `(hlc, device_id)`, with conflict detection against `base`.

The same pure functions run on the phone (applying a pull) and on the server (applying a push).
`merge` is commutative, associative and idempotent, so any delivery order converges.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.hlc import Stamp

DELETED = "deleted"


@dataclass(frozen=True)
class Versioned:
    """A record's fields, each with the stamp of the write that set it."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    stamps: Mapping[str, Stamp] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        return bool(self.fields.get(DELETED, False))

    def max_stamp(self) -> Stamp | None:
        return max(self.stamps.values(), default=None)


@dataclass(frozen=True)
class Conflict:
    """A write that did not see the current value of a field it changed to something else."""

    field: str
    current_value: Any
    current_stamp: Stamp
    incoming_value: Any
    incoming_stamp: Stamp

    @property
    def winner(self) -> str:
        return "incoming" if self.incoming_stamp > self.current_stamp else "current"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _wins(a_value: Any, a_stamp: Stamp, b_value: Any, b_stamp: Stamp) -> bool:
    """True when `a` beats `b`; equal stamps fall back to the value so the order never matters."""
    if a_stamp != b_stamp:
        return a_stamp > b_stamp
    return _canonical(a_value) >= _canonical(b_value)


def merge(a: Versioned, b: Versioned) -> Versioned:
    """Field by field, keep the value with the greater stamp."""
    fields = dict(a.fields)
    stamps = dict(a.stamps)
    if not stamps and b.fields.keys() == b.stamps.keys():  # a new record (the usual push)
        fields.update(b.fields)
        return Versioned(fields, dict(b.stamps))
    for name, b_stamp in b.stamps.items():
        b_value = b.fields.get(name)
        if name not in stamps or _wins(b_value, b_stamp, fields.get(name), stamps[name]):
            fields[name] = b_value
            stamps[name] = b_stamp
    return Versioned(fields, stamps)


def write(fields: Mapping[str, Any], stamp: Stamp) -> Versioned:
    """A change: every field set by one write shares its stamp."""
    return Versioned(dict(fields), {name: stamp for name in fields})


def conflicts(
    current: Versioned,
    incoming: Mapping[str, Any],
    stamp: Stamp,
    base: Mapping[str, Stamp | None],
) -> list[Conflict]:
    """Fields the writer changed without having seen their current value (sync-design 5, 6).

    A field counts as seen only when `base` names exactly its current stamp; a newer base may
    be the writer's own clamped or refused stamp and says nothing about the current value. A
    writer never conflicts with its own previous write (same device id in the stamps).
    A delete checks every current field: a delete racing an edit is a conflict, not "delete wins".
    An edit to a deleted record conflicts with the delete it did not see.
    """
    found = []
    for name in _touched(current, incoming):
        current_stamp = current.stamps[name]
        if _seen(base.get(name), current_stamp, stamp):
            continue
        incoming_value = _incoming_value(incoming, name)
        if _canonical(incoming_value) == _canonical(current.fields.get(name)):
            continue
        found.append(Conflict(name, current.fields.get(name), current_stamp, incoming_value, stamp))
    return found


def _touched(current: Versioned, incoming: Mapping[str, Any]) -> list[str]:
    """The current fields a write changes: its own, all of them for a delete, the delete itself
    for an edit of a deleted record."""
    names = set(incoming)
    if incoming.get(DELETED):
        names |= set(current.stamps)
    elif current.deleted:
        names.add(DELETED)
    return sorted(name for name in names if name in current.stamps)


def _seen(seen: Stamp | None, current_stamp: Stamp, stamp: Stamp) -> bool:
    """The writer saw the current value: it named its stamp, or wrote it itself."""
    if seen is not None and tuple(seen) == tuple(current_stamp):
        return True
    return current_stamp[1] == stamp[1]


def _incoming_value(incoming: Mapping[str, Any], name: str) -> Any:
    if name in incoming:
        return incoming[name]
    if name == DELETED:
        return False  # an edit revives the record
    return None  # removed by the incoming delete


def apply(
    current: Versioned,
    incoming: Mapping[str, Any],
    stamp: Stamp,
    base: Mapping[str, Stamp | None] | None = None,
) -> tuple[Versioned, list[Conflict]]:
    """Merge one write into a record and report the conflicts it raised."""
    if not current.stamps and not current.fields:  # a new record (the usual push)
        return Versioned(dict(incoming), dict.fromkeys(incoming, stamp)), []
    found = conflicts(current, incoming, stamp, base or {})
    return merge(current, write(incoming, stamp)), found
