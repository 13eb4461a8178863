"""Pick a TPS: my assigned TPS first, then instant search over the whole region."""

from __future__ import annotations

from dataclasses import dataclass, field

import flet as ft

from app.store.regions import SearchResult
from app.ui.state.services import Services
from core.registry import Tps

LIMIT = 100


@ft.observable
@dataclass
class TpsPicker:
    services: Services = field(repr=False)
    query: str = ""
    result: SearchResult = field(default_factory=lambda: SearchResult(0, []))

    def search(self, text: str) -> None:
        self.query = text
        self.result = self.services.regions.search(text, limit=LIMIT)

    def mine(self, scope: tuple[str, ...]) -> list[Tps]:
        return self.services.regions.assigned(scope, limit=50)
