"""Enrolment QR images for the admin CLI: the server address and a one-time code in one PNG.

segno writes them: a small, pure-Python QR encoder with no dependencies (no Pillow, no C
extension), maintained since 2016 with a full ISO/IEC 18004 implementation and a test suite,
so the admin CLI stays installable anywhere Python runs.
"""

from __future__ import annotations

import re
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from core.enrolment import qr_payload
from core.errors import DomainError


def default_server_url(port: int, https: bool = False) -> str:
    return f"{'https' if https else 'http'}://127.0.0.1:{port}"


def only_this_computer(server_url: str) -> bool:
    """True when a phone could not reach this address (loopback / localhost)."""
    host = urlsplit(server_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def write_qr(path: Path, server_url: str, code: str) -> Path:
    """Write the enrolment QR of (server_url, code) as a PNG; DomainError in words on failure."""
    import segno

    payload = qr_payload(server_url, code)
    # Level Q (25% of the symbol recoverable) forgives a creased print or a glare spot.
    qr = segno.make(payload, error="q", micro=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        qr.save(str(path), kind="png", scale=10, border=4)
    except OSError as exc:
        raise DomainError(
            "qr_write_failed",
            f"gambar kode QR {path} tidak bisa ditulis ({exc.strerror or exc})",
            f"cannot write the QR image {path} ({exc.strerror or exc})",
        ) from None
    return path


def file_name(user_name: str) -> str:
    """'[DEMO] Saksi PKB TPS 001' -> 'saksi-pkb-tps-001.png'."""
    words = re.sub(r"\[[^\]]*\]", "", user_name).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
    return f"{slug or 'pengguna'}.png"
