"""The storage interface of reconciliation and review, reached as `store.recon()`.

Kept apart from `Store` so the reconciliation tables (snapshots of tallies, photo uses, one row
per TPS-ballot with its decided values, imported official figures) evolve on their own. They are
derived from the change log up to `cursor()` (`sync_server.review.reconcile.catch_up`). Writes
join the caller's `store.transaction()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from core.hlc import Stamp
from core.registry import Tps
from sync_server.store.models import LogEntry, ReadFilter, StoredRecord

Level = Literal["desa", "kecamatan", "kabupaten"]
# Prefix length of an undotted TPS id that names its area.
LEVEL_DIGITS: dict[str, int] = {"desa": 10, "kecamatan": 6, "kabupaten": 4}


@dataclass(frozen=True)
class Snapshot:
    """A record as reconciliation last saw it in the change log, to tell what a new change
    changed; its stamps let the next log entry be merged onto it."""

    record_id: str
    tps: str
    ballot: str
    final: bool
    fields: dict[str, Any]
    changes: list[dict[str, Any]] = field(default_factory=list)
    stamps: dict[str, Stamp] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyState:
    """The reconciliation of one TPS-ballot; `doc` is its full comparison for the console."""

    tps: str
    ballot: str
    status: str
    severity: int
    n_sources: int
    rules: tuple[str, ...]
    doc: dict[str, Any]
    values: dict[str, int]  # settled values; empty unless agreed or verified (and undisputed)
    # Computed by review (flags.is_open, flags.is_decided) and stored with the row, so a
    # backend filters and sums on them without writing the rule again in SQL.
    open: bool  # needs a decision
    decided: bool  # verified and undisputed, or agreed with no high-severity flag
    counted: bool = False  # its `values` go into totals (flags.is_counted)
    n_single: int = 0  # fields only one source gave


@dataclass(frozen=True)
class PhotoUse:
    sha256: str
    record_id: str
    tps: str
    ballot: str


@dataclass(frozen=True)
class Twin:
    """Another photo of the same sheet: the same camera original re-encoded (`original`), or
    one that looks the same (`similar`, within `distance` bits of its fingerprint)."""

    sha256: str
    twin: str
    via: str
    distance: int = 0


@dataclass(frozen=True)
class Official:
    """One imported official figure (source `resmi`) for a TPS-ballot."""

    tps: str
    ballot: str
    fields: dict[str, Any]
    source_file: str
    imported_ms: int


@dataclass(frozen=True)
class RecapRow:
    """Official recapitulation figures (D.Hasil) of one desa or kecamatan and ballot."""

    level: Level
    area: str  # undotted code: a prefix of every TPS id below it
    ballot: str
    values: dict[str, int]
    source_file: str
    imported_ms: int


@dataclass(frozen=True)
class QueueFilter:
    read: ReadFilter
    kecamatan: str | None = None  # dotted code
    ballot: str | None = None
    rule: str | None = None
    status: str | None = None


class ReconStore(Protocol):
    # how far into the change log reconciliation has read (0 after `clear`)
    def cursor(self) -> int: ...
    def set_cursor(self, log_id: int) -> None: ...

    # which version of the comparison and flag rules built the stored rows ("" before any)
    def rules_version(self) -> str: ...
    def set_rules_version(self, version: str) -> None: ...

    # tally snapshots and photo uses
    def get_snapshot(self, record_id: str) -> Snapshot | None: ...
    def put_snapshot(self, snap: Snapshot) -> None: ...
    def snapshots_at(self, tps: str) -> list[Snapshot]: ...
    def set_photos(self, record_id: str, tps: str, ballot: str, hashes: list[str]) -> None: ...
    def photo_uses(self, hashes: list[str]) -> list[PhotoUse]: ...
    def photo_twins(self, hashes: list[str]) -> list[Twin]:
        """Other photos of the same sheets as `hashes` (same original, or alike)."""

    # one row per TPS-ballot
    def put_state(self, state: KeyState) -> None: ...
    def delete_state(self, tps: str, ballot: str) -> None: ...
    def get_state(self, tps: str, ballot: str) -> KeyState | None: ...
    def states(self, where: QueueFilter, *, open_only: bool = False) -> list[KeyState]:
        """States in scope, worst first; with `open_only`, only the `open` ones."""

    def state_counts(self, where: QueueFilter) -> list[tuple[str, bool, tuple[str, ...], int]]:
        """(status, open, rules, number of TPS-ballots) in scope, without reading their docs."""

    def totals(self, read: ReadFilter, level: Level) -> list[tuple[str, str, str, int]]:
        """(area code, ballot, key, sum of values) over the TPS-ballots in scope that `counts`."""

    def single_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, int]]:
        """(area code, ballot, number of fields resting on one source)."""

    def status_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, str, int]]:
        """(area code, ballot, status, number of TPS-ballots)."""

    def decided_counts(self, read: ReadFilter, level: Level) -> list[tuple[str, str, int]]:
        """(area code, ballot, number of `decided` TPS-ballots)."""

    def clear(self) -> None:
        """Drop every derived row (snapshots, photo uses, states) and rewind the cursor to the
        start of the change log; official figures stay."""

    # official figures
    def put_official(self, rows: list[Official]) -> None: ...
    def get_official(self, tps: str, ballot: str) -> Official | None: ...
    def official_keys(self) -> list[tuple[str, str]]: ...

    # recapitulation figures (D.Hasil), compared with the counted TPS below them
    def put_recap(self, rows: list[RecapRow]) -> None: ...
    def recaps(self, read: ReadFilter) -> list[RecapRow]: ...
    def decided_tps(self, read: ReadFilter) -> set[tuple[str, str]]:
        """(tps, ballot) of every `decided` TPS-ballot in scope."""

    # what review reads
    def records_at(self, tps: str, kind: str | None = None) -> list[StoredRecord]: ...
    def records_of(self, kind: str, read: ReadFilter) -> list[StoredRecord]: ...
    def history(self, record_id: str) -> list[LogEntry]:
        """Change-log entries of one record, oldest first."""

    def first_finals(self, read: ReadFilter) -> list[tuple[str, str, int]]:
        """(tps, ballot, hlc) of the first time each readable tally was made final."""

    def tps_in(self, read: ReadFilter) -> list[Tps]: ...
    def get_tps(self, tps: str) -> Tps | None: ...
