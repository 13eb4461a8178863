"""The enrolment form filled from a QR picture: fills both fields and says so; a bad picture
changes nothing but the message; typing afterwards drops the notice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.store import open_store
from app.ui.state.enrol_form import EnrolForm
from app.ui.views.enrol_qr import QS, qt
from tests.photos import form_photo
from tests.qr_images import photo_of, qr_png

SERVER, CODE = "http://10.1.2.3:8765", "K7QP-M2XD"


def form(tmp_path: Path) -> EnrolForm:
    return EnrolForm(open_store(tmp_path / "d.db"), server_url="http://127.0.0.1:9")


def test_a_qr_photo_fills_server_and_code(tmp_path: Path) -> None:
    f = form(tmp_path)
    assert asyncio.run(f.read_qr(photo_of(qr_png(SERVER, CODE)))) is True
    assert (f.server_url, f.code, f.reading_qr, f.error("id")) == (SERVER, CODE, False, "")
    assert f.notice("id") == f"Kode QR terbaca: server {SERVER}, kode {CODE}. Tekan Daftar."
    assert f.notice("en").startswith("QR code read")
    f.set_code(CODE)  # the same value: nothing typed, the notice stays
    assert f.notice("id")
    f.set_code(CODE + "X")
    assert f.notice("id") == ""
    assert f.code == CODE + "X"


def test_a_bad_picture_changes_nothing_but_says_why(tmp_path: Path) -> None:
    f = form(tmp_path)
    f.set_code("ABCD")
    for picture, words in (
        (form_photo(600, 400, seed=1), "Tidak ada kode QR"),
        (b"not a picture", "bukan gambar"),
        (qr_png(text="https://example.org"), "bukan kode pendaftaran"),
    ):
        assert asyncio.run(f.read_qr(picture)) is False
        assert (f.server_url, f.code, f.notice("id")) == ("http://127.0.0.1:9", "ABCD", "")
        assert words in f.error("id")
        assert f.error("en")


def test_no_reading_while_enrolling(tmp_path: Path) -> None:
    f = form(tmp_path)
    f.busy = True
    assert asyncio.run(f.read_qr(qr_png(SERVER, CODE))) is False
    assert f.code == ""


def test_qr_strings_have_both_languages() -> None:
    assert all(id_ and en and id_ != en for id_, en in QS.values())
    assert qt("en", "qr_pick") == "Choose QR image"
    assert qt("id", "qr_pick") == "Pilih gambar QR"
