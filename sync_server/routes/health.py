"""GET /v1/health: no token; a load balancer or a test waits on it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core.protocol import PROTOCOL_VERSION

router = APIRouter()


@router.get("/v1/health")
def health() -> dict[str, Any]:
    return {"ok": True, "protocol": PROTOCOL_VERSION}
