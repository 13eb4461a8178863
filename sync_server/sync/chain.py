"""The change log's hash chain: each entry's hash = sha256(previous hash + the entry's JSON text,
exactly as stored). Entries written before 2026-11 stored canonical JSON (sorted keys), so
their text is also `canonical(entry)`; an entry read without its text is checked that way."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from core.ledger import GENESIS, chained_hash
from sync_server.store.models import LogEntry

__all__ = ["GENESIS", "canonical", "chained_hash", "entry_hash", "verify_chain"]


# One encoder for every call: json.dumps builds a new one per call when given options.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return chained_hash(prev_hash, canonical(entry))


def verify_chain(entries: Iterable[LogEntry]) -> int | None:
    """Return the id of the first entry that breaks the chain, or None when all of it holds."""
    prev = GENESIS
    for item in entries:
        body = item.text or canonical(item.entry)
        if item.prev_hash != prev or chained_hash(prev, body) != item.hash:
            return item.id
        prev = item.hash
    return None
