"""The supervisor console in Chromium at 1280x800 against a real server process: the misread
TPS tops the queue, is verified with a reason, leaves the queue and moves the totals, and comes
back when a witness it did not see disagrees; the queue pages, filters and sorts; the map and
the deployment plan show Jombang's 21 kecamatan; the dashboard and the GeoJSON follow the chosen
ballot; exports are saved and read back for their content; an incident moves along its status
flow; a conflict is resolved with a reason that shows afterwards. Screenshots of every screen go
to artifacts/screenshots/console/."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, api
from tests.e2e.console_helpers import (
    DPR_VOTES,
    NAMES,
    PHONE,
    TPS,
    WAIT,
    ConsoleStack,
    choose,
    device,
    ident,
    push,
    rail,
    shot,
)
from tests.e2e.ui import fill
from tests.server.recon_helpers import VOTES, form

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
KECAMATAN = [r["nama"] for r in csv.DictReader((ROOT / "assets/data/jombang_kecamatan.csv")
                                               .open(encoding="utf-8"))]  # fmt: skip


def supervisor_token(console: ConsoleStack) -> str:
    from app.store import open_store

    ident_ = open_store(console.tmp / "laptop" / "device.db").identity()
    assert ident_ is not None
    return ident_.token


def review(console: ConsoleStack, path: str) -> Any:
    return api(console.server_url, "GET", f"/v1/review/{path}", token=supervisor_token(console))


def kabupaten_votes(console: ConsoleStack, ballot: str = "ppwp") -> dict[str, Any]:
    return dict(review(console, f"totals?level=kabupaten&ballot={ballot}")["rows"][0])


def queue_order(page: Page) -> list[str]:
    """The items of the queue page, top to bottom on screen, by their Buka buttons (`tps-ballot`
    or `incident-id`; the semantics nodes' DOM order is not the order they are drawn in)."""
    found = page.locator('[flt-semantics-identifier^="open-"]').evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().top,"
        " e.getAttribute('flt-semantics-identifier')])"
    )
    return [str(name)[5:] for _, name in sorted(found)]


def item_name(item: dict[str, Any]) -> str:
    """An API queue item as queue_order names it."""
    return (
        f"incident-{item['id']}"
        if item["type"] == "incident"
        else f"{item['tps']}-{item['ballot']}"
    )


def dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_conflict_tops_queue_verify_updates_queue_and_totals(console: ConsoleStack, page: Page):
    first = page.locator('[flt-semantics-identifier^="open-"]').first
    expect(first).to_have_attribute("flt-semantics-identifier", f"open-{TPS}-ppwp", timeout=WAIT)
    expect(page.get_by_text(re.compile("Polisi 44, PTPS 99")).first).to_be_visible()
    shot(page, "01-queue")
    shot(page, "01-queue-phone", PHONE)
    before = kabupaten_votes(console)

    ident(page, f"open-{TPS}-ppwp").click()
    expect(page.get_by_text("TPS 001 Jantiganggong, Perak · PPWP")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(re.compile(r"^IV no\. 1\s+BEDA$"))).to_be_visible()
    expect(page.get_by_text("44 ≠", exact=True)).to_be_visible()
    shot(page, "02-tps-conflict")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Tulis alasannya dulu.")).to_be_visible()
    fill(page, "Alasan (wajib)", "Plano difoto PTPS: 99, salinan polisi salah baca")
    page.keyboard.press("Control+Enter")  # the shortcut to verify (ux.md)
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
    after = kabupaten_votes(console)
    assert after["verified"] == before["verified"] + 1
    assert after["values"]["suara.1"] == before["values"].get("suara.1", 0) + 99
    assert after["values"]["suara.2"] == before["values"].get("suara.2", 0) + 120

    rail(page, "Dasbor")
    anies = f"01 Anies Baswedan - Muhaimin Iskandar: {dots(after['values']['suara.1'])}"
    votes = page.get_by_role("group", name=re.compile(re.escape(anies)))  # a card is one node
    expect(votes).to_be_visible(timeout=WAIT)
    expect(votes).to_have_accessible_name(re.compile(r"TPS sudah pasti .* 1 terverifikasi"))
    shot(page, "05-dashboard")

    # The Gerindra witness, whom the verification did not see, reports 45 for pair 1: the TPS
    # comes back to the top of the queue with the reason, and its votes leave the totals.
    gerindra = device(console.tmp, console.server_url, console.codes[NAMES["saksi2"]], "saksi2")
    push(gerindra, "t-saksi2", "tally", form(VOTES, suara={**VOTES, "1": 45}))
    rail(page, "Antrean")
    page.get_by_role("button", name="Muat ulang").click()
    expect(ident(page, f"open-{TPS}-ppwp")).to_be_visible(timeout=WAIT)
    assert queue_order(page)[0] == f"{TPS}-ppwp"
    reason = page.get_by_text(re.compile(r"^IV no\. 1 diverifikasi 99, tetapi .*Gerindra \(2\) 45"))
    expect(reason).to_be_visible()
    shot(page, "05b-queue-reopened")
    ident(page, f"open-{TPS}-ppwp").click()
    expect(page.get_by_text(re.compile(r"^IV no\. 1\s+BEDA dari verifikasi$"))).to_be_visible(
        timeout=WAIT
    )
    expect(page.get_by_text("45 ≠", exact=True)).to_be_visible()
    shot(page, "05c-tps-reopened")
    reopened = kabupaten_votes(console)
    assert reopened["values"].get("suara.1", 0) == before["values"].get("suara.1", 0)
    assert reopened["decided"] == before["decided"]


def test_map_and_deployment_plan_show_21_kecamatan(console: ConsoleStack, page: Page):
    rail(page, "Peta")
    expect(ident(page, "peta")).to_be_visible(timeout=WAIT)
    expect(ident(page, "plan-table")).to_be_visible(timeout=WAIT)
    expect(ident(page, "map-legend")).to_contain_text("Kurang rawan", timeout=WAIT)
    legend = ident(page, "map-legend").inner_text()
    counts = [int(n) for n in re.findall(r"(?:rawan|khusus|dinilai): (\d+)", legend, re.I)]
    assert sum(counts) == 3858, legend  # every Jombang TPS has a marker
    assert len(KECAMATAN) == 21
    table = ident(page, "plan-table")
    for name in KECAMATAN:
        expect(table.get_by_text(name, exact=True)).to_have_count(1)
    expect(page.get_by_text("Tanpa ubin peta (offline)", exact=False)).to_be_visible()
    shot(page, "06-map-plan")

    fill(page, "Polisi tersedia", "602")  # Polres Jombang deployed 602 police for 3,858 TPS
    page.get_by_role("button", name="Hitung").click()
    expect(ident(page, "plan-polisi")).to_have_text(re.compile(r"^Polisi: (kurang \d+|cukup)$"))
    expect(ident(page, "plan-linmas")).to_contain_text("belum diisi")  # blank is unknown
    page.get_by_role("button", name="Ekspor CSV rencana").click()
    expect(ident(page, "console-notice")).to_contain_text("rencana-pengamanan.csv", timeout=WAIT)
    with (console.export_dir / "rencana-pengamanan.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Kecamatan"
    assert {r[0] for r in rows[1:-1]} == set(KECAMATAN)
    assert rows[-1][0] == "Jumlah"
    assert sum(int(r[1]) for r in rows[1:-1]) == 3858
    page.mouse.wheel(0, 2000)
    shot(page, "07-plan-scrolled")


def test_exports_are_saved_and_read_back(console: ConsoleStack, page: Page):
    rail(page, "Ekspor")
    expect(ident(page, "export-folder")).to_contain_text(str(console.export_dir), timeout=WAIT)

    def export(what: str, fmt: str) -> Path:
        notice = ident(page, "console-notice")
        before = notice.inner_text() if notice.count() else ""
        ident(page, f"export-{what}-{fmt}").click()
        expect(notice).not_to_have_text(before, timeout=WAIT)  # this export's, not the last
        expect(notice).to_contain_text(re.compile(rf"Tersimpan: .*\.{fmt}$"), timeout=WAIT)
        path = Path(notice.inner_text().split("Tersimpan: ", 1)[1].strip())
        assert path.parent == console.export_dir
        assert path.is_file()
        expect(ident(page, "saved-0")).to_contain_text(path.name)
        return path

    book = openpyxl.load_workbook(export("tallies", "xlsx"), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "ID TPS"
    head = list(rows[0])
    ours = {r[head.index("ID data")]: r for r in rows[1:] if r[0] == TPS}
    assert {"t-ptps", "t-polisi", "t-saksi", "d-ptps", "d-saksi"} <= set(ours)
    pair_1 = head.index("IV no. 1")  # the form's words, no internal key
    assert book.active.title == "C.Hasil"
    assert (ours["t-ptps"][pair_1], ours["t-polisi"][pair_1]) == (99, 44)

    with export("reconciliation", "csv").open(encoding="utf-8-sig") as f:
        recon = list(csv.DictReader(f))
    now = review(console, f"tps/{TPS}/ppwp")  # what the server holds now
    status = now["status_label"][0]
    ppwp = "Presiden dan Wakil Presiden (PPWP)"
    [row] = [r for r in recon if (r["ID TPS"], r["Surat suara"], r["Isian"]) ==
             (TPS, ppwp, "IV no. 1")]  # fmt: skip
    assert row["Status TPS"] == status
    assert row["Kecamatan"] == "Perak"
    said = set(row["Nilai per sumber"].split(", "))
    assert {"Polisi=44", "PTPS=99", "Saksi PKB (1)=99"} <= said
    assert row["Keadaan"] == "berbeda"
    assert "Polisi: V.A (suara sah)" in row["Tanda"]
    assert row["Tanda"] == "; ".join(f["message_id"] for f in now["flags"])
    dpr = [r for r in recon if (r["ID TPS"], r["Surat suara"]) == (TPS, "DPR RI")]
    assert dpr
    assert {r["Status TPS"] for r in dpr} == {"Sumber sepakat"}

    geo = json.loads(export("geojson", "geojson").read_text(encoding="utf-8"))
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == 3858
    choose(page, "export-geojson-ballot", "DPR RI")
    dpr_geo = export("geojson", "geojson")
    assert dpr_geo.name.startswith("tps-dpr_ri-")
    props = {f["properties"]["tps"]: f["properties"] for f in json.loads(dpr_geo.read_text())
             ["features"]}  # fmt: skip
    assert len(props) == 3858
    assert (props[TPS]["ballot"], props[TPS]["status_code"], props[TPS]["sources"]) == (
        "dpr_ri", "agree", 2
    )  # fmt: skip
    assert props[TPS]["status"] == "Sumber sepakat"  # words where a person reads

    fill(page, "ID TPS", TPS)
    expect(ident(page, "export-evidence_tps-zip").get_by_role("button")).to_be_enabled(timeout=WAIT)
    with zipfile.ZipFile(export("evidence_tps", "zip")) as z:
        assert z.testzip() is None
        manifest = json.loads(z.read("manifest.json"))
        listed = {f["name"]: f for f in manifest["files"]}
        assert {"records.json", "history.json", "reconciliation.json"} <= set(listed)
        for name, f in listed.items():  # each file is what the manifest's hash says
            data = z.read(name)
            assert (hashlib.sha256(data).hexdigest(), len(data)) == (f["sha256"], f["bytes"])
        assert manifest["subject"] == {"tps": TPS}
        records = {r["id"]: r for r in json.loads(z.read("records.json"))}
        assert {"t-ptps", "t-polisi", "t-saksi", "d-ptps", "i-uang"} <= set(records)
        assert records["t-polisi"]["fields"]["suara"]["1"] == 44
        history = json.loads(z.read("history.json"))
        first = history["t-ptps"][0]
        assert len(first["hash"]) == 64
        assert first["user_name"] == NAMES["ptps"]
        recon_doc = json.loads(z.read("reconciliation.json"))
        assert recon_doc["dpr_ri"]["status"] == "agree"
        assert recon_doc["ppwp"]["status"] == review(console, f"tps/{TPS}/ppwp")["status"]
        # the PTPS's photo of the plano, uploaded by its phone: in the bundle under its hash
        [sha] = records["t-ptps"]["fields"]["photos"]
        assert [n for n in z.namelist() if n.startswith("photos/")] == [f"photos/{sha}.jpg"]
        jpeg = z.read(f"photos/{sha}.jpg")
        assert hashlib.sha256(jpeg).hexdigest() == sha
        assert jpeg[:2] == b"\xff\xd8"
        assert manifest["photos_missing"] == []
    shot(page, "08-exports")


def test_incident_flow_and_conflict_resolution(console: ConsoleStack, page: Page):
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
    expect(page.get_by_text(re.compile("isian tempat.*Depan balai desa")).first).to_be_visible()
    shot(page, "10-conflicts")
    [open_conflict] = review(console, "conflicts")
    current = open_conflict["current_value"]  # a report is its author's words: the supervisor
    page.get_by_role("button", name="Pakai nilai sekarang").first.click()  # keeps one; no reason
    expect(ident(page, "console-error")).to_contain_text("Tulis alasan penyelesaian konflik")
    fill(page, "Alasan penyelesaian (wajib)", "Dikonfirmasi ke Kapolsek lewat radio")
    page.get_by_role("button", name="Pakai nilai sekarang").first.click()
    expect(page.get_by_text("Tidak ada konflik terbuka.")).to_be_visible(timeout=WAIT)
    page.get_by_role("switch", name="Tampilkan yang sudah selesai").click()
    done = page.locator('[flt-semantics-identifier^="conflict-resolved-"]').first
    expect(done).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(re.compile(f"^Diselesaikan oleh {re.escape(NAMES['supervisor'])}"
                                       r" · .* WIB · perangkat "))).to_be_visible()  # fmt: skip
    expect(page.get_by_text("Alasan: Dikonfirmasi ke Kapolsek lewat radio")).to_be_visible()
    expect(
        page.get_by_text(re.compile(f"^Dipakai: {re.escape(current)} \\(nilai sekarang\\)"))
    ).to_be_visible()
    shot(page, "10b-conflict-resolved")
    rail(page, "Insiden")  # the incident's history tells the resolution too
    ident(page, "incident-i-uang").click()
    resolved = page.get_by_text(
        re.compile(
            r"i-uang: menyelesaikan konflik #\d+ pada tempat: "
            r".*alasan: Dikonfirmasi ke Kapolsek lewat radio$"
        )
    )
    expect(resolved).to_be_visible(timeout=WAIT)
    shot(page, "10c-incident-history")
    [row] = review(console, "conflicts?include_resolved=true")
    assert row["resolution"]["alasan"] == "Dikonfirmasi ke Kapolsek lewat radio"
    assert row["value_now"] == current
    assert row["resolution"]["user_name"] == NAMES["supervisor"]


def test_queue_pages_filters_and_sorts(console: ConsoleStack, page: Page):
    """Every item needing a decision is reachable (pages with "n-m of t"), a status filter and
    a click on a column header ask the server again."""
    total = review(console, "queue?limit=1")["total"]
    assert total > 25  # the demo data fills more than one page of 25
    expect(ident(page, "queue-range")).to_have_text(f"Menampilkan 1–{total} dari {total}",
                                                    timeout=WAIT)  # fmt: skip
    choose(page, "page-size", "25")
    expect(ident(page, "queue-range")).to_have_text(f"Menampilkan 1–25 dari {total}",
                                                    timeout=WAIT)  # fmt: skip
    first_page = queue_order(page)
    ident(page, "page-next").click()
    expect(ident(page, "queue-range")).to_have_text(f"Menampilkan 26–{total} dari {total}",
                                                    timeout=WAIT)  # fmt: skip
    shot(page, "12-queue-page-2")
    everything = review(console, "queue")["items"]
    second_page = queue_order(page)
    shown = [*first_page, *second_page]
    assert shown == [item_name(i) for i in everything]
    ident(page, "page-first").click()
    expect(ident(page, "queue-range")).to_have_text(f"Menampilkan 1–25 dari {total}",
                                                    timeout=WAIT)  # fmt: skip

    conflicts = review(console, "queue?status=conflict")["items"]
    choose(page, "filter-status", "Sumber berbeda")
    expect(ident(page, "queue-range")).to_have_text(
        f"Menampilkan 1–{len(conflicts)} dari {len(conflicts)}", timeout=WAIT
    )
    assert queue_order(page) == [f"{i['tps']}-{i['ballot']}" for i in conflicts]
    page.get_by_role("columnheader", name="TPS", exact=True).click()  # sort by TPS id
    by_tps = sorted(f"{i['tps']}-{i['ballot']}" for i in conflicts)
    expect(page.locator('[flt-semantics-identifier^="open-"]').first).to_have_attribute(
        "flt-semantics-identifier", f"open-{by_tps[0]}", timeout=WAIT
    )
    assert queue_order(page) == by_tps
    page.get_by_role("columnheader", name="TPS", exact=True).click()  # and the other way
    expect(page.locator('[flt-semantics-identifier^="open-"]').first).to_have_attribute(
        "flt-semantics-identifier", f"open-{by_tps[-1]}", timeout=WAIT
    )
    assert queue_order(page) == by_tps[::-1]
    shot(page, "13-queue-conflicts-by-tps")


def test_dashboard_follows_the_chosen_ballot(console: ConsoleStack, page: Page):
    rail(page, "Dasbor")
    expect(ident(page, "dash-votes")).to_be_visible(timeout=WAIT)
    choose(page, "dash-ballot", "DPR RI")
    pkb = DPR_VOTES["1"] + DPR_VOTES["1.1"] + DPR_VOTES["1.2"]  # party + its candidates
    card = page.get_by_role("group", name=re.compile(rf"PKB Partai Kebangkitan Bangsa: {pkb}\b"))
    expect(card).to_be_visible(timeout=WAIT)
    expect(card).to_have_accessible_name(re.compile(r"Suara per calon/partai · DPR RI"))
    expect(card).to_have_accessible_name(re.compile(r"Gerindra Partai Gerakan Indonesia Raya: 55"))
    expect(card).to_have_accessible_name(re.compile(r"1 dari 3858 TPS sudah pasti"))
    row = kabupaten_votes(console, "dpr_ri")
    assert row["decided"] == 1
    assert row["values"]["suara.1.1"] == DPR_VOTES["1.1"]
    shot(page, "14-dashboard-dpr-ri")


@pytest.mark.usefixtures("console")
def test_english_is_complete_on_the_queue(page: Page):
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Review queue")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("button", name=re.compile("^Map Tab"))).to_be_visible()
    shot(page, "11-queue-english")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_text("Antrean tinjauan")).to_be_visible(timeout=WAIT)


def test_dashboard_shows_an_inflated_recap(console: ConsoleStack, page: Page):
    """A D.Hasil recap for Kec. Perak claims 77 more votes for pair 1 than its counted TPS: the
    dashboard shows the selisih, the open TPS and the possible inflation."""
    perak = next(r for r in review(console, "totals?level=kecamatan&ballot=ppwp")["rows"]
                 if r["code"] == "35.17.01")  # fmt: skip
    counted = int(perak["values"].get("suara.1", 0))
    text = f"tingkat,kode,ballot,suara.1\nkecamatan,35.17.01,ppwp,{counted + 77}\n"
    body = {"name": "dhasil-perak.csv", "csv": text}
    assert api(console.server_url, "POST", "/v1/review/recap", body, supervisor_token(console)) == {
        "rows": 1
    }
    rail(page, "Dasbor")
    card = page.get_by_role("group", name=re.compile(r"Rekap resmi \(D\.Hasil\) dan selisih"))
    expect(card).to_be_visible(timeout=WAIT)
    line = rf"35\.17\.01 IV no\. 1: rekap {counted + 77}, TPS pasti {counted}, selisih 77"
    expect(card).to_have_accessible_name(re.compile(line), timeout=WAIT)
    expect(card).to_have_accessible_name(re.compile("kemungkinan penggelembungan"))
    shot(page, "15-dashboard-recap-inflation")
