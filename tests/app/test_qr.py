"""Reading an enrolment QR code from a picture: a clean PNG, phone-photo-like JPEGs, bad files."""

from __future__ import annotations

import io
import sys

import pytest
from PIL import Image

from app.ui.qr import available, decode_qr, read_enrolment
from core.enrolment import qr_payload
from core.errors import DomainError
from tests.photos import form_photo
from tests.qr_images import photo_of, qr_png

SERVER, CODE = "http://192.168.1.20:8765", "K7QP-M2XD"


def test_clean_png_as_the_cli_writes_it():
    assert decode_qr(qr_png(SERVER, CODE)) == qr_payload(SERVER, CODE)
    assert read_enrolment(qr_png(SERVER, CODE)) == (SERVER, CODE)


@pytest.mark.parametrize(
    ("angle", "side", "seed"),
    [(0, 1600, 1), (17, 2400, 2), (-33, 3200, 3), (90, 1200, 4), (8, 4000, 5)],
)
def test_photo_like_pictures_turned_scaled_blurred_noisy(angle, side, seed):
    photo = photo_of(qr_png(SERVER, CODE), angle=angle, side=side, seed=seed)
    assert read_enrolment(photo) == (SERVER, CODE)


def test_sideways_phone_shot_with_exif_orientation():
    photo = Image.open(io.BytesIO(photo_of(qr_png(SERVER, CODE), angle=5))).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 8  # "rotate 90 CW to view": how a phone stores a portrait shot
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=80, exif=exif)
    assert read_enrolment(out.getvalue()) == (SERVER, CODE)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "qr_not_image"),
        (b"this is not a picture", "qr_not_image"),
        (qr_png()[:200], "qr_not_image"),  # a truncated download
        (form_photo(800, 600, seed=3), "qr_unreadable"),  # a C.Hasil photo, no QR in it
        (qr_png(text="https://example.org/not-ours"), "qr_not_enrolment"),
        (qr_png(text="ABCD-EFGH"), "qr_not_enrolment"),
    ],
)
def test_bad_pictures_say_why_in_both_languages(data, code):
    with pytest.raises(DomainError) as exc:
        read_enrolment(data)
    assert exc.value.code == code
    assert exc.value.message_id
    assert exc.value.message_en
    assert exc.value.message_id != exc.value.message_en


def test_without_opencv_typing_still_works(monkeypatch):
    assert available()
    monkeypatch.setitem(sys.modules, "cv2", None)  # `import cv2` now raises ImportError
    assert not available()  # the screen then shows this message instead of the QR buttons
    with pytest.raises(DomainError) as exc:
        read_enrolment(qr_png())
    assert exc.value.code == "qr_unavailable"
    assert "Ketik" in exc.value.message_id
    assert "Type" in exc.value.message_en
