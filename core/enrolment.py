"""What an enrolment QR code carries: the server address and the one-time code.

    pantau:enrol?server=http%3A%2F%2F10.0.0.5%3A8765&code=ABCD-EFGH

With TLS the address carries the certificate's SHA-256 fingerprint, which the phone pins:

    pantau:enrol?server=https%3A%2F%2F10.0.0.5%3A8765%23sha256%3D<64 hex>&code=...

Pure and shared: the server CLI writes it (`enrol-code --qr`), the phone reads it back from
a photo. Anything else (a web link, a bare code, a QR of another app) is refused in words.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from core.errors import DomainError

PREFIX = "pantau:enrol?"
MAX_LEN = 512  # a payload is ~80 characters (~160 with a pin); longer is not ours
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{2,62}[A-Za-z0-9]")


def _not_ours() -> DomainError:
    return DomainError(
        "qr_not_enrolment",
        "Kode QR ini bukan kode pendaftaran Pantau TPS. Minta kode QR dari admin, "
        "atau ketik alamat server dan kodenya.",
        "This QR code is not a Pantau TPS enrolment code. Ask your admin for the QR code, "
        "or type the server address and the code.",
    )


PIN = "#sha256="  # an https address may carry its certificate's fingerprint: the phone pins it
_PIN = re.compile(r"[0-9a-f]{64}")


def split_pin(server_url: str) -> tuple[str, str]:
    """(address, pinned SHA-256 fingerprint or "") from an address as a QR code carries it."""
    url, _, pin = server_url.strip().partition(PIN)
    pin = pin.strip().lower().replace(":", "")
    if pin and (not _PIN.fullmatch(pin) or not url.startswith("https://")):
        raise DomainError(
            "qr_bad_pin",
            "Sidik sertifikat server di alamat tidak sah (harus https dan 64 angka heks). "
            "Minta kode QR baru.",
            "The server certificate fingerprint in the address is not valid (https and 64 hex "
            "digits). Ask for a new QR code.",
        )
    return url.rstrip("/"), pin


def with_pin(server_url: str, pin: str) -> str:
    """The https address with its certificate fingerprint, as the QR code carries it."""
    return check_server_url(f"{server_url.strip().rstrip('/')}{PIN}{pin}")


def check_server_url(server_url: str) -> str:
    """The address without trailing slash (and its pin, if any); DomainError unless http(s)
    with a host."""
    url, pin = split_pin(server_url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise DomainError(
            "qr_bad_server",
            f"Alamat server di kode QR tidak sah: '{server_url[:80]}'. Minta kode QR baru.",
            f"The server address in the QR code is not valid: '{server_url[:80]}'. "
            "Ask for a new QR code.",
        )
    return f"{url}{PIN}{pin}" if pin else url


def _check_code(code: str) -> str:
    value = code.strip()
    if not _CODE.fullmatch(value):
        raise DomainError(
            "qr_bad_code",
            "Kode pendaftaran di kode QR tidak sah. Minta kode QR baru.",
            "The enrolment code in the QR code is not valid. Ask for a new QR code.",
        )
    return value


def qr_payload(server_url: str, code: str) -> str:
    """The text to put in an enrolment QR code (both parts checked first)."""
    server = check_server_url(server_url)
    value = _check_code(code)
    return f"{PREFIX}server={quote(server, safe='')}&code={quote(value, safe='')}"


def parse_qr(text: str) -> tuple[str, str]:
    """(server_url, code) from a scanned QR text; DomainError for anything else."""
    raw = text.strip()
    if len(raw) > MAX_LEN or not raw.lower().startswith(PREFIX):
        raise _not_ours()
    try:
        fields = parse_qs(raw[len(PREFIX) :], strict_parsing=True, max_num_fields=8)
    except ValueError:
        raise _not_ours() from None
    servers, codes = fields.get("server", []), fields.get("code", [])
    if len(servers) != 1 or len(codes) != 1:
        raise _not_ours()
    return check_server_url(servers[0]), _check_code(codes[0])
