"""Test photos: noisy pictures of a paper form, so JPEG cannot shrink them to nothing."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def form_photo(
    width: int = 4000,
    height: int = 3000,
    *,
    seed: int = 0,
    noise: float = 30.0,
    orientation: int | None = None,
    taken: str | None = "2024:02:14 13:05:01",
    gps: bool = True,
    fmt: str = "JPEG",
) -> bytes:
    """A phone-camera-like photo of a ruled sheet with handwriting-ish strokes and sensor noise."""
    rng = random.Random(seed)
    paper = Image.new("L", (width, height), 205 + rng.randrange(30))
    draw = ImageDraw.Draw(paper)
    step = max(8, height // 40)
    for y in range(step, height, step):
        draw.line([(0, y), (width, y)], fill=120, width=max(1, step // 12))
    for _ in range(max(10, width * height // 20_000)):
        x, y = rng.randrange(width), rng.randrange(height)
        w = max(2, step // 2)
        draw.line([(x, y), (x + rng.randrange(-w, w), y + rng.randrange(-w, w))], fill=30, width=2)
    paper = paper.filter(ImageFilter.GaussianBlur(1))
    grain = Image.effect_noise((width, height), noise)
    tinted = Image.merge(
        "RGB",
        [
            Image.blend(paper, grain, 0.25),
            Image.blend(paper, grain.rotate(180), 0.25),
            Image.blend(paper, grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 0.25),
        ],
    )
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if gps:
        exif.get_ifd(0x8825).update({1: "S", 2: (7.0, 32.0, 44.5), 3: "E", 4: (112.0, 14.0, 1.25)})
    out = io.BytesIO()
    if fmt == "JPEG":
        tinted.save(out, "JPEG", quality=92, exif=exif)
    else:
        tinted.save(out, fmt)
    return out.getvalue()


def filled_sheet(numbers_seed: int, *, width: int = 1600, height: int = 1200) -> Image.Image:
    """One C.Hasil-like sheet: the same printed form every time, other handwritten numbers per
    `numbers_seed` (two TPS photographing their own sheets the same way)."""
    img = Image.open(io.BytesIO(form_photo(width, height, seed=0, noise=20))).convert("RGB")
    draw = ImageDraw.Draw(img)
    rng = random.Random(numbers_seed)
    for i in range(30):
        x, y = width * 9 // 16 + rng.randrange(-40, 40), 60 + i * (height - 120) // 30
        draw.text((x, y), str(rng.randrange(1000)), fill=(10, 10, 60))
        for _ in range(6):
            x0, y0 = x + rng.randrange(60), y + rng.randrange(20)
            end = (x0 + rng.randrange(-15, 15), y0 + rng.randrange(-15, 15))
            draw.line([(x0, y0), end], fill=(20, 20, 80), width=3)
    return img


def jpeg(img: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()
