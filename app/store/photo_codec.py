"""Re-encode a photo for a 2G link: JPEG, longest side <= 2048 px, about 300 KB.

EXIF orientation is applied to the pixels; the time the photo was taken (DateTimeOriginal,
DateTime) and the GPS block are kept, everything else in EXIF is dropped (camera serials,
thumbnails). The same input and Pillow version give the same bytes, so re-adding a photo
gives the same hash.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

MAX_SIDE = 2048
TARGET_BYTES = 300 * 1024
MAX_INPUT_BYTES = 40 * 1024 * 1024
QUALITY_MAX = 85
QUALITY_MIN = 40
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME, _DATETIME_ORIGINAL = 306, 36867


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int
    quality: int
    taken: str | None  # EXIF DateTimeOriginal ("YYYY:MM:DD HH:MM:SS") when the camera wrote one
    has_gps: bool


def bad_photo(detail: str) -> DomainError:
    return DomainError(
        "bad_photo",
        f"Berkas ini bukan foto yang bisa dibaca ({detail}); ambil ulang foto atau pilih "
        "berkas JPEG/PNG lain",
        f"This file is not a readable photo ({detail}); take the photo again or pick another "
        "JPEG/PNG file",
    )


def _open(data: bytes) -> Image.Image:
    if not data:
        raise bad_photo("berkas kosong / empty file")
    if len(data) > MAX_INPUT_BYTES:
        raise bad_photo(f"lebih dari {MAX_INPUT_BYTES // 2**20} MB / over the size limit")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            img.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bad_photo("format tidak dikenal / unknown format") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise bad_photo(f"rusak / damaged: {exc}") from None
    return img


def _kept_exif(img: Image.Image) -> tuple[Image.Exif, str | None, bool]:
    """Only time and place survive; orientation is already in the pixels."""
    old, new = img.getexif(), Image.Exif()
    if _DATETIME in old:
        new[_DATETIME] = old[_DATETIME]
    taken = old.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL)
    if taken:
        new.get_ifd(_EXIF_IFD)[_DATETIME_ORIGINAL] = taken
    gps = old.get_ifd(_GPS_IFD)
    if gps:
        new.get_ifd(_GPS_IFD).update(gps)
    return new, (str(taken) if taken else None), bool(gps)


def _rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    return img if img.mode == "RGB" else img.convert("RGB")


def _jpeg(img: Image.Image, quality: int, exif: Image.Exif) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, optimize=True, exif=exif)
    return out.getvalue()


def _smallest_fit(img: Image.Image, exif: Image.Exif, target: int) -> tuple[bytes, int]:
    """The highest quality within target (binary search), or the lowest quality tried."""
    best = _jpeg(img, QUALITY_MAX, exif)
    if len(best) <= target:
        return best, QUALITY_MAX
    lo, hi, found = QUALITY_MIN, QUALITY_MAX - 1, (b"", 0)
    for _ in range(6):  # bounded: 46 qualities need at most 6 halvings
        if lo > hi:
            break
        q = (lo + hi) // 2
        data = _jpeg(img, q, exif)
        if len(data) <= target:
            found, lo = (data, q), q + 1
        else:
            hi = q - 1
    if found[0]:
        return found
    return _jpeg(img, QUALITY_MIN, exif), QUALITY_MIN


def encode(data: bytes, *, max_side: int = MAX_SIDE, target: int = TARGET_BYTES) -> Encoded:
    """Decode any image Pillow reads; return the JPEG to store and send. Raise bad_photo."""
    img = _open(data)
    exif, taken, has_gps = _kept_exif(img)
    try:
        img = _rgb(ImageOps.exif_transpose(img))
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out, quality = _smallest_fit(img, exif, target)
        for _ in range(4):  # bounded: a very noisy picture gets smaller until it fits
            if len(out) <= target * 1.05:
                break
            scale = max(0.5, (target / len(out)) ** 0.5 * 0.95)
            size = (max(1, int(img.width * scale)), max(1, int(img.height * scale)))
            img = img.resize(size, Image.Resampling.LANCZOS)
            out, quality = _smallest_fit(img, exif, target)
    except (OSError, ValueError) as exc:
        raise bad_photo(f"tidak bisa diolah / cannot be processed: {exc}") from None
    return Encoded(out, img.width, img.height, quality, taken, has_gps)
