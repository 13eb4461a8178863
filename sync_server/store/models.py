"""Plain values the storage interface reads and writes; no database types leak out of a backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.hlc import Stamp
from core.merge import Conflict, Versioned
from core.records import Role

ROLES: tuple[Role, ...] = ("saksi", "ptps", "polisi", "supervisor", "admin")


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: Role
    party: int | None
    scope: tuple[str, ...]  # TPS ids and/or dotted Kemendagri region codes


@dataclass(frozen=True)
class Device:
    id: str
    user_id: str
    name: str
    created_ms: int
    revoked_ms: int | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_ms is not None


@dataclass(frozen=True)
class EnrolCode:
    code_hash: str
    user_id: str
    expires_ms: int
    used_ms: int | None = None


@dataclass(frozen=True)
class StoredRecord:
    """A record's current state; `author_*` are copied from its creator to filter reads."""

    id: str
    kind: str
    tps: str
    author: str
    author_role: str
    author_party: int | None
    fields: dict[str, Any] = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)
    seq: int = 0

    def versioned(self) -> Versioned:
        return Versioned(self.fields, self.stamps)


@dataclass(frozen=True)
class WireRow:
    """A record as a pull sends it, its JSON columns left as stored text: `packed` is the
    wire form of its stamps (core/stamps.py), None in a row written before it was kept, when
    `stamps` (the per-field map) is read instead."""

    id: str
    kind: str
    tps: str
    author: str
    fields: str
    packed: str | None
    stamps: str | None
    seq: int


@dataclass(frozen=True)
class OpRow:
    """An op the server has answered; kept so a retry gets the same answer.

    `device_id` is the seq namespace: the device id in epoch 0, `device~epoch` after."""

    device_id: str
    op_id: str
    seq: int
    record_id: str
    status: str
    code: str | None = None
    reason: str | None = None
    reason_en: str | None = None
    content_hash: str | None = None  # None: answered before hashes were kept


@dataclass(frozen=True)
class PushWrites:
    """Everything one push batch writes, gathered in memory and written at once."""

    records: list[StoredRecord]  # the last state of each record written, at its seq
    server_seq: int  # the last server seq handed out
    log: list[dict[str, Any]]  # change-log entries, in order
    ops: list[OpRow]
    conflicts: list[tuple[str, Conflict, int]]  # record id, conflict, seq


@dataclass(frozen=True)
class ConflictRow:
    id: int
    record_id: str
    conflict: Conflict
    seq: int
    resolved: bool = False


@dataclass(frozen=True)
class LogEntry:
    """A change-log entry; `text` is its JSON exactly as stored and hashed ("" when unknown)."""

    id: int
    entry: dict[str, Any]
    prev_hash: str
    hash: str
    text: str = field(default="", compare=False)


@dataclass(frozen=True)
class ReadFilter:
    """Which records a caller may read, in terms any backend can turn into a query.

    A record matches when its TPS id starts with one of `tps_prefixes` (a region code without
    dots is a prefix of every TPS id inside it), and, if set, its author is `author`, and its
    author's role is not in `hidden_roles`.
    """

    tps_prefixes: tuple[str, ...]
    author: str | None = None
    hidden_roles: tuple[str, ...] = ()

    def matches(self, record: StoredRecord) -> bool:
        if not any(record.tps.startswith(p) for p in self.tps_prefixes):
            return False
        if self.author is not None and record.author != self.author:
            return False
        return record.author_role not in self.hidden_roles
