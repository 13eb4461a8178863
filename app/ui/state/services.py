"""What every screen's state needs from outside: the store, the region index, the election."""

from __future__ import annotations

from dataclasses import dataclass

from app.store import Store
from app.store.regions import RegionIndex
from core.election import Election


@dataclass(frozen=True)
class Services:
    store: Store
    regions: RegionIndex
    election: Election
    server_url: str = ""
    sync_interval_s: float = 10.0
