"""Read an enrolment QR code from a picture (camera shot or image file); pure decoding, no UI.

OpenCV's `cv2.QRCodeDetector` does the reading. It is imported on first use, and only where
it is installed (the optional `qr` extra on laptops; `opencv-python` from Flet's mobile package
index on Android and iOS), so a device without it still enrols by typing.

A phone photo is large, tilted, blurred and unevenly lit; the same picture is tried at a few
sizes and, failing that, binarised, before giving up. Slow (tens to hundreds of ms): call it
off the UI loop.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from core.enrolment import parse_qr
from core.errors import DomainError

SIDES = (1000, 1600, 640)  # longest side tried first, then larger, then smaller
MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding


def unavailable() -> DomainError:
    return DomainError(
        "qr_unavailable",
        "Pemindaian kode QR tidak tersedia di perangkat ini. "
        "Ketik alamat server dan kode pendaftaran.",
        "QR code scanning is not available on this device. "
        "Type the server address and the enrolment code.",
    )


def _not_an_image() -> DomainError:
    return DomainError(
        "qr_not_image",
        "Berkas ini bukan gambar yang bisa dibaca. Pilih foto atau gambar kode QR (PNG/JPEG).",
        "This file is not a readable picture. Choose a photo or image of the QR code (PNG/JPEG).",
    )


def _no_code() -> DomainError:
    return DomainError(
        "qr_unreadable",
        "Tidak ada kode QR yang terbaca di gambar ini. Pastikan kode QR utuh, tajam dan cukup "
        "terang, lalu coba lagi, atau ketik kodenya.",
        "No QR code could be read in this picture. Make sure the whole QR code is sharp and "
        "well lit, then try again, or type the code.",
    )


def available() -> bool:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


def _gray(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise _not_an_image()
            # A phone stores the shot sideways with an EXIF turn: upright it first.
            return ImageOps.exif_transpose(img).convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _not_an_image() from None


def _sized(img: Image.Image, side: int) -> Image.Image:
    scale = side / max(img.size)
    if abs(scale - 1) < 0.15:
        return img
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.NEAREST)


def _attempts(cv2: Any, np: Any, img: Image.Image) -> Iterator[Any]:
    """Candidate pictures, most likely to read first (a generator: stops at the first hit)."""
    for side in SIDES:
        yield np.asarray(_sized(img, side))
    small = np.asarray(_sized(img, SIDES[0]))
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _, otsu = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield otsu
    yield cv2.adaptiveThreshold(
        blurred, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 51, 10
    )


def decode_qr(data: bytes) -> str:
    """The text of the first QR code found in an image file's bytes; DomainError otherwise."""
    try:
        import cv2
        import numpy as np
    except ImportError:
        raise unavailable() from None
    img = _gray(data)
    detectors: list[Any] = [cv2.QRCodeDetector()]
    if hasattr(cv2, "QRCodeDetectorAruco"):  # OpenCV >= 4.8: finds tilted codes better
        detectors.append(cv2.QRCodeDetectorAruco())
    for candidate in _attempts(cv2, np, img):
        for detector in detectors:
            try:
                text, _points, _straight = detector.detectAndDecode(candidate)
            except cv2.error:
                continue
            if text:
                return str(text)
    raise _no_code()


def read_enrolment(data: bytes) -> tuple[str, str]:
    """(server_url, code) from a picture of an enrolment QR code; DomainError in words."""
    return parse_qr(decode_qr(data))
