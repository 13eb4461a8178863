"""POST /v1/enrol (code -> device token, no token needed) and GET /v1/me."""

from __future__ import annotations

from fastapi import APIRouter

from core.errors import DomainError
from core.protocol import EnrolRequest, EnrolResponse, Me
from sync_server import admin
from sync_server.auth import CurrentDevice
from sync_server.errors import ApiError
from sync_server.runtime import RuntimeDep, StoreDep

router = APIRouter()


@router.post("/v1/enrol")
def enrol(body: EnrolRequest, store: StoreDep, runtime: RuntimeDep) -> EnrolResponse:
    try:
        return admin.enrol(store, body.code, body.device_name, runtime.clock.wall())
    except DomainError as exc:
        raise ApiError.from_domain(401, exc) from None


@router.get("/v1/me")
def me(who: CurrentDevice) -> Me:
    return admin.me(who.user)
