"""What every screen's state needs from outside: the store, the region index, the election."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flet as ft

from app.store import Store
from app.store.regions import RegionIndex
from core.election import Election

# The views another app shows for an enrolled role (the supervisor console), or None.
ViewsFor = Callable[[str], list[ft.View] | None]


@dataclass(frozen=True)
class Services:
    store: Store
    regions: RegionIndex
    election: Election
    server_url: str = ""
    sync_interval_s: float = 10.0
    console_for: ViewsFor | None = None  # wired by app.main
