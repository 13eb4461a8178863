"""The storage interface of photo blobs, reached as `store.blobs()`.

Only metadata lives in the database (declared size and type, who created the upload, whether
it is complete); the bytes live on disk under `settings.blob_dir` (see sync_server.blobs.uploads).
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
    """The photos one record cites now."""

    record_id: str
    kind: str
    tps: str
    hashes: tuple[str, ...]


class BlobStore(Protocol):
    def get_blob(self, sha256: str) -> BlobRow | None: ...
    def put_blob(self, blob: BlobRow) -> None:
        """Insert or replace the metadata of one blob."""

    def delete_blob(self, sha256: str) -> None: ...
    def stale_uploads(self, before_ms: int, limit: int = 1000) -> list[BlobRow]:
        """Incomplete uploads not touched since `before_ms`, oldest first."""

    def set_refs(self, record_id: str, kind: str, tps: str, hashes: Sequence[str]) -> None:
        """Replace the photos one record cites (none for a deleted record)."""

    def set_refs_many(self, cites: Sequence[Cites]) -> None:
        """`set_refs` for many records at once (a push batch)."""

    def readable(self, sha256: str, read: ReadFilter) -> bool:
        """True when a record the filter can read cites this photo."""

    def readable_upload(self, sha256: str, read: ReadFilter) -> bool:
        """True when a record the filter can read, made by the user whose device uploaded the
        photo, cites it: citing someone else's hash opens nothing."""

    def open_uploads(self, device_id: str) -> int:
        """How many unfinished uploads this device opened."""

    def reuse(self, hashes: Sequence[str] | None = None) -> list[PhotoReuse]:
        """Photos cited at more than one TPS; only those involving `hashes` when given."""
