"""POST /v1/enrol (code + public key -> device token, no token needed), GET /v1/me, POST
/v1/device/key (key rotation) and GET /v1/checkpoint."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from core import signing
from core.errors import DomainError
from core.protocol import Checkpoint, DeviceKeyOut, EnrolRequest, EnrolResponse, KeyRotation, Me
from sync_server.admin import accounts, device_keys
from sync_server.auth import CurrentDevice, code_selector, current_device
from sync_server.errors import ApiError
from sync_server.guard import client_address
from sync_server.runtime import RuntimeDep, StoreDep

router = APIRouter()


def _rate_limited() -> ApiError:
    return ApiError(
        429,
        "enrol_rate_limited",
        "Terlalu banyak kode salah dari alamat ini; tunggu beberapa detik lalu coba lagi "
        "(kode yang benar tetap diterima)",
        "Too many wrong codes from this address; wait a few seconds and try again",
    )


def _code_locked() -> ApiError:
    return ApiError(
        429,
        "enrol_code_locked",
        "Kode pendaftaran ini dikunci karena terlalu sering dicoba dengan salah; minta kode baru "
        "kepada admin",
        "This enrolment code is locked after too many wrong tries; ask your admin for a new one",
    )


@router.post("/v1/enrol")
def enrol(
    body: EnrolRequest, request: Request, store: StoreDep, runtime: RuntimeDep
) -> EnrolResponse:
    peer = request.client.host if request.client else "?"
    forwarded = request.headers.get("x-forwarded-for")
    client = client_address(peer, forwarded, runtime.settings.trusted_proxies)
    selector, now, guard = code_selector(body.code), runtime.clock.wall(), runtime.enrol_guard
    if not guard.may_try(client, now):
        raise _rate_limited()
    if guard.code_locked(store, selector, now):
        raise _code_locked()
    try:
        got = accounts.enrol(
            store, body.code, body.device_name, now, key=runtime.key, public_key=body.public_key
        )
    except DomainError as exc:
        if exc.code in ("public_key_missing", "public_key_invalid"):
            raise ApiError.from_domain(422, exc) from None
        guard.failed(store, client, selector, now)
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
