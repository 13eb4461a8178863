"""Demo C.Hasil sheet photos: a page drawn with Pillow carrying the numbers of one source's
tally, stored through the real upload path (create, append, SHA-256 check, rename), so the
console's comparison has a photo beside each source to decide by. Labelled demo on the page.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
from collections.abc import AsyncIterator
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from core.election import Ballot
from core.protocol import BlobCreate
from sync_server.auth import Principal
from sync_server.blobs import uploads
from sync_server.settings import Settings
from sync_server.store.base import Store

W, H = 1100, 1500
INK = (20, 30, 110)  # ballpoint blue: the numbers are handwritten on the printed form
ROWS = (
    ("dpt_j", "I.A  Jumlah pemilih dalam DPT"),
    ("pemilih_dpt_j", "I.B.1 Pengguna hak pilih DPT"),
    ("pemilih_dptb_j", "I.B.2 Pengguna hak pilih DPTb"),
    ("pemilih_dpk_j", "I.B.3 Pengguna hak pilih DPK"),
    ("pengguna_hak_pilih_j", "I.B.4 Jumlah pengguna hak pilih"),
    ("ss_diterima", "II.1 Surat suara diterima"),
    ("ss_digunakan", "II.2 Surat suara digunakan"),
    ("ss_rusak", "II.3 Surat suara rusak/keliru coblos"),
    ("ss_sisa", "II.4 Surat suara tidak digunakan"),
    ("disabilitas_j", "III  Pemilih disabilitas"),
)
TOTALS = (
    ("suara_sah", "V.A Jumlah suara sah"),
    ("suara_tidak_sah", "V.B Jumlah suara tidak sah"),
    ("suara_total", "V.C Jumlah suara sah dan tidak sah"),
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _lines(fields: dict[str, Any], ballot: Ballot) -> list[tuple[str, Any]]:
    """(printed label, handwritten number) in the form's order, I.A ... V.C."""
    votes = fields.get("suara") or {}
    people = ballot.pasangan if ballot.kind == "pasangan" else ballot.calon
    out: list[tuple[str, Any]] = [(text, fields.get(key)) for key, text in ROWS]
    out += [(f"IV.{c.no}  {c.nama}", votes.get(str(c.no))) for c in people]
    out += [(text, fields.get(key)) for key, text in TOTALS]
    return out


def sheet(fields: dict[str, Any], ballot: Ballot, place: str, seed: int) -> bytes:
    """One JPEG page of a C.Hasil with `fields` written on it, slightly skewed like a photo."""
    rng = random.Random(seed)
    page = Image.new("RGB", (W, H), (250, 248, 240))
    draw = ImageDraw.Draw(page)
    draw.text((60, 40), f"MODEL C.HASIL-{ballot.code.upper()}", fill="black", font=_font(44))
    draw.text((60, 100), place, fill="black", font=_font(28))
    draw.text((60, 140), "[DEMO] gambar contoh, bukan formulir resmi", fill="red", font=_font(24))
    y = 200
    for label, value in _lines(fields, ballot):
        draw.rectangle((50, y, W - 50, y + 62), outline="black", width=2)
        draw.line((W - 260, y, W - 260, y + 62), fill="black", width=2)
        draw.text((64, y + 16), label[:52], fill="black", font=_font(26))
        jitter = rng.randint(-6, 6)
        text = "-" if value is None else str(value)
        draw.text((W - 230 + jitter, y + 8), text, fill=INK, font=_font(42))
        y += 62
    draw.text((60, y + 30), "Tanda tangan KPPS dan saksi", font=_font(22), fill="black")
    photo = page.rotate(rng.uniform(-2.0, 2.0), expand=True, fillcolor=(90, 90, 90))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=70)
    return out.getvalue()


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


def store_photo(store: Store, settings: Settings, who: Principal, data: bytes) -> str:
    """Upload `data` as a phone does (one chunk): the server checks its hash and keeps it."""
    sha = hashlib.sha256(data).hexdigest()
    body = BlobCreate(sha256=sha, size=len(data), content_type="image/jpeg")
    state = uploads.create(store, settings, who, body)
    if not state.complete:
        asyncio.run(uploads.append(store, settings, who, sha, 0, len(data), _one(data)))
    return sha
