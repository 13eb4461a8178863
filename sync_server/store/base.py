"""The storage interface: everything routes and services need, nothing about SQL.

A backend (SQLite now, PostgreSQL later) implements `Store`; `tests/server/test_store_contract.py`
runs the same suite against every backend. Writes made inside `transaction()` commit together
or not at all; nested `transaction()` blocks join the outer one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from core.merge import Conflict
from core.registry import Registry
from sync_server.store.blob_base import BlobStore
from sync_server.store.evidence_base import EvidenceStore
from sync_server.store.models import (
    ConflictRow,
    Device,
    EnrolCode,
    LogEntry,
    OpRow,
    PushWrites,
    ReadFilter,
    StoredRecord,
    User,
    WireRow,
)
from sync_server.store.recon_base import ReconStore


class StoreBusy(Exception):
    """The database stayed locked by other writers past the backend's timeout; nothing was
    written. The server answers 503 with Retry-After (main.py), and the client tries again."""


class Store(Protocol):
    def migrate(self) -> None:
        """Create or upgrade the schema; safe to run on every start."""

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """One unit of work; takes the write lock at once so concurrent pushes queue up.
        Raises StoreBusy (after rolling back) when the lock cannot be had in time."""

    def exclusive(self, name: str, *, wait: bool = True) -> AbstractContextManager[bool]:
        """Held by one process at a time across every server process on this database (the
        reconciliation leader); yields False at once when `wait` is off and another holds it."""

    # users, devices, enrolment codes
    def add_user(self, user: User) -> None: ...
    def get_user(self, user_id: str) -> User | None: ...
    def list_users(self) -> list[User]: ...
    def add_device(self, device: Device, token_hash: str) -> None: ...
    def get_device(self, device_id: str) -> Device | None: ...
    def device_by_token(self, token_hash: str) -> Device | None:
        """The device holding this token, revoked or not (the caller tells them apart)."""

    def revoke_device(self, device_id: str, at_ms: int) -> bool:
        """Revoke now; False when there is no such device."""

    def list_devices(self) -> list[Device]: ...
    def add_enrol_code(self, code: EnrolCode) -> None: ...
    def get_enrol_code(self, code_hash: str) -> EnrolCode | None: ...
    def use_enrol_code(self, code_hash: str, at_ms: int, device_id: str) -> bool:
        """Mark a code used; False when it was already used (it is single-use)."""

    def add_code_failure(self, selector: str, at_ms: int, forget_before_ms: int) -> None:
        """Count one wrong guess at the code named by `selector` (its public part); forget
        every guess older than `forget_before_ms` (shared by all server processes)."""

    def code_failures(self, selector: str, since_ms: int) -> int:
        """Wrong guesses at this selector since `since_ms`."""

    # ops answered per device
    def get_op(self, device_id: str, op_id: str) -> OpRow | None: ...
    def get_ops(self, device_id: str, op_ids: Sequence[str]) -> dict[str, OpRow]:
        """The answered ops among `op_ids`, by op id (one query for a whole batch)."""

    def add_op(self, op: OpRow) -> None: ...
    def acked_seq(self, device_id: str) -> int: ...
    def advance_acked_seq(self, device_id: str) -> int:
        """Move the device's acked seq over every contiguous seq now held; return it."""

    # records
    def held_seq(self, namespace: str) -> int:
        """The highest seq held in a device's seq namespace (0 when none)."""
        ...

    def device_epoch(self, device_id: str) -> int:
        """The device's newest epoch (0 until it started another)."""
        ...

    def new_epoch(self, device_id: str) -> int:
        """Register a new epoch for the device, never handed out before; return it."""
        ...

    def get_record(self, record_id: str) -> StoredRecord | None: ...
    def get_records(self, record_ids: Sequence[str]) -> dict[str, StoredRecord]:
        """The stored records among `record_ids`, by id."""

    def save_push(self, writes: PushWrites) -> None:
        """Write one push batch: records at their seqs, the server seq, conflicts, the chained
        log entries and the op answers (inside the caller's transaction)."""

    def put_record(self, record: StoredRecord) -> int:
        """Insert or replace a record under the next server seq; return that seq."""

    def records_since(self, since: int, limit: int, read: ReadFilter) -> list[StoredRecord]:
        """Readable records with seq > since, in seq order, at most `limit`."""

    def wire_since(self, since: int, limit: int, read: ReadFilter) -> list[WireRow]:
        """The same records with their JSON columns as stored text (what a pull sends)."""

    def count_records(self) -> int: ...
    def server_seq(self) -> int: ...

    # conflicts
    def add_conflict(self, record_id: str, conflict: Conflict, seq: int) -> int: ...
    def list_conflicts(self, read: ReadFilter, include_resolved: bool = False) -> list[ConflictRow]:
        """Conflicts on records the filter can read, oldest first."""

    def resolve_conflict(self, conflict_id: int) -> bool: ...

    # append-only change log, hash-chained
    def append_log(self, entry: dict[str, Any]) -> LogEntry:
        """Append an entry chained to the previous one (see sync_server.sync.chain)."""

    def log_entries(self) -> Iterator[LogEntry]: ...
    def log_since(self, after_id: int, limit: int) -> list[LogEntry]:
        """At most `limit` entries with id > after_id, oldest first."""

    # region registry
    def replace_region(self, registry: Registry) -> None: ...
    def has_tps(self, tps_id: str) -> bool: ...
    def known_tps(self, tps_ids: Sequence[str]) -> set[str]:
        """Those of `tps_ids` that are in the registry."""

    def count_tps(self) -> int: ...

    # housekeeping
    def note_pulled(self, device_id: str, since: int) -> None:
        """The device holds every record up to server seq `since` (it asked for more)."""

    def max_hlc(self) -> int:
        """The largest stamp ever applied, so a restarted server's clock never goes back."""

    def gc_tombstones(self) -> int:
        """Drop deleted records every active device has pulled past; returns how many."""

    # reconciliation and review (sync_server/store/recon_base.py); joins transaction()
    def recon(self) -> ReconStore: ...

    # photo blobs and which records cite them (sync_server/store/blob_base.py)
    def blobs(self) -> BlobStore: ...

    # device keys, signed batches and checkpoints (sync_server/store/evidence_base.py)
    def evidence(self) -> EvidenceStore: ...
