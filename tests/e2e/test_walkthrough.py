"""Issue 14, the field app walked through by its users, in Chromium against a real server:
a refused Final shows why beside the button, one slip gives one error, the form fits a phone,
the strip tells the truth, incidents and kerawanan, Saya, and a police officer who sees the
PTPS's work at his TPS. Screenshots at 412x915 and 1280x800 in artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FloatRect, Locator, Page, expect, sync_playwright

from tests.e2e import ui
from tests.e2e.conftest import Stack, app_proc, free_port
from tests.e2e.test_field_app import TPS, choose_category, restart_app, saksi_code

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
VA_WRONG = "V.A (suara sah) harus = jumlah suara di IV (220), tertulis 230"


def code_of(stack: Stack, part: str) -> str:
    return next(c for n, c in stack.codes.items() if part in n)


def above_nav(page: Page, control: Locator) -> None:
    """`control` is on screen and not under the bottom navigation bar."""
    expect(control).to_be_in_viewport(timeout=ui.WAIT)
    box, nav = control.bounding_box(), page.get_by_role("tab", name="TPS").bounding_box()
    assert box is not None
    assert nav is not None
    assert box["y"] + box["height"] <= nav["y"], (box, nav)


def test_tally_refusal_beside_final_one_error_and_honest_strip(stack: Stack) -> None:
    stack.app.env["PANTAU_SYNC_INTERVAL"] = "600"  # only a fresh enrolment may sync at once
    restart_app(stack)
    with sync_playwright() as p:
        page = ui.open_app(ui.launch(p), stack.app_url)
        ui.enrol(page, saksi_code(stack))
        expect(ui.strip(page)).to_have_text("Semua terkirim", timeout=20_000)  # point 4
        ui.ident(page, f"mytps-{TPS}").click()
        ui.ident(page, "ballot-ppwp").click()
        expect(ui.ident(page, "tally-progress")).to_have_text(
            "0 dari 28 kotak terisi", timeout=ui.WAIT
        )
        name = page.get_by_text("IV.2 Prabowo Subianto - Gibran Rakabuming Raka")
        ui.ident(page, "jump-IV").click()
        expect(name).to_be_in_viewport(timeout=ui.WAIT)  # section jump (point 3)
        box = page.get_by_role("textbox", name="IV.2", exact=True)
        label, field = _settled(name, box)  # the jump scrolls smoothly: measure once it stops
        assert label["y"] + label["height"] <= field["y"]
        assert field["height"] >= 48, field  # Material's minimum touch target
        ui.shot(page, "w01-tally-votes", name)
        ui.fill_tally(page, {"IV.1": 50, "IV.2": 120, "IV.3": 50}, 230)
        expect(page.get_by_text(VA_WRONG)).to_have_count(1)  # point 2: one slip, one error
        expect(page.get_by_text(re.compile("V.C harus"))).to_have_count(0)
        expect(page.get_by_text("hitungan: 237")).to_have_count(0)
        expect(ui.ident(page, "tally-progress")).to_have_text("28 dari 28 kotak terisi")
        expect(ui.strip(page)).to_have_text("Semua final terkirim - 1 draf belum final")
        ui.ident(page, "jump-I").click()
        expect(page.get_by_role("textbox", name="I.A L", exact=True)).to_be_in_viewport()
        page.get_by_role("button", name="Final", exact=True).click()  # point 1
        refused = ui.ident(page, "final-refused")
        expect(refused).to_contain_text(VA_WRONG, timeout=ui.WAIT)
        above_nav(page, refused)
        above_nav(page, page.get_by_role("button", name="Final", exact=True))
        ui.shot(page, "w02-tally-refused", refused)
        ui.ident(page, "refused-0").click()  # the reason jumps to its field
        expect(page.get_by_role("textbox", name="V.A Suara sah", exact=True)).to_be_in_viewport(
            timeout=ui.WAIT
        )
        ui.shot(page, "w03-tally-jumped", page.get_by_role("textbox", name="V.A Suara sah"))
        ui.fill(page, "V.A Suara sah", 220)
        expect(refused).to_have_count(0, timeout=ui.WAIT)
        ui.confirm_final(page)
        expect(ui.ident(page, "tally-chip")).to_contain_text("Terkirim", timeout=ui.WAIT)
        ui.ident(page, "back").click()
        ui.ident(page, "ballot-dpd_ri").click()
        ui.fill(page, "I.A L", 140)
        ui.ident(page, "save-exit").click()  # "simpan dan keluar": the draft stays
        expect(ui.ident(page, "ballot-dpd_ri")).to_contain_text("Draf", timeout=ui.WAIT)
        ui.tab(page, "Kirim")
        last = ui.ident(page, "last-sent")
        expect(last).to_contain_text(
            re.compile(r"Terakhir berhasil terkirim: 20\d\d-"), timeout=ui.WAIT
        )
        ui.shot(page, "w04-kirim-last-sent", last)


def test_ptps_incident_assessment_then_police_sees_them(stack: Stack) -> None:
    with sync_playwright() as p:
        browser = ui.launch(p)
        page = ui.open_app(browser, stack.app_url)
        ui.enrol(page, code_of(stack, "PTPS 001"))
        ui.tab(page, "Laporan")
        page.get_by_role("button", name="Laporan baru").click()
        expect(page.get_by_role("radio", name="Temuan")).to_be_checked(timeout=ui.WAIT)  # point 5
        ui.fill(page, "Uraian kejadian *", "Amplop dibagikan di depan TPS")
        page.get_by_role("button", name="Final", exact=True).click()
        expect(ui.ident(page, "incident-missing")).to_have_text(
            "Wajib diisi: Kategori", timeout=ui.WAIT
        )
        above_nav(page, ui.ident(page, "incident-missing"))
        choose_category(page, "Politik uang")
        page.get_by_role("button", name="Final", exact=True).click()
        expect(page.get_by_text("Jadikan laporan final?")).to_be_visible(timeout=ui.WAIT)
        zone = r"^Waktu kejadian: 20\d\d-\d\d-\d\d \d\d:\d\d (WIB|WITA|WIT|UTC[+-][\d:]+)$"
        expect(page.get_by_text(re.compile(zone))).to_be_visible()  # the time says its zone
        ui.shot(page, "w05-incident-confirm", page.get_by_text("Jadikan laporan final?"))
        page.get_by_role("button", name="Ya, final").click()
        expect(ui.ident(page, "incident-chip")).to_contain_text("Terkirim", timeout=ui.WAIT)
        ui.tab(page, "TPS")
        ui.ident(page, f"mytps-{TPS}").click()
        page.get_by_role("button", name="Isi penilaian kerawanan").click()
        page.get_by_role("checkbox", name=re.compile("^a\\. ")).click()
        page.get_by_role("checkbox", name=re.compile("^p\\. ")).click()
        live = ui.ident(page, "kerawanan-live")  # point 6: the result beside Final
        expect(live).to_contain_text("Rawan", timeout=ui.WAIT)
        above_nav(page, live)
        expect(page.get_by_role("textbox", name="Catatan p (opsional)")).to_be_visible()
        ui.shot(page, "w06-assessment-live", live)
        page.get_by_role("button", name="Final", exact=True).click()
        expect(ui.ident(page, "assessment-chip")).to_contain_text("Terkirim", timeout=ui.WAIT)
        above_nav(page, page.get_by_role("button", name="Koreksi"))
        ui.shot(page, "w07-assessment-final", page.get_by_role("button", name="Koreksi"))
        police_sees_them(stack, browser)


def police_sees_them(stack: Stack, browser: object) -> None:
    """Point 8 on a second phone (its own data folder and port), and point 7 on Saya."""
    port = free_port()
    app2 = app_proc(stack.tmp / "device2", stack.server_url, port, stack.tmp / "app2.log")
    app2.start()
    try:
        page = ui.open_app(browser, f"http://127.0.0.1:{port}/")  # type: ignore[arg-type]
        ui.enrol(page, code_of(stack, "Bhabinkamtibmas"))
        badges = ui.ident(page, f"badges-{TPS}")
        expect(badges).to_contain_text("Rawan", timeout=60_000)
        expect(badges).to_contain_text(re.compile(r"\d+ laporan terbuka"))
        ui.shot(page, "w08-police-tps-list", badges)
        ui.ident(page, f"mytps-{TPS}").click()
        expect(page.get_by_text(re.compile("Temuan: Politik uang"))).to_be_visible(timeout=ui.WAIT)
        ptps = re.escape("oleh Pengawas TPS (PTPS) · [DEMO] PTPS 001 Jantiganggong")
        expect(page.get_by_text(re.compile(f"Tingkat kerawanan: Rawan · {ptps}"))).to_be_visible()
        report = page.locator('[flt-semantics-identifier^="incident-"]').first
        expect(report).to_contain_text(re.compile(f"Temuan: Politik uang.*{ptps}", re.S))
        assessed = page.get_by_text(re.compile("Tingkat kerawanan: Rawan"))
        ui.shot(page, "w09b-police-tps-assessment", assessed, scroll=700)
        ui.shot(page, "w09-police-tps-home", page.get_by_text(re.compile("Temuan: Politik uang")))
        ui.tab(page, "Saya")
        expect(ui.ident(page, "me-assigned")).to_contain_text("dan 2 lainnya", timeout=ui.WAIT)
        expect(page.get_by_text(re.compile("^Partai:"))).to_have_count(0)
        lang = page.get_by_role("button", name="English").bounding_box()
        assert lang is not None
        assert lang["height"] >= 48, lang
        ui.fill(page, "Alamat server", "192.168.1.20:8765")
        page.get_by_role("button", name="Simpan").click()
        expect(ui.ident(page, "server-note")).to_have_text(re.compile("harus diawali http"))
        ui.fill(page, "Alamat server", stack.server_url + "/")
        page.get_by_role("button", name="Simpan").click()
        expect(ui.ident(page, "server-note")).to_have_text(
            "Alamat server disimpan", timeout=ui.WAIT
        )
        ui.shot(page, "w10-saya-police", ui.ident(page, "me-assigned"))
        page.get_by_role("button", name="Keluar dari HP ini").click()
        page.get_by_role("button", name="Ya, keluar").click()
        expect(page.get_by_role("textbox", name="Kode pendaftaran")).to_be_visible(timeout=ui.WAIT)
        ui.shot(page, "w11-signed-out", page.get_by_role("textbox", name="Kode pendaftaran"))
    finally:
        app2.stop()


def _settled(a: Locator, b: Locator) -> tuple[FloatRect, FloatRect]:
    """Both boxes once two readings 100 ms apart agree (bounded: 30 tries)."""
    last = None
    for _ in range(30):
        now = (a.bounding_box(), b.bounding_box())
        if now == last and now[0] and now[1]:
            return now[0], now[1]
        last = now
        a.page.wait_for_timeout(100)
    raise AssertionError(f"still moving: {last}")
