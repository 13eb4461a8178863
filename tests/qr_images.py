"""Enrolment QR pictures for tests: a clean PNG as the CLI writes it, and a phone-photo-like
JPEG of it (on paper, turned, scaled, blurred, noisy, unevenly lit)."""

from __future__ import annotations

import io
import random

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter

from core.enrolment import qr_payload


def qr_png(server: str = "http://127.0.0.1:8765", code: str = "ABCD-EFGH", text: str = "") -> bytes:
    out = io.BytesIO()
    segno.make(text or qr_payload(server, code), error="q", micro=False).save(
        out, kind="png", scale=10, border=4
    )
    return out.getvalue()


def _homography(dst: list[tuple[int, int]], src: list[tuple[int, int]]) -> tuple[float, ...]:
    """Pillow's 8 PERSPECTIVE coefficients mapping output points `dst` to input points `src`."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return tuple(float(c) for c in np.linalg.solve(np.array(rows, float), np.array(rhs, float)))


def photo_of(png: bytes, *, angle: float = 17, side: int = 2400, seed: int = 1) -> bytes:
    """The QR printed on a sheet, photographed: turned, seen at a slant (a perspective warp),
    smaller in frame, blurred, noisy, a shadow across it, saved as a quality-70 JPEG."""
    rng = random.Random(seed)
    code = Image.open(io.BytesIO(png)).convert("L")
    sheet = Image.new("L", (side, side * 3 // 4), 215)
    draw = ImageDraw.Draw(sheet)
    for y in range(40, sheet.height, 60):  # ruled lines on the paper
        draw.line([(0, y), (sheet.width, y)], fill=170, width=2)
    target = sheet.height // 2
    code = code.resize((target, target), Image.Resampling.BILINEAR).rotate(
        angle, expand=True, fillcolor=215, resample=Image.Resampling.BICUBIC
    )
    sheet.paste(code, (sheet.width // 3 + rng.randrange(50), sheet.height // 5))
    w, h = sheet.size  # the phone held at a slant: the far edge looks shorter
    d = w // 12
    seen = [(0, 0), (w, 0), (w, h), (0, h)]
    paper = [(-d, 0), (w + d, 0), (w - d // 2, h), (d // 2, h)]
    sheet = sheet.transform(
        sheet.size, Image.Transform.PERSPECTIVE, _homography(seen, paper),
        Image.Resampling.BICUBIC, fillcolor=90,
    )  # fmt: skip
    shade = Image.linear_gradient("L").rotate(90).resize(sheet.size)  # light to dark
    lit = Image.blend(sheet, Image.eval(shade, lambda v: 120 + v // 2), 0.35)
    noisy = Image.blend(lit, Image.effect_noise(sheet.size, 40), 0.18)
    photo = noisy.filter(ImageFilter.GaussianBlur(1.6)).convert("RGB")
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=70)
    return out.getvalue()


def y4m_of(png: bytes, width: int = 640, height: int = 480, frames: int = 5) -> bytes:
    """A short YUV4MPEG2 video of the QR on white, for Chromium's fake camera
    (`--use-file-for-fake-video-capture=FILE.y4m`): 4:2:0, grey, so U and V stay at 128."""
    code = Image.open(io.BytesIO(png)).convert("L")
    side = min(width, height) * 5 // 6
    frame = Image.new("L", (width, height), 255)
    frame.paste(
        code.resize((side, side), Image.Resampling.NEAREST),
        ((width - side) // 2, (height - side) // 2),
    )
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    header = f"YUV4MPEG2 W{width} H{height} F15:1 Ip A1:1 C420jpeg\n".encode()
    return header + b"".join(b"FRAME\n" + luma + chroma + chroma for _ in range(frames))
