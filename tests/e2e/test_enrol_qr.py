"""Enrolment from the admin's QR code in Chromium against a real sync server: an image file
through the browser's file chooser, and the camera (Chromium's fake camera fed the QR)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from tests.e2e.conftest import CHROME_ARGS, CHROMIUM, Stack, cli, user_id
from tests.e2e.ui import FAKE_CAMERA, WAIT, ident, launch, open_app, shot
from tests.photos import form_photo
from tests.qr_images import photo_of, y4m_of

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
NOWHERE = "http://127.0.0.1:9"  # the app's prefilled address: wrong on purpose


def restart_app_pointing_nowhere(stack: Stack) -> None:
    stack.app.stop()
    stack.app.env["PANTAU_SERVER_URL"] = NOWHERE
    stack.app.start()


def issue_qr(stack: Stack, folder: Path) -> tuple[str, Path]:
    png = folder / "qr-siti.png"
    out = cli(
        stack.db, "enrol-code", user_id(stack.db, "Saksi PKB"),
        "--qr", str(png), "--server-url", stack.server_url,
    )  # fmt: skip
    return out.splitlines()[0].strip(), png


def choose(page: Page, path: Path) -> None:
    with page.expect_file_chooser(timeout=WAIT) as chooser:
        ident(page, "qr-pick").click()
    chooser.value.set_files(str(path))


def boxes(page: Page) -> tuple[Locator, Locator]:
    return (
        page.get_by_role("textbox", name="Alamat server"),
        page.get_by_role("textbox", name="Kode pendaftaran"),
    )


def shows(box: Locator, value: str) -> None:
    """Flutter web puts a field's text into its DOM input only while it has focus."""
    box.focus()
    expect(box).to_have_value(value, timeout=WAIT)


def test_enrol_by_choosing_the_qr_image(stack: Stack, tmp_path: Path) -> None:
    restart_app_pointing_nowhere(stack)
    code, png = issue_qr(stack, tmp_path)
    photo = tmp_path / "foto-qr.jpg"  # the QR as a phone photographs it
    photo.write_bytes(photo_of(png.read_bytes(), angle=12, side=2400, seed=7))
    not_qr = tmp_path / "c-hasil.jpg"
    not_qr.write_bytes(form_photo(1200, 900, seed=5))
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        server_box, code_box = boxes(page)
        code_box.wait_for(timeout=WAIT)
        expect(page.get_by_role("button", name="Pindai QR")).to_be_visible()
        expect(page.get_by_role("button", name="Pilih gambar QR")).to_be_visible()
        shot(page, "01b-enrol-qr")

        choose(page, not_qr)  # a picture with no QR code: said in words, nothing changes
        expect(ident(page, "enrol-error")).to_contain_text(
            "Tidak ada kode QR yang terbaca", timeout=WAIT
        )
        shows(server_box, NOWHERE)
        shows(code_box, "")
        shot(page, "01c-enrol-qr-unreadable")

        choose(page, photo)
        expect(ident(page, "enrol-notice")).to_contain_text(
            f"Kode QR terbaca: server {stack.server_url}, kode {code}", timeout=WAIT
        )
        expect(ident(page, "enrol-error")).to_have_count(0)
        shows(server_box, stack.server_url)
        shows(code_box, code)
        shot(page, "01d-enrol-qr-read")

        page.get_by_role("button", name="Daftar").click()
        expect(page.get_by_text("TPS saya")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("TPS 001 Jantiganggong")).to_be_visible()
        expect(page.get_by_text("[DEMO] Saksi PKB TPS 001 · Saksi")).to_be_visible()


def test_scan_without_a_camera_says_so_and_the_picker_stays(stack: Stack) -> None:
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)  # no camera flags: Chromium has none
        page.get_by_role("button", name="Pindai QR").click(timeout=WAIT)
        expect(ident(page, "qr-camera-state")).to_contain_text(
            "Kamera tidak tersedia", timeout=WAIT
        )
        expect(page.get_by_role("button", name="Pilih gambar QR")).to_be_visible()
        shot(page, "01e-enrol-qr-no-camera")
        page.get_by_role("button", name="Tutup", exact=True).click()
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Scan QR")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("button", name="Choose QR image")).to_be_visible()
        page.get_by_role("button", name="Bahasa Indonesia").click()  # the choice is remembered
        expect(page.get_by_role("button", name="Pindai QR")).to_be_visible(timeout=WAIT)


def test_enrol_by_scanning_with_the_camera(stack: Stack, tmp_path: Path) -> None:
    """Chromium's fake camera plays a video of the QR code, as a phone camera would see it."""
    restart_app_pointing_nowhere(stack)
    code, png = issue_qr(stack, tmp_path)
    video = tmp_path / "qr.y4m"
    video.write_bytes(y4m_of(png.read_bytes()))
    args = [*CHROME_ARGS, *FAKE_CAMERA, f"--use-file-for-fake-video-capture={video}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = open_app(browser, stack.app_url)
        page.get_by_role("button", name="Pindai QR").click(timeout=WAIT)
        scan = page.get_by_role("button", name="Pindai", exact=True)
        expect(scan).to_be_enabled(timeout=WAIT)
        page.wait_for_timeout(1000)  # the preview shows frames
        shot(page, "01f-enrol-qr-camera")
        scan.click()
        expect(ident(page, "enrol-notice")).to_contain_text(
            f"Kode QR terbaca: server {stack.server_url}, kode {code}", timeout=WAIT
        )
        expect(ident(page, "qr-camera")).to_have_count(0)  # closed after a good read
        page.get_by_role("button", name="Daftar").click()
        expect(page.get_by_text("TPS 001 Jantiganggong")).to_be_visible(timeout=WAIT)
