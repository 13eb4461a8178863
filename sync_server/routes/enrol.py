"""POST /v1/enrol (code + public key -> device token, no token needed), GET /v1/me, POST
/v1/device/key (key rotation) and GET /v1/checkpoint."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from core import signing
from core.errors import DomainError
from core.protocol import Checkpoint, DeviceKeyOut, EnrolRequest, EnrolResponse, KeyRotation, Me
from sync_server.admin import accounts, device_keys
from sync_server.auth import CurrentDevice, current_device
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
        got = accounts.enrol(store, body.code, body.device_name, now, body.public_key)
    except DomainError as exc:
        if exc.code in ("public_key_missing", "public_key_invalid"):
            raise ApiError.from_domain(422, exc) from None
        runtime.enrol_guard.failed(client, now)
        raise ApiError.from_domain(401, exc) from None
    return got.model_copy(update={"server_key": signing.public_key_of(runtime.server_key)})


@router.get("/v1/me")
def me(who: CurrentDevice) -> Me:
    return accounts.me(who.user)


@router.post("/v1/device/key")
def rotate_key(
    body: KeyRotation, who: CurrentDevice, store: StoreDep, runtime: RuntimeDep
) -> DeviceKeyOut:
    """The device replaces its signing key (signed by the current one)."""
    try:
        return device_keys.rotate(store, who.device.id, body, runtime.clock.wall())
    except DomainError as exc:
        raise ApiError.from_domain(403, exc) from None


@router.get("/v1/checkpoint", dependencies=[Depends(current_device)])
def checkpoint(store: StoreDep) -> Checkpoint:
    """The latest signed checkpoint of the change log (any enrolled device may hold it)."""
    latest = store.evidence().latest_checkpoint()
    if latest is None:
        raise ApiError(404, "no_checkpoint", "Belum ada checkpoint; admin: pantau-server "
                       "checkpoint", "No checkpoint yet")  # fmt: skip
    return latest
