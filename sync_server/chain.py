"""The change log's hash chain: each entry's hash = sha256(previous hash + canonical JSON)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sync_server.store.models import LogEntry

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return chained_hash(prev_hash, canonical(entry))


def chained_hash(prev_hash: str, canonical_entry: str) -> str:
    """The hash of an entry already in canonical JSON (what the log stores)."""
    return hashlib.sha256((prev_hash + canonical_entry).encode()).hexdigest()


def verify_chain(entries: Iterable[LogEntry]) -> int | None:
    """Return the id of the first entry that breaks the chain, or None when all of it holds."""
    prev = GENESIS
    for item in entries:
        if item.prev_hash != prev or entry_hash(prev, item.entry) != item.hash:
            return item.id
        prev = item.hash
    return None
