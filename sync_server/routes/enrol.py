"""POST /v1/enrol (code -> device token, no token needed) and GET /v1/me."""

from __future__ import annotations

from fastapi import APIRouter, Request

from core.errors import DomainError
from core.protocol import EnrolRequest, EnrolResponse, Me
from sync_server.admin import accounts
from sync_server.auth import CurrentDevice
from sync_server.errors import ApiError
from sync_server.runtime import RuntimeDep, StoreDep

router = APIRouter()


@router.post("/v1/enrol")
def enrol(
    body: EnrolRequest, request: Request, store: StoreDep, runtime: RuntimeDep
) -> EnrolResponse:
    client = request.client.host if request.client else "?"
    now = runtime.clock.wall()
    if not runtime.enrol_guard.allowed(client, now):
        raise ApiError(
            429,
            "enrol_rate_limited",
            "Terlalu banyak kode salah dari perangkat ini; tunggu 10 menit lalu coba lagi",
            "Too many wrong codes from this device; wait 10 minutes and try again",
        )
    try:
        return accounts.enrol(store, body.code, body.device_name, now)
    except DomainError as exc:
        runtime.enrol_guard.failed(client, now)
        raise ApiError.from_domain(401, exc) from None


@router.get("/v1/me")
def me(who: CurrentDevice) -> Me:
    return accounts.me(who.user)
