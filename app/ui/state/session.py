"""Where the user is (tab, screen, TPS), who they are, and the language they chose."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import flet as ft

from app.store import Identity
from app.ui.state.authors import party_name
from app.ui.state.roles import can_create, in_scope
from app.ui.state.services import Services

LANG_KEY = "lang"
TABS = ("tps", "laporan", "kirim", "saya")


@ft.observable
@dataclass
class Session:
    services: Services = field(repr=False)
    lang: str = "id"
    tab: int = 0
    screen: str = "root"  # root | tps | tally | incident | assessment
    tps_id: str = ""
    ballot: str = ""
    record_id: str = ""
    identity: Identity | None = None

    @classmethod
    def start(cls, services: Services) -> Session:
        store = services.store
        lang = store.meta(LANG_KEY) or "id"
        return cls(services, lang=lang if lang in ("id", "en") else "id", identity=store.identity())

    # -- verbs ----------------------------------------------------------------------------
    def set_lang(self, lang: str) -> None:
        if lang not in ("id", "en"):
            return
        self.services.store.set_meta(LANG_KEY, lang)
        self.lang = lang

    def enrolled(self, identity: Identity) -> None:
        self.identity = identity
        self.tab, self.screen = 0, "root"

    def sign_out(self) -> bool:
        """Leave this phone (to enrol again or as another role); False while data waits."""
        if not self.services.store.forget_identity():
            return False
        self.identity = None
        self.tab, self.screen, self.tps_id = 0, "root", ""
        return True

    def set_server(self, url: str) -> bool:
        """A new address for the same server account (e.g. the server moved)."""
        url = url.strip().rstrip("/")
        if self.identity is None or not url.startswith(("http://", "https://")):
            return False
        self.identity = replace(self.identity, server_url=url)
        self.services.store.set_identity(self.identity)
        return True

    def go_tab(self, index: int) -> None:
        self.tab = index
        self.screen = "root"

    def open_tps(self, tps_id: str) -> None:
        self.tps_id = tps_id
        self.tab, self.screen = 0, "tps"

    def open_tally(self, ballot: str) -> None:
        if self.writes_here():
            self.ballot = ballot
            self.screen = "tally"

    def open_incident(self, record_id: str = "") -> None:
        if record_id or self.report_tps():
            self.record_id = record_id or self.services.store.new_id()
            self.screen = "incident"

    def open_assessment(self) -> None:
        if self.writes_here():
            self.screen = "assessment"

    def back(self) -> None:
        self.screen = "tps" if self.tab == 0 and self.screen != "tps" and self.tps_id else "root"

    # -- questions ------------------------------------------------------------------------
    @property
    def role(self) -> str:
        return self.identity.role if self.identity else ""

    def can(self, kind: str) -> bool:
        return can_create(self.role, kind)

    def writes_at(self, tps_id: str) -> bool:
        """May this user record at this TPS? (Outside their scope the server refuses it.)"""
        return self.identity is not None and in_scope(self.identity.scope, tps_id)

    def writes_here(self) -> bool:
        return self.writes_at(self.tps_id)

    def report_tps(self) -> str:
        """Where a new report is made: the TPS open now if it is mine, else my first TPS."""
        if self.writes_here():
            return self.tps_id
        scope = self.identity.scope if self.identity else ()
        mine = self.services.regions.assigned(scope, limit=1)
        return mine[0].id if mine else ""

    def party_label(self) -> str:
        ident = self.identity
        return party_name(self.services, ident.party if ident else None) or "-"
