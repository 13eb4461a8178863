"""Incidents, conflicts, the deployment plan, exports and the dashboard through the console's
state, against the real server app in-process."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import zipfile

import openpyxl

from tests.app.console.conftest import TPS, World


def test_incident_status_flow_assign_and_comment(world: World):
    world.send("ptps", "i1", {"jenis": "laporan", "kategori": "politik_uang", "tps": TPS,
                              "tingkat": "sedang", "uraian": "Amplop"}, kind="incident")  # fmt: skip
    m = world.models()
    asyncio.run(m.go("incidents"))
    s = m.incidents
    assert s.selected == "i1" and s.next_steps() == ("registrasi", "tidak_diregistrasi")
    row = s.current()
    assert row is not None and row["open"] and not row["overdue"] and row["days_left"] == 6
    assert asyncio.run(s.advance("kajian")) is False  # not a next step from diterima
    assert asyncio.run(s.advance("registrasi")) is True
    assert s.current()["proses"] == "registrasi" and s.notice("id") == "Perubahan insiden terkirim."
    s.assign_text = "Aiptu Budi"
    assert asyncio.run(s.assign()) is True
    s.comment_text = "Cek CCTV"
    assert asyncio.run(s.comment()) is True
    s.comment_text = "Saksi dipanggil"
    assert asyncio.run(s.comment()) is True
    row = s.current()
    assert row["ditugaskan"] == "Aiptu Budi"
    assert row["komentar"] == ["[DEMO] Supervisor Polres Jombang: Cek CCTV",
                               "[DEMO] Supervisor Polres Jombang: Saksi dipanggil"]  # fmt: skip
    for step in ("kajian", "terbukti"):
        assert asyncio.run(s.advance(step))
    s.forward_to = "gakkumdu"
    assert asyncio.run(s.advance("diteruskan"))
    row = s.current()
    assert (row["proses"], row["diteruskan_ke"], row["open"]) == ("diteruskan", "gakkumdu", False)
    assert s.next_steps() == ()


def test_conflict_pick_and_merge(world: World):
    world.send("ptps", "i1", {"jenis": "temuan", "tps": TPS}, kind="incident")
    a, b = world.device("supervisor"), world.device("supervisor#2")
    world.sync(b)
    a.save("i1", "incident", TPS, {"ditugaskan": "Budi"})
    b.save("i1", "incident", TPS, {"ditugaskan": "Sari"})
    world.sync(b)
    world.sync(a)
    m = world.models()
    asyncio.run(m.go("conflicts"))
    [row] = m.conflicts.rows
    assert {row["current_value"], row["incoming_value"]} == {"Budi", "Sari"}
    m.conflicts.type_merged(row["id"], "Budi dan Sari")
    assert asyncio.run(m.conflicts.resolve(row["id"], "merge")) is True
    assert m.conflicts.rows == [] and m.conflicts.notice("en") == "Conflict resolved."


def test_plan_has_21_kecamatan_and_csv_reads_back(world: World):
    m = world.models()
    asyncio.run(m.go("map"))
    p = m.plan
    rows = p.plan["kecamatan"]
    assert len(rows) == 21 and sum(r["tps"] for r in rows) == 3858
    assert len(p.points) == 3858 and sum(p.counts().values()) == 3858
    assert len(p.kecamatan_labels()) == 21
    p.colour_by = "coverage"
    assert p.counts() == {"cov_0": 3858}
    p.polisi_text, p.linmas_text = "602", "abc"
    asyncio.run(p.recompute())
    assert p.plan["available"] == {"polisi": 602, "linmas": None}
    path = asyncio.run(p.export_csv("en"))
    assert path is not None and path.name == "deployment-plan.csv"
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert table[0][:2] == ["District", "TPS"] and table[-1][0] == "Total"
    assert len(table) == 23 and int(table[-1][1]) == 3858
    assert sum(int(r[1]) for r in table[1:-1]) == 3858


def test_exports_saved_and_read_back(world: World):
    world.three_sources()
    m = world.models()
    e = m.exports
    xlsx = asyncio.run(e.export("tallies", "xlsx", "en"))
    assert xlsx is not None and xlsx.parent == world.tmp / "ekspor"
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][0] == "Polling station id" and len(rows) == 4
    recon = asyncio.run(e.export("reconciliation", "csv"))
    assert recon is not None and "ID TPS" in recon.read_text(encoding="utf-8-sig")
    geo = asyncio.run(e.export("geojson", "geojson"))
    assert geo is not None and len(json.loads(geo.read_text())["features"]) == 3858
    assert asyncio.run(e.export("evidence_tps", "zip")) is None  # no id typed
    assert e.error("id") == "Isi ID dulu."
    e.tps_text = TPS
    bundle = asyncio.run(e.export("evidence_tps", "zip"))
    with zipfile.ZipFile(bundle) as z:
        assert z.testzip() is None and z.namelist()
    assert e.saved[0] == str(bundle) and len(e.saved) == 4
    assert e.notice("id") == f"Tersimpan: {bundle}"
