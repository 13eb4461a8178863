"""Certificate pinning for a server with a self-signed certificate (no CA on a LAN).

At enrolment the phone fetches the server's certificate *before sending anything*, checks its
SHA-256 against the fingerprint the enrolment QR carried, and keeps the certificate. Every later
connection trusts exactly that certificate and nothing else.
"""

from __future__ import annotations

import hashlib
import ssl
from urllib.parse import urlsplit

from app.sync.api import Offline, SyncError


def fetch_pinned(server_url: str, pin: str, timeout_s: float = 20.0) -> str:
    """The server's certificate (PEM) if its SHA-256 is `pin`; SyncError otherwise."""
    parts = urlsplit(server_url)
    address = (parts.hostname or "", parts.port or 443)
    try:
        pem = ssl.get_server_certificate(address, timeout=timeout_s)
    except (OSError, ssl.SSLError) as exc:
        raise Offline(str(exc)) from None
    if hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest() != pin:
        raise SyncError(
            "Sertifikat server tidak cocok dengan kode QR: mungkin ada yang menyadap jaringan. "
            "Jangan lanjutkan; laporkan ke admin.",
            "The server's certificate does not match the QR code: someone may be intercepting "
            "the network. Do not continue; tell your admin.",
            "certificate_mismatch",
        )
    return pem


def pinned_context(pem: str) -> ssl.SSLContext:
    """Trust this one certificate (its LAN address need not be in it: the pin is the name)."""
    context = ssl.create_default_context(cadata=pem)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def verify_for(server_cert: str) -> ssl.SSLContext | bool:
    """httpx's `verify`: the pinned certificate, or the system's CAs when none is pinned."""
    return pinned_context(server_cert) if server_cert else True
