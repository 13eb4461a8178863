"""Enrolment: the server address and the one-time code, exchanged for this device's identity.

Both can come from an enrolment QR code (a camera shot or an image file): `read_qr` fills
them and says so; the person still presses "Daftar", so a QR for the wrong person or server is
seen before the one-time code is spent. A picture that does not hold our QR changes nothing.
"""

from __future__ import annotations

import asyncio
import platform
from dataclasses import dataclass, field

import flet as ft

from app.store import Identity, Store
from app.sync import SyncError, enrol
from app.ui.qr import read_enrolment
from core.errors import DomainError


@ft.observable
@dataclass
class EnrolForm:
    store: Store = field(repr=False)
    server_url: str = ""
    code: str = ""
    busy: bool = False
    error_id: str = ""
    error_en: str = ""
    reading_qr: bool = False
    notice_id: str = ""  # what a QR code filled in
    notice_en: str = ""

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    def notice(self, lang: str) -> str:
        return self.notice_en if lang == "en" else self.notice_id

    def set_server(self, value: str) -> None:
        if value.strip() != self.server_url:
            self.server_url, self.notice_id, self.notice_en = value.strip(), "", ""

    def set_code(self, value: str) -> None:
        if value.strip() != self.code:
            self.code, self.notice_id, self.notice_en = value.strip(), "", ""

    def qr_failed(self, err: DomainError) -> None:
        self.error_id, self.error_en = err.message_id, err.message_en
        self.notice_id = self.notice_en = ""

    async def read_qr(self, picture: bytes) -> bool:
        """Fill server and code from a picture of an enrolment QR (decoded off the UI loop)."""
        if self.busy or self.reading_qr:
            return False
        self.reading_qr, self.error_id, self.error_en = True, "", ""
        try:
            server, code = await asyncio.to_thread(read_enrolment, picture)
        except DomainError as err:
            self.qr_failed(err)
            return False
        finally:
            self.reading_qr = False
        self.server_url, self.code = server, code
        self.notice_id = f"Kode QR terbaca: server {server}, kode {code}. Tekan Daftar."
        self.notice_en = f"QR code read: server {server}, code {code}. Press Enrol."
        return True

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
