"""Device tokens and enrolment codes, and the `CurrentDevice` dependency.

Tokens are random and stored only as SHA-256 hashes; enrolment codes as HMACs under the server
key (sync_server.secret). Revoking a device takes effect on its next request.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from sync_server.errors import ApiError, unauthorized
from sync_server.runtime import StoreDep
from sync_server.store.models import Device, User

# No 0/O, 1/I/L: a code is read aloud or copied from paper onto a phone keyboard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SELECTOR_LENGTH = 4  # names the code, so wrong guesses at one code are counted (not secret)
CODE_LENGTH = 16  # the secret part: 31^16, about 79 bits
CODE_BITS = CODE_LENGTH * math.log2(len(CODE_ALPHABET))


def hash_secret(secret: str) -> str:
    """For device tokens: 256 random bits need no key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_code(key: bytes, code: str) -> str:
    """An enrolment code as stored: HMAC-SHA256 under the server key (a leaked database alone
    cannot be searched for codes)."""
    return hmac.new(key, normalize_code(code).encode(), hashlib.sha256).hexdigest()


def code_selector(code: str) -> str:
    return normalize_code(code)[:SELECTOR_LENGTH]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrol_code() -> str:
    """`SSSS-XXXX-XXXX-XXXX-XXXX`: a selector, then the secret in groups of four."""
    n = SELECTOR_LENGTH + CODE_LENGTH
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))
    return "-".join(raw[i : i + 4] for i in range(0, n, 4))


def normalize_code(code: str) -> str:
    """Forgive case, spaces and dashes a person types."""
    return "".join(ch for ch in code.upper() if ch not in " -")


@dataclass(frozen=True)
class Principal:
    device: Device
    user: User


_MISSING = unauthorized(
    "token_missing",
    "Perangkat belum terdaftar: daftarkan perangkat dengan kode pendaftaran dari admin",
    "No device token: enrol this device with a code from your admin",
)
_INVALID = unauthorized(
    "token_invalid",
    "Token perangkat tidak dikenal: daftarkan ulang perangkat dengan kode baru dari admin",
    "Unknown device token: enrol this device again with a new code from your admin",
)
_REVOKED = unauthorized(
    "token_revoked",
    "Akses perangkat ini sudah dicabut: minta kode pendaftaran baru kepada admin",
    "This device's access was revoked: ask your admin for a new enrolment code",
)


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise _copy(_MISSING)
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _copy(_MISSING)
    return token.strip()


def _copy(error: ApiError) -> ApiError:
    # A fresh exception per request: a shared instance would collect tracebacks across threads.
    return ApiError(error.status, error.code, error.message, error.message_en)


def current_device(
    store: StoreDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    device = store.device_by_token(hash_secret(_bearer(authorization)))
    if device is None:
        raise _copy(_INVALID)
    if device.revoked:
        raise _copy(_REVOKED)
    user = store.get_user(device.user_id)
    if user is None:
        raise _copy(_INVALID)
    return Principal(device, user)


CurrentDevice = Annotated[Principal, Depends(current_device)]
