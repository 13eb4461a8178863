"""The field app in Chromium against a real sync server: five user paths, screenshots of each
screen at 412x915 and 1280x800 in artifacts/screenshots/."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from core import signing
from tests.e2e.conftest import Stack, api, cli, server_records, user_id
from tests.e2e.ui import (
    WAIT,
    attach,
    confirm_final,
    enrol,
    fill,
    fill_tally,
    ident,
    launch,
    open_app,
    photo_files,
    shot,
    strip,
    tab,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
TPS = "3517012001001"


def saksi_code(stack: Stack) -> str:
    return next(c for n, c in stack.codes.items() if "Saksi PKB" in n)


def supervisor_records(stack: Stack) -> list[dict[str, Any]]:
    if "token" not in stack.extra:
        code = next(c for n, c in stack.codes.items() if "Supervisor" in n)
        key = signing.public_key_of(signing.new_private_key())  # a reader, but enrolled with a key
        body = {"code": code, "device_name": "test", "public_key": key}
        got = api(stack.server_url, "POST", "/v1/enrol", body)
        stack.extra["token"] = got["token"]
    return server_records(stack.server_url, stack.extra["token"], user_id(stack.db, "Saksi PKB"))


def open_ballot(page: Page, ballot: str) -> None:
    ident(page, f"mytps-{TPS}").click()
    ident(page, f"ballot-{ballot}").click()
    expect(page.get_by_role("textbox", name="I.A L", exact=True)).to_be_visible(timeout=WAIT)


def test_enrol_with_cli_code_shows_my_tps(stack: Stack) -> None:
    code = cli(stack.db, "enrol-code", user_id(stack.db, "Saksi PKB")).strip()
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        page.get_by_role("textbox", name="Kode pendaftaran").wait_for(timeout=WAIT)
        shot(page, "01-enrol", page.get_by_role("textbox", name="Kode pendaftaran"))
        enrol(page, code)
        expect(page.get_by_text("TPS 001 Jantiganggong")).to_be_visible()
        who = "[DEMO] Saksi PKB TPS 001 · Saksi 1 Partai Kebangkitan Bangsa"
        expect(page.get_by_text(who)).to_be_visible()  # name, role, party right after enrolling
        shot(page, "02-tps-pick", page.get_by_text("TPS 001 Jantiganggong"))
        tab(page, "Saya")
        expect(page.get_by_text("Partai: 1 Partai Kebangkitan Bangsa")).to_be_visible()
        expect(page.get_by_text(re.compile("TPS tugas: TPS 001 Jantiganggong"))).to_be_visible()
        shot(page, "03-saya", page.get_by_text("Partai: 1 Partai Kebangkitan Bangsa"))


def test_ppwp_error_refused_then_final_synced(stack: Stack) -> None:
    votes = {"IV.1": 50, "IV.2": 120, "IV.3": 50}
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        enrol(page, saksi_code(stack))
        ident(page, f"mytps-{TPS}").click()
        expect(ident(page, "ballot-ppwp")).to_be_visible(timeout=WAIT)
        shot(page, "04-tps-home", ident(page, "ballot-ppwp"))
        ident(page, "ballot-ppwp").click()
        fill_tally(page, votes, 230)
        message = "V.A (suara sah) harus = jumlah suara di IV (220), tertulis 230"
        expect(page.get_by_text(message)).to_have_count(1)
        page.get_by_role("button", name="Final", exact=True).click()
        refused = ident(page, "final-refused")
        expect(refused).to_contain_text(message, timeout=WAIT)
        shot(page, "05-tally-refused", strip(page), scroll=5000)
        fill(page, "V.A Suara sah", 220)
        expect(page.get_by_text(message)).to_have_count(0, timeout=WAIT)
        page.get_by_role("button", name="Final", exact=True).click()
        expect(page.get_by_text("Jadikan final?")).to_be_visible(timeout=WAIT)
        shot(page, "06-tally-confirm", page.get_by_text("Jadikan final?"))
        page.get_by_role("button", name="Ya, final").click()
        expect(ident(page, "tally-chip")).to_contain_text("Terkirim", timeout=WAIT)
        expect(strip(page)).to_have_text("Semua terkirim", timeout=WAIT)
        shot(page, "07-tally-sent", strip(page))
    tallies = [r for r in supervisor_records(stack) if r["kind"] == "tally"]
    assert len(tallies) == 1
    got = tallies[0]["fields"]
    assert got["tps"] == TPS
    assert got["ballot"] == "ppwp"
    assert got["status"] == "final"
    assert got["suara"] == {"1": 50, "2": 120, "3": 50}
    assert got["suara_sah"] == 220
    assert got["suara_tidak_sah"] == 7
    assert got["suara_total"] == 227
    assert got["pemilih_dpt_l"] == 100
    assert got["ss_diterima"] == 306
    assert got["disabilitas_j"] == 2


def choose_category(page: Page, name: str) -> None:
    dropdown = ident(page, "incident-category")  # the dropdown's own button node
    dropdown.click()
    page.get_by_role("button", name=name).click()
    expect(dropdown).to_have_attribute("aria-expanded", "false", timeout=WAIT)


def report_incident(page: Page) -> None:
    tab(page, "Laporan")
    page.get_by_role("button", name="Laporan baru").click()
    choose_category(page, "Politik uang")
    fill(page, "Uraian kejadian *", "Pembagian amplop di dekat TPS pukul 06.30")
    fill(page, "Terlapor", "Tim sukses X")
    expect(ident(page, "incident-chip")).to_contain_text("Draf", timeout=WAIT)
    shot(page, "08-incident", ident(page, "incident-chip"))
    confirm_final(page)  # a deliberate step with a summary, as on the tally
    expect(ident(page, "incident-chip")).to_contain_text("Final (belum terkirim)", timeout=WAIT)


def test_offline_incident_and_dpr_sync_by_themselves(stack: Stack) -> None:
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        enrol(page, saksi_code(stack))
        expect(strip(page)).to_have_text("Semua terkirim", timeout=WAIT)
        stack.server.stop()
        report_incident(page)
        tab(page, "TPS")
        open_ballot(page, "dpr_ri")
        fill_tally(page, {"IV.1 PKB": 120, "IV.2 ": 100}, 220)
        confirm_final(page)
        expect(strip(page)).to_have_text("Offline - 2 belum terkirim", timeout=WAIT)
        shot(page, "09-tally-dpr-offline", strip(page))
        tab(page, "Kirim")
        summary = ident(page, "sync-summary")
        expect(summary).to_have_text("Offline - 2 belum terkirim", timeout=WAIT)
        expect(page.get_by_text("Server tidak terjangkau", exact=False)).to_be_visible()
        shot(page, "10-kirim-offline", summary)
        stack.server.start()
        expect(strip(page)).to_have_text("Semua terkirim", timeout=60_000)
        expect(summary).to_have_text("Semua terkirim", timeout=WAIT)
        shot(page, "11-kirim-all-sent", summary)
    records = supervisor_records(stack)
    kinds = sorted(
        (r["kind"], r["fields"].get("ballot") or r["fields"].get("kategori")) for r in records
    )
    assert kinds == [("incident", "politik_uang"), ("tally", "dpr_ri")]
    tally = next(r for r in records if r["kind"] == "tally")["fields"]
    assert tally["suara"] == {"1": 120, "2": 100}
    assert tally["status"] == "final"


def restart_app(stack: Stack) -> None:
    stack.app.stop()
    stack.app.start()


def test_language_switch_survives_restart(stack: Stack) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, stack.app_url)
        enrol(page, saksi_code(stack))
        tab(page, "Saya")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("tab", name="Me")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("Language")).to_be_visible()
        shot(page, "12-me-english", page.get_by_text("Language"))
        restart_app(stack)
        page = open_app(browser, stack.app_url)
        expect(page.get_by_role("tab", name="Me")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("My TPS")).to_be_visible()
        tab(page, "Me")
        page.get_by_role("button", name="Bahasa Indonesia").click()
        expect(page.get_by_role("tab", name="Saya")).to_be_visible(timeout=WAIT)
        restart_app(stack)
        page = open_app(browser, stack.app_url)
        expect(page.get_by_role("tab", name="Saya")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("TPS saya")).to_be_visible()


def test_search_by_desa_name_and_number(stack: Stack) -> None:
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        enrol(page, saksi_code(stack))
        fill(page, "Cari TPS (kecamatan, desa atau nomor)", "Gadingmangu")
        expect(page.get_by_text("23 TPS ditemukan")).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("TPS 001 Gadingmangu")).to_be_visible()
        shot(page, "13-search-desa", page.get_by_text("23 TPS ditemukan"))
        fill(page, "Cari TPS (kecamatan, desa atau nomor)", "Gadingmangu 17")
        expect(page.get_by_text("1 TPS ditemukan")).to_be_visible(timeout=WAIT)
        page.get_by_text("TPS 017 Gadingmangu").click()
        expect(page.get_by_text(re.compile("Kode TPS 35170\\d+017"))).to_be_visible(timeout=WAIT)
        readonly = ident(page, "outside-scope")  # not the saksi's TPS: nothing to write here
        expect(readonly).to_contain_text("di luar wilayah tugas Anda")
        expect(page.get_by_role("button", name="Laporan baru")).to_have_count(0)
        shot(page, "14-tps-home-searched", readonly)


def test_ptps_assessment_and_location(stack: Stack) -> None:
    code = next(c for n, c in stack.codes.items() if "PTPS 001" in n)
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        enrol(page, code)
        ident(page, f"mytps-{TPS}").click()
        page.get_by_role("button", name="Isi penilaian kerawanan").click()
        result = ident(page, "kerawanan-result")
        expect(result).to_contain_text("Kurang rawan", timeout=WAIT)
        page.get_by_role("checkbox", name=re.compile("^a\\. ")).click()
        page.get_by_role("checkbox", name=re.compile("^p\\. ")).click()
        expect(result).to_contain_text("Rawan", timeout=WAIT)
        expect(result).to_contain_text("2 indikator terpenuhi (>= 2)")
        fill(page, "Catatan p (opsional)", "Banjir Februari 2023")
        shot(page, "15-assessment", strip(page))
        page.get_by_role("button", name="Final", exact=True).click()
        expect(ident(page, "assessment-chip")).to_contain_text("Terkirim", timeout=WAIT)
        box = page.get_by_role("checkbox", name=re.compile("^b\\. "))
        expect(box).to_be_disabled()  # final: corrected only through Koreksi, with a reason
        page.get_by_role("button", name="Koreksi").click()
        expect(box).to_be_enabled(timeout=WAIT)
        reason = page.get_by_role("textbox", name="Alasan")
        expect(reason).to_be_visible()
        shot(page, "15b-assessment-koreksi", strip(page), scroll=5000)
        ident(page, "back").click()
        fill(page, "Lintang", "-7.5460")
        fill(page, "Bujur", "112.2330")
        page.get_by_role("button", name="Simpan lokasi").click()
        expect(ident(page, "location-chip")).to_contain_text("Terkirim", timeout=WAIT)
        shot(page, "16-tps-home-ptps", strip(page), scroll=3000)
        tab(page, "Kirim")
        shot(page, "17-kirim", ident(page, "sync-summary"))


def test_photos_on_tally_and_incident_reach_the_server(stack: Stack) -> None:
    hal1, hal2, hal3, amplop, bad = photo_files(stack.tmp)
    with sync_playwright() as p:
        page = open_app(launch(p), stack.app_url)
        enrol(page, saksi_code(stack))
        expect(strip(page)).to_have_text("Semua terkirim", timeout=WAIT)
        open_ballot(page, "ppwp")
        photos = ident(page, "tally-photos")
        attach(page, "tally-photos", [hal1, hal2, hal3])  # several pages at once
        expect(photos).to_have_text("3 foto terlampir", timeout=WAIT)
        attach(page, "tally-photos", [bad])
        error = ident(page, "tally-photos-error")
        expect(error).to_contain_text("bukan foto yang bisa dibaca", timeout=WAIT)
        expect(photos).to_have_text("3 foto terlampir")
        ident(page, "tally-photos-remove-3").click()
        expect(photos).to_have_text("2 foto terlampir", timeout=WAIT)
        fill_tally(page, {"IV.1": 50, "IV.2": 120, "IV.3": 50}, 220)
        shot(page, "18-tally-photos", strip(page), scroll=5000)
        stack.server.stop()  # photos wait on the phone, the screen says which records
        confirm_final(page)
        tab(page, "Laporan")
        page.get_by_role("button", name="Laporan baru").click()
        choose_category(page, "Politik uang")
        fill(page, "Uraian kejadian *", "Amplop dibagikan di depan TPS")
        attach(page, "incident-photos", [amplop])
        expect(ident(page, "incident-photos")).to_have_text("1 foto terlampir", timeout=WAIT)
        shot(page, "19-incident-photo", strip(page), scroll=700)
        confirm_final(page)
        expect(ident(page, "incident-chip")).to_contain_text("Final", timeout=WAIT)
        tab(page, "Kirim")
        expect(ident(page, "photo-summary")).to_have_text("3 foto belum terkirim", timeout=WAIT)
        expect(page.get_by_text("Menunggu foto:")).to_be_visible()
        shot(page, "20-kirim-photos-waiting", strip(page), scroll=400)
        stack.server.start()
        expect(ident(page, "photo-summary")).to_have_text("Semua foto terkirim", timeout=60_000)
        expect(strip(page)).to_have_text("Semua terkirim", timeout=WAIT)
        expect(ident(page, "photo-bytes")).to_contain_text(
            re.compile(r"^([\d.]+ [KM]?B) dari \1 terkirim$")
        )
        shot(page, "21-kirim-photos-sent", strip(page), scroll=400)
    records = supervisor_records(stack)
    tally = next(r for r in records if r["kind"] == "tally")["fields"]
    incident = next(r for r in records if r["kind"] == "incident")["fields"]
    assert len(tally["photos"]) == 2
    assert len(incident["bukti"]) == 1
    for sha in [*tally["photos"], *incident["bukti"]]:
        stored = stack.tmp / "blobs" / sha[:2] / sha  # the server's blob folder, by hash
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
        status = api(stack.server_url, "GET", f"/v1/blobs/{sha}", token=stack.extra["token"])
        assert status["complete"] is True
        on_phone = stack.tmp / "device" / "photos" / sha[:2] / f"{sha}.jpg"
        assert on_phone.read_bytes() == stored.read_bytes()


def test_camera_photo_where_the_device_has_one(stack: Stack) -> None:
    stack.app.env["PANTAU_CAMERA"] = "1"  # as on a phone; Chromium's fake camera answers
    restart_app(stack)
    with sync_playwright() as p:
        page = open_app(launch(p, camera=True), stack.app_url)
        enrol(page, saksi_code(stack))
        open_ballot(page, "ppwp")
        page.get_by_role("button", name="Ambil foto").click()
        shoot = page.get_by_role("button", name="Jepret")
        expect(shoot).to_be_enabled(timeout=WAIT)
        shot(page, "22-tally-camera", strip(page), scroll=5000)
        shoot.click()
        expect(ident(page, "tally-photos")).to_have_text("1 foto terlampir", timeout=WAIT)
    drafts = stack.tmp / "device" / "photos"
    assert len(list(drafts.rglob("*.jpg"))) == 1
