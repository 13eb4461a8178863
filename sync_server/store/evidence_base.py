"""The storage interface of signatures and checkpoints, reached as `store.evidence()`.

Device keys are kept over time: rotation closes a key (`until_ms`) and opens the next, so what
a device signed before still verifies. Checkpoints are the server's signed log heads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from core.protocol import Checkpoint
from sync_server.store.models import LogEntry, StoredRecord


@dataclass(frozen=True)
class DeviceKey:
    device_id: str
    key_id: str
    public_key: str
    from_ms: int
    until_ms: int | None = None  # set when the device rotated to a newer key


class EvidenceStore(Protocol):
    def add_key(self, key: DeviceKey) -> None: ...
    def keys(self, device_id: str) -> list[DeviceKey]:
        """Every key the device has had, oldest first."""

    def retire_key(self, device_id: str, key_id: str, at_ms: int) -> None: ...
    def add_checkpoint(self, cp: Checkpoint) -> None: ...
    def latest_checkpoint(self) -> Checkpoint | None: ...
    def checkpoints(self) -> list[Checkpoint]: ...
    def head(self) -> tuple[int, str]:
        """(id, hash) of the last change-log entry; (0, GENESIS) when the log is empty."""

    def batch_entry(self, device_id: str, batch: int, before_id: int) -> LogEntry | None:
        """The latest signed-batch entry of (device, batch) logged before entry `before_id`."""

    def all_records(self) -> Iterator[StoredRecord]: ...
    def unsigned_until(self) -> int:
        """The last log entry written before signed pushes began (0 for a new server)."""
