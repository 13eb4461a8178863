"""POST /v1/enrol (code -> device token, no token needed) and GET /v1/me."""

from __future__ import annotations

from fastapi import APIRouter, Request

from core.errors import DomainError
from core.protocol import EnrolRequest, EnrolResponse, Me
from sync_server.admin import accounts
from sync_server.auth import CurrentDevice, code_selector
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
    if guard.code_locked(selector, now):
        raise _code_locked()
    try:
        return accounts.enrol(store, body.code, body.device_name, now, key=runtime.key)
    except DomainError as exc:
        guard.failed(client, selector, now)
        raise ApiError.from_domain(401, exc) from None


@router.get("/v1/me")
def me(who: CurrentDevice) -> Me:
    return accounts.me(who.user)
