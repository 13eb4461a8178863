"""Enrolment: the server address and the one-time code, exchanged for this device's identity."""

from __future__ import annotations

import asyncio
import platform
from dataclasses import dataclass, field

import flet as ft

from app.store import Identity, Store
from app.sync import SyncError, enrol


@ft.observable
@dataclass
class EnrolForm:
    store: Store = field(repr=False)
    server_url: str = ""
    code: str = ""
    busy: bool = False
    error_id: str = ""
    error_en: str = ""

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    def set_server(self, value: str) -> None:
        self.server_url = value.strip()

    def set_code(self, value: str) -> None:
        self.code = value.strip()

    async def submit(self) -> Identity | None:
        """Enrol once; on failure keep what was typed and say what to do."""
        if not self.code:
            self.error_id = "Ketik kode pendaftaran dari admin"
            self.error_en = "Type the enrolment code from your admin"
            return None
        self.busy, self.error_id, self.error_en = True, "", ""
        try:
            return await asyncio.to_thread(
                enrol,
                self.store,
                self.server_url,
                self.code,
                platform.node()[:60],
            )
        except SyncError as exc:
            self.error_id, self.error_en = exc.message, exc.message_en
            return None
        finally:
            self.busy = False
