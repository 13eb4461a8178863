"""Perceptual fingerprints of photos, to spot one sheet used at two TPS however it was
re-encoded, resized, cropped or photographed again (server only: ImageHash never ships to
phones).

A fingerprint is the 256-bit DCT hash (`imagehash.phash`, hash_size 16) of the whole picture
and of 18 windows of it (92% and 84% of each side, anchored at the corners, edges and centre),
all on a copy scaled to 512 px. Two photos match when the whole of one is close to the whole
or a window of the other: a crop of a photo is close to one of its windows.
"""

from __future__ import annotations

import io
import logging

import imagehash
from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)
HASH_SIZE = 16  # 256 bits
SCALES = (0.92, 0.84)
ANCHORS = (0.0, 0.5, 1.0)
# Measured on test sheets (tests/server/test_photo_similar.py): the same sheet re-encoded,
# resized, cropped or re-photographed stayed within 40 bits; two sheets of one form template
# with other numbers, photographed the same way (the hardest case), 56 or more apart.
SIMILAR_BITS = 46

Fingerprint = list[int]


def _hash(img: Image.Image) -> int:
    return int(str(imagehash.phash(img, hash_size=HASH_SIZE)), 16)


def fingerprint(data: bytes) -> Fingerprint | None:
    """The whole picture's hash first, then its windows; None when it is not a readable image."""
    try:
        img = Image.open(io.BytesIO(data)).convert("L")
    except (UnidentifiedImageError, OSError) as exc:
        log.warning("photo fingerprint skipped: not a readable image (%s)", exc)
        return None
    img.thumbnail((512, 512))
    w, h = img.size
    out = [_hash(img)]
    for f in SCALES:
        cw, ch = int(w * f), int(h * f)
        for ax in ANCHORS:
            for ay in ANCHORS:
                x, y = int((w - cw) * ax), int((h - ch) * ay)
                out.append(_hash(img.crop((x, y, x + cw, y + ch))))
    return out


def distance(a: Fingerprint, b: Fingerprint) -> int:
    """Bits apart: the whole of one against the whole and every window of the other."""
    return min(
        min((a[0] ^ v).bit_count() for v in b),
        min((b[0] ^ v).bit_count() for v in a),
    )


def encode(fp: Fingerprint) -> str:
    return ",".join(f"{v:064x}" for v in fp)


def decode(text: str) -> Fingerprint:
    return [int(v, 16) for v in text.split(",") if v]
