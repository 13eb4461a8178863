"""Which photos records cite: kept in `blob_refs` inside each push, and photos cited at
several TPS (same file or same camera original) for the review queue."""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Any

from sync_server.store.base import Store
from sync_server.store.blob_base import Cites, PhotoReuse
from sync_server.store.models import StoredRecord

PHOTO_FIELDS = ("photos", "bukti")


def photo_hashes(fields: dict[str, Any]) -> list[str]:
    """The photo hashes a record's fields cite (none once it is deleted)."""
    if fields.get("deleted"):
        return []
    found: list[str] = []
    for name in PHOTO_FIELDS:
        for value in fields.get(name) or ():
            if isinstance(value, str) and value not in found:
                found.append(value)
    return found


def cite_photos(store: Store, records: Iterable[StoredRecord], new: Set[str] = frozenset()) -> None:
    """Inside a push: keep `blob_refs` equal to the photos these records now cite (`new`: ids
    of records this push created, which cited nothing before)."""
    cites = [Cites(r.id, r.kind, r.tps, tuple(photo_hashes(r.fields)), r.id in new)
             for r in records]  # fmt: skip
    if cites:
        store.blobs().set_refs_many(cites)


def photo_reuse(store: Store, sha256s: list[str] | None = None) -> list[PhotoReuse]:
    """Photos cited by records of more than one TPS (same file or same original).

    With `sha256s` (e.g. one incoming tally's photos) only those are looked at, so the work is
    proportional to their cites, not to the whole table. For the review queue.
    """
    return store.blobs().reuse(sha256s)
