"""Playwright helpers for the Flet web client: open, fill, click, screenshots at two sizes."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, FloatRect, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import CHROME_ARGS, CHROMIUM, LOCAL, SHOTS
from tests.photos import form_photo

PHONE: ViewportSize = {"width": 412, "height": 915}
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
WAIT = 30_000


FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def launch(p: object, camera: bool = False) -> Browser:
    args = [*CHROME_ARGS, *FAKE_CAMERA] if camera else CHROME_ARGS
    return p.chromium.launch(executable_path=CHROMIUM, args=args)  # type: ignore[attr-defined,no-any-return]


def open_app(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport=PHONE)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page.goto(url)
    ph = page.locator("flt-semantics-placeholder")
    ph.wait_for(state="attached", timeout=WAIT)
    ph.dispatch_event("click")
    page.wait_for_function("() => !!window.flutterCanvasKit")  # app.main.WEB_RENDERER
    return page


def _type(page: Page, box: Locator, value: str | int) -> None:
    """Focus, fill, and check the field shows it: Flutter web now and then drops a fill that
    Playwright injects (the field stays empty and Python never hears of it), so retry."""
    for attempt in range(6):  # bounded; a loaded machine paints late
        box.focus()  # by the element, not by coordinates a scroll may have moved
        try:
            expect(box).to_be_focused(timeout=2000)
            page.keyboard.press("Control+A")
            page.keyboard.type(str(value), delay=20)
            expect(box).to_have_value(str(value), timeout=3000)
            page.wait_for_timeout(150)
            return
        except AssertionError:
            if attempt == 5:
                raise


def fill(page: Page, label: str, value: str | int) -> None:
    _type(page, page.get_by_role("textbox", name=label, exact=True), value)


def fill_prefix(page: Page, prefix: str, value: str | int) -> None:
    _type(page, page.get_by_role("textbox", name=re.compile("^" + re.escape(prefix))), value)


def ident(page: Page, name: str) -> Locator:
    return page.locator(f'[flt-semantics-identifier="{name}"]')


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def shot(page: Page, name: str, visible: Locator | None = None, scroll: int = 0) -> None:
    """The current screen at phone and laptop size (artifacts/screenshots, gitignored), checked
    to be the real screen: `visible` is shown and painted, and the canvas followed the resize.
    (A stalled Flutter raster thread once left every picture on the startup "Working..." frame
    while the page itself, and so every assertion, went on working.)"""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, tag in ((PHONE, "phone"), (LAPTOP, "laptop")):
        page.set_viewport_size(size)
        page.wait_for_timeout(700)
        if scroll:
            page.mouse.move(size["width"] / 2, size["height"] / 2)
            page.mouse.wheel(0, scroll)
            page.wait_for_timeout(500)
        expect(page.get_by_text("Working...", exact=True)).to_have_count(0)
        box = None
        if visible is not None:
            expect(visible).to_be_visible(timeout=WAIT)
            box = visible.bounding_box()
        path = SHOTS / f"{name}-{tag}.png"
        page.screenshot(path=str(path))
        assert_painted(path, box)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(400)


def assert_painted(path: Path, box: FloatRect | None) -> None:
    """The canvas covers the whole viewport (a frozen one keeps its old size, and the page's
    white shows beside it) and draws something where `box` is (not one flat colour)."""
    with Image.open(path) as img:
        rgb = img.convert("RGB")
    w, h = rgb.size
    corner = rgb.crop((w - 4, h - 4, w, h)).getcolors()
    assert corner != [(16, (255, 255, 255))], f"{path.name}: the canvas did not fill the screen"
    if box is None:
        return
    left, top = max(0, int(box["x"])), max(0, int(box["y"]))
    right, bottom = min(w, int(box["x"] + box["width"])), min(h, int(box["y"] + box["height"]))
    assert right > left, f"{path.name}: the expected control is off screen"
    assert bottom > top, f"{path.name}: the expected control is off screen"
    colours = rgb.crop((left, top, right, bottom)).getcolors(maxcolors=4096)
    assert colours is None or len(colours) > 2, f"{path.name}: nothing painted at {box}"


def enrol(page: Page, code: str) -> None:
    box = page.get_by_role("textbox", name="Kode pendaftaran")
    box.wait_for(timeout=WAIT)
    _type(page, box, code)
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("TPS saya")).to_be_visible(timeout=WAIT)


def strip(page: Page) -> Locator:
    return ident(page, "status-strip")


TALLY_OK = {
    "I.A L": 150,
    "I.A P": 150,
    "I.A J": 300,
    "I.B.1 L": 100,
    "I.B.1 P": 120,
    "I.B.1 J": 220,
    "I.B.2 L": 3,
    "I.B.2 P": 2,
    "I.B.2 J": 5,
    "I.B.3 L": 1,
    "I.B.3 P": 1,
    "I.B.3 J": 2,
    "I.B.4 L": 104,
    "I.B.4 P": 123,
    "I.B.4 J": 227,
    "II.1 Surat suara diterima": 306,
    "II.2 Surat suara digunakan": 227,
    "II.3 Surat suara rusak atau keliru coblos": 2,
    "II.4 Surat suara tidak digunakan": 77,
    "III L": 1,
    "III P": 1,
    "III J": 2,
    "V.B Suara tidak sah": 7,
    "V.C Jumlah suara sah dan tidak sah": 227,
}


def fill_tally(page: Page, votes: dict[str, int], valid: int) -> None:
    for label, value in TALLY_OK.items():
        fill(page, label, value)
    for prefix, value in votes.items():
        fill_prefix(page, prefix, value)
    fill(page, "V.A Suara sah", valid)
    settle(page, {**TALLY_OK, "V.A Suara sah": valid}, votes)


def settle(page: Page, values: dict[str, int], votes: dict[str, int]) -> None:
    """Type again any field that does not show its value (see ui._type); the server-side
    assertions then prove that what Python saved is what was typed."""
    for label, value in values.items():
        if page.get_by_role("textbox", name=label, exact=True).input_value() != str(value):
            fill(page, label, value)
    for prefix, value in votes.items():
        box = page.get_by_role("textbox", name=re.compile("^" + re.escape(prefix)))
        if box.input_value() != str(value):
            fill_prefix(page, prefix, value)


def confirm_final(page: Page) -> None:
    page.get_by_role("button", name="Final", exact=True).click()
    try:
        page.get_by_role("button", name="Ya, final").click(timeout=10_000)
    except Exception:
        shot(page, "zz-final-failed", scroll=5000)
        raise


def attach(page: Page, scope: str, paths: list[str]) -> None:
    """Choose files through the real browser file chooser that Flet's FilePicker opens."""
    button = ident(page, f"{scope}-pick")
    with page.expect_file_chooser(timeout=WAIT) as chooser:
        button.click()
    chooser.value.set_files(paths)


def photo_files(folder: Path) -> list[str]:
    """Three pages of a C.Hasil and one incident photo as JPEG files, and a broken one."""
    paths = []
    for i, name in enumerate(("hal1", "hal2", "hal3", "amplop")):
        path = folder / f"{name}.jpg"
        path.write_bytes(form_photo(1200, 900, seed=40 + i))
        paths.append(str(path))
    bad = folder / "rusak.jpg"
    bad.write_bytes(b"this is not a photo")
    return [*paths, str(bad)]
