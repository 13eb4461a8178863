"""Where the supervisor is in the console: the rail's tab, the language, the open TPS."""

from __future__ import annotations

from dataclasses import dataclass, field

import flet as ft

from app.store import Store

LANG_KEY = "lang"  # the same key the field app uses, so the choice is remembered once
TABS = ("queue", "tps", "incidents", "conflicts", "map", "dashboard", "exports")


@ft.observable
@dataclass
class Nav:
    store: Store = field(repr=False)
    tab: int = 0
    lang: str = "id"
    tps: str = ""
    ballot: str = "ppwp"

    @classmethod
    def start(cls, store: Store) -> Nav:
        lang = store.meta(LANG_KEY) or "id"
        return cls(store, lang=lang if lang in ("id", "en") else "id")

    def go(self, tab: int | str) -> None:
        self.tab = TABS.index(tab) if isinstance(tab, str) else max(0, min(int(tab), 6))

    def open_tps(self, tps: str, ballot: str) -> None:
        self.tps, self.ballot = tps, ballot
        self.go("tps")

    def toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "id" else "id"
        self.store.set_meta(LANG_KEY, self.lang)
