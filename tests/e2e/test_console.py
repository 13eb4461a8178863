"""The supervisor console in Chromium at 1280x800 against a real server process: the misread
TPS tops the queue, is verified with a reason, leaves the queue and moves the totals; the map
and the deployment plan show Jombang's 21 kecamatan; exports are saved and read back; an
incident moves along its status flow; a conflict is resolved. Screenshots of every screen go
to artifacts/screenshots/console/."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, ROOT, api
from tests.e2e.console_helpers import (
    PHONE,
    TPS,
    WAIT,
    ConsoleStack,
    ident,
    launch,
    open_console,
    rail,
    shot,
    start,
)
from tests.e2e.ui import fill

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
KECAMATAN = [r["nama"] for r in csv.DictReader((ROOT / "assets/data/jombang_kecamatan.csv")
                                               .open(encoding="utf-8"))]  # fmt: skip


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleStack]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium): no browser tests")
    st = start(tmp_path_factory.mktemp("console"))
    try:
        yield st
    finally:
        st.stop()


@pytest.fixture
def page(stack: ConsoleStack) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = launch(p)
        try:
            pg = open_console(browser, stack.console_url)
            ident(pg, "count-queue").wait_for(timeout=WAIT)
            yield pg
        finally:
            browser.close()


def supervisor_token(stack: ConsoleStack) -> str:
    from app.store import open_store

    ident_ = open_store(stack.tmp / "laptop" / "device.db").identity()
    assert ident_ is not None
    return ident_.token


def kabupaten_votes(stack: ConsoleStack) -> dict[str, Any]:
    path = "/v1/review/totals?level=kabupaten&ballot=ppwp"
    return dict(api(stack.server_url, "GET", path, token=supervisor_token(stack))["rows"][0])


def dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_conflict_tops_queue_verify_updates_queue_and_totals(stack: ConsoleStack, page: Page):
    first = page.locator('[flt-semantics-identifier^="open-"]').first
    expect(first).to_have_attribute("flt-semantics-identifier", f"open-{TPS}-ppwp", timeout=WAIT)
    expect(page.get_by_text(re.compile("Polisi 44, PTPS 99")).first).to_be_visible()
    shot(page, "01-queue")
    shot(page, "01-queue-phone", PHONE)
    before = kabupaten_votes(stack)

    ident(page, f"open-{TPS}-ppwp").click()
    expect(page.get_by_text("TPS 001 Jantiganggong, Perak · PPWP")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(re.compile(r"^IV no\. 1\s+BEDA$"))).to_be_visible()
    expect(page.get_by_text("44 ≠", exact=True)).to_be_visible()
    shot(page, "02-tps-conflict")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Tulis alasannya dulu.")).to_be_visible()
    fill(page, "Alasan (wajib)", "Plano difoto PTPS: 99, salinan polisi salah baca")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Verifikasi TPS 3517012001001")).to_be_visible(timeout=WAIT)
    shot(page, "03-tps-confirm")
    page.get_by_role("button", name="Simpan dan kirim").click()
    expect(ident(page, "console-notice")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Terverifikasi").first).to_be_visible()
    expect(page.get_by_text(re.compile("^Diverifikasi: Plano difoto PTPS"))).to_be_visible()
    shot(page, "04-tps-verified")

    rail(page, "Antrean")
    expect(ident(page, "count-verified")).to_contain_text("1", timeout=WAIT)
    expect(ident(page, f"open-{TPS}-ppwp")).to_have_count(0)
    after = kabupaten_votes(stack)
    assert after["verified"] == before["verified"] + 1
    assert after["values"]["suara.1"] == before["values"].get("suara.1", 0) + 99
    assert after["values"]["suara.2"] == before["values"].get("suara.2", 0) + 120

    rail(page, "Dasbor")
    anies = f"01 Anies Baswedan - Muhaimin Iskandar: {dots(after['values']['suara.1'])}"
    votes = page.get_by_role("group", name=re.compile(re.escape(anies)))  # a card is one node
    expect(votes).to_be_visible(timeout=WAIT)
    expect(votes).to_have_accessible_name(re.compile(r"TPS sudah pasti .* 1 terverifikasi"))
    shot(page, "05-dashboard")


def test_map_and_deployment_plan_show_21_kecamatan(stack: ConsoleStack, page: Page):
    rail(page, "Peta")
    expect(ident(page, "peta")).to_be_visible(timeout=WAIT)
    expect(ident(page, "plan-table")).to_be_visible(timeout=WAIT)
    expect(ident(page, "map-legend")).to_contain_text("Kurang rawan", timeout=WAIT)
    legend = ident(page, "map-legend").inner_text()
    counts = [int(n) for n in re.findall(r"(?:rawan|khusus): (\d+)", legend, re.IGNORECASE)]
    assert sum(counts) == 3858, legend  # every Jombang TPS has a marker
    assert len(KECAMATAN) == 21
    table = ident(page, "plan-table")
    for name in KECAMATAN:
        expect(table.get_by_text(name, exact=True)).to_have_count(1)
    expect(page.get_by_text("Tanpa ubin peta (offline)", exact=False)).to_be_visible()
    shot(page, "06-map-plan")

    fill(page, "Polisi tersedia", "602")  # Polres Jombang deployed 602 police for 3,858 TPS
    page.get_by_role("button", name="Hitung").click()
    expect(page.get_by_text(re.compile("^(Kekurangan|Personel cukup)"))).to_be_visible(timeout=WAIT)
    page.get_by_role("button", name="Ekspor CSV rencana").click()
    expect(ident(page, "console-notice")).to_contain_text("rencana-pengamanan.csv", timeout=WAIT)
    with (stack.export_dir / "rencana-pengamanan.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Kecamatan"
    assert {r[0] for r in rows[1:-1]} == set(KECAMATAN) and rows[-1][0] == "Jumlah"
    assert sum(int(r[1]) for r in rows[1:-1]) == 3858
    page.mouse.wheel(0, 2000)
    shot(page, "07-plan-scrolled")


def test_exports_are_saved_and_read_back(stack: ConsoleStack, page: Page):
    rail(page, "Ekspor")
    expect(ident(page, "export-folder")).to_contain_text(str(stack.export_dir), timeout=WAIT)

    def export(what: str, fmt: str) -> Path:
        ident(page, f"export-{what}-{fmt}").click()
        notice = ident(page, "console-notice")
        expect(notice).to_contain_text(re.compile(rf"Tersimpan: .*\.{fmt}$"), timeout=WAIT)
        path = Path(notice.inner_text().split("Tersimpan: ", 1)[1].strip())
        assert path.parent == stack.export_dir and path.is_file()
        expect(ident(page, "saved-0")).to_contain_text(path.name)
        return path

    book = openpyxl.load_workbook(export("tallies", "xlsx"), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "ID TPS" and any(r[0] == TPS for r in rows[1:])
    with export("reconciliation", "csv").open(encoding="utf-8-sig") as f:
        recon = list(csv.reader(f))
    assert len(recon) > 1
    geo = json.loads(export("geojson", "geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 3858
    fill(page, "ID TPS", TPS)
    expect(ident(page, "export-evidence_tps-zip").get_by_role("button")).to_be_enabled(timeout=WAIT)
    with zipfile.ZipFile(export("evidence_tps", "zip")) as z:
        assert z.namelist() and z.testzip() is None
    shot(page, "08-exports")


def test_incident_flow_and_conflict_resolution(stack: ConsoleStack, page: Page):
    rail(page, "Insiden")
    expect(ident(page, "incident-i-uang")).to_be_visible(timeout=WAIT)
    ident(page, "incident-i-uang").click()
    expect(page.get_by_text("Amplop", exact=False).first).to_be_visible(timeout=WAIT)
    ident(page, "step-registrasi").click()
    expect(ident(page, "console-notice")).to_contain_text("Perubahan insiden terkirim",
                                                          timeout=WAIT)  # fmt: skip
    expect(ident(page, "step-kajian")).to_be_visible(timeout=WAIT)
    fill(page, "Komentar", "Cek rekaman CCTV warung")
    page.get_by_role("button", name="Tambah komentar").click()
    expect(page.get_by_text(re.compile("Cek rekaman CCTV warung$"))).to_be_visible(timeout=WAIT)
    shot(page, "09-incidents")

    rail(page, "Konflik")
    card = page.locator('[flt-semantics-identifier^="conflict-"]').first
    expect(card).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(re.compile("isian ditugaskan.*Bripka Sari")).first).to_be_visible()
    shot(page, "10-conflicts")
    page.get_by_role("button", name="Pakai nilai masuk").first.click()
    expect(page.get_by_text("Tidak ada konflik terbuka.")).to_be_visible(timeout=WAIT)


def test_english_is_complete_on_the_queue(stack: ConsoleStack, page: Page):
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Review queue")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name=re.compile("^Map Tab"))).to_be_visible()
    shot(page, "11-queue-english")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_text("Antrean tinjauan")).to_be_visible(timeout=WAIT)
