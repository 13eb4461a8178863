"""The storage interface of photo blobs, reached as `store.blobs()`.

Only metadata lives in the database: one row per (photo hash, device) upload (declared size and
type, when, whether that device's bytes arrived and matched the hash), so an upload belongs to
the device that opened it and a photo may have several uploaders. The bytes live on disk under
`settings.blob_dir` (see sync_server.blobs.uploads).
`blob_refs` says which record cites which photo; it is kept up to date inside each push and
answers "may this user see this photo?" and "is this photo used at two TPS?".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sync_server.store.models import ReadFilter


@dataclass(frozen=True)
class BlobRow:
    """One device's upload of one photo (key: sha256, device_id)."""

    sha256: str
    size: int
    content_type: str
    device_id: str
    created_ms: int
    updated_ms: int
    complete: bool = False
    original_sha256: str | None = None


@dataclass(frozen=True)
class PhotoCite:
    """One record citing one photo."""

    sha256: str
    record_id: str
    kind: str
    tps: str


@dataclass(frozen=True)
class PhotoReuse:
    """One photo (same file, or same original before re-encoding) cited at several TPS."""

    key: str  # the shared hash
    via: str  # "sha256": the same file | "original": the same original, re-encoded
    cites: tuple[PhotoCite, ...]

    @property
    def tps(self) -> tuple[str, ...]:
        return tuple(sorted({c.tps for c in self.cites}))


@dataclass(frozen=True)
class Cites:
    """The photos one record cites now; `new`: the record did not exist before this write, so
    it cited nothing (its earlier cites need no clearing)."""

    record_id: str
    kind: str
    tps: str
    hashes: tuple[str, ...]
    new: bool = False


class BlobStore(Protocol):
    def get_upload(self, sha256: str, device_id: str) -> BlobRow | None:
        """One device's upload of this photo."""

    def uploads(self, sha256: str) -> list[BlobRow]:
        """Every device's upload of this photo, oldest first."""

    def put_blob(self, blob: BlobRow) -> None:
        """Insert or replace one device's upload (keyed by sha256 and device_id)."""

    def delete_upload(self, sha256: str, device_id: str) -> None: ...
    def stale_uploads(self, before_ms: int, limit: int = 1000) -> list[BlobRow]:
        """Incomplete uploads not touched since `before_ms`, oldest first."""

    def set_refs(self, record_id: str, kind: str, tps: str, hashes: Sequence[str]) -> None:
        """Replace the photos one record cites (none for a deleted record)."""

    def set_refs_many(self, cites: Sequence[Cites]) -> None:
        """`set_refs` for many records at once (a push batch)."""

    def readable(self, sha256: str, read: ReadFilter) -> bool:
        """True when a record the filter can read cites this photo."""

    def readable_upload(self, sha256: str, read: ReadFilter) -> bool:
        """True when a record the filter can read, made by a user one of whose devices completed
        an upload of the photo, cites it: citing someone else's hash opens nothing."""

    def open_uploads(self, device_id: str) -> int:
        """How many unfinished uploads this device opened."""

    def reuse(self, hashes: Sequence[str] | None = None) -> list[PhotoReuse]:
        """Photos cited at more than one TPS; only those involving `hashes` when given."""

    # perceptual fingerprints (sync_server.blobs.similar) and the pairs found alike
    def put_print(self, sha256: str, print_: str) -> None: ...
    def prints(self) -> list[tuple[str, str]]:
        """(sha256, fingerprint) of every fingerprinted photo."""

    def put_twins(self, sha256: str, twins: Sequence[tuple[str, int]]) -> None:
        """Record that `sha256` looks like each (twin, distance in bits), both ways."""
