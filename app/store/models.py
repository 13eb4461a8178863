"""What the device store hands out: who this device is, and one record with its sync state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.hlc import Stamp
from core.merge import Versioned


@dataclass(frozen=True)
class Identity:
    """Who this device belongs to, from enrolment."""

    server_url: str
    device_id: str
    token: str
    user_id: str
    name: str
    role: str
    party: int | None = None
    scope: tuple[str, ...] = ()
    server_key: str = ""  # the server's checkpoint key, learnt at enrolment
    server_cert: str = ""  # the pinned certificate (PEM) of an https server; "" = system CAs


@dataclass(frozen=True)
class LocalRecord:
    id: str
    kind: str
    tps: str
    author: str
    fields: dict[str, Any]
    stamps: dict[str, Stamp]
    updated_ms: int
    sync_state: str  # draft | pending | sent | failed
    reason: str | None = None
    reason_en: str | None = None
    conflicts: int = 0

    @property
    def status(self) -> str:
        return str(self.fields.get("status") or "draft")

    @property
    def versioned(self) -> Versioned:
        return Versioned(self.fields, self.stamps)
