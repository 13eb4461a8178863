"""Enrolling the laptop when the console is started on its own: the server address and the
supervisor's one-time code. A code for a field role enrols the device all the same (the code
is spent), and the console says to use the field app."""

from __future__ import annotations

import asyncio
import logging
import platform
from dataclasses import dataclass, field

import flet as ft
import httpx

from app.console.backend import error_text
from app.console.strings import t
from app.store import Store
from app.sync import SyncError, enrol

CONSOLE_ROLES = frozenset({"supervisor", "admin"})
log = logging.getLogger(__name__)


@ft.observable
@dataclass
class EnrolGate:
    store: Store = field(repr=False)
    server_url: str = ""
    code: str = ""
    busy: bool = False
    error_id: str = ""
    error_en: str = ""
    transport: httpx.BaseTransport | None = field(default=None, repr=False)

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    def role(self) -> str | None:
        ident = self.store.identity()
        return ident.role if ident else None

    def may_review(self) -> bool:
        return self.role() in CONSOLE_ROLES

    def set_server(self, text: str) -> None:
        self.server_url = text.strip()

    def set_code(self, text: str) -> None:
        self.code = text.strip()

    async def submit(self) -> bool:
        """Enrol with the typed code; True when this device may now open the console."""
        if not self.code:
            self.error_id, self.error_en = t("id", "enrol_need_code"), t("en", "enrol_need_code")
            return False
        self.busy, self.error_id, self.error_en = True, "", ""
        try:
            name = f"konsol {platform.node()}"[:60]
            await asyncio.to_thread(
                enrol, self.store, self.server_url, self.code, name, self.transport
            )
        except SyncError as exc:  # planned for (Offline, a refused code): the words say what to do
            self.error_id, self.error_en = error_text(exc)
            return False
        except Exception as exc:  # a bug or the disk: logged, and still words for the person
            log.exception("console: enrolment failed")
            self.error_id, self.error_en = error_text(exc)
            return False
        finally:
            self.busy = False
        return self.may_review()
