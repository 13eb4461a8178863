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
from tests.server.recon_helpers import VOTES, form


def test_incident_status_flow_assign_and_comment(world: World):
    world.send("ptps", "i1", {"jenis": "laporan", "kategori": "politik_uang", "tps": TPS,
                              "tingkat": "sedang", "uraian": "Amplop"}, kind="incident")  # fmt: skip
    m = world.models()
    asyncio.run(m.go("incidents"))
    s = m.incidents
    assert s.selected == "i1"
    assert s.next_steps() == ("registrasi", "tidak_diregistrasi")
    row = s.current()
    assert row is not None
    assert row.open
    assert not row.overdue
    assert row.days_left == 6
    assert asyncio.run(s.advance("kajian")) is False  # not a next step from diterima
    assert asyncio.run(s.advance("registrasi")) is True
    assert s.current().proses == "registrasi"
    assert s.notice("id") == "Perubahan insiden terkirim."
    s.assign_text = "Aiptu Budi"
    assert asyncio.run(s.assign()) is True
    s.comment_text = "Cek CCTV"
    assert asyncio.run(s.comment()) is True
    s.comment_text = "Saksi dipanggil"
    assert asyncio.run(s.comment()) is True
    row = s.current()
    assert row.ditugaskan == "Aiptu Budi"
    assert row.komentar == ["[DEMO] Supervisor Polres Jombang: Cek CCTV",
                               "[DEMO] Supervisor Polres Jombang: Saksi dipanggil"]  # fmt: skip
    for step in ("kajian", "terbukti"):
        assert asyncio.run(s.advance(step))
    s.forward_to = "gakkumdu"
    assert asyncio.run(s.advance("diteruskan"))
    row = s.current()
    assert (row.proses, row.diteruskan_ke, row.open) == ("diteruskan", "gakkumdu", False)
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
    assert {row.current_value, row.incoming_value} == {"Budi", "Sari"}
    m.conflicts.type_merged(row.id, "Budi dan Sari")
    assert asyncio.run(m.conflicts.resolve(row.id, "merge")) is False  # no reason yet
    assert m.conflicts.error("id").startswith("Tulis alasan penyelesaian konflik")
    assert len(m.conflicts.open_rows()) == 1
    m.conflicts.type_reason(row.id, "Keduanya ditugaskan, kata Kapolsek")
    assert asyncio.run(m.conflicts.resolve(row.id, "merge")) is True
    assert m.conflicts.rows == []
    assert m.conflicts.notice("en") == "Conflict resolved."
    asyncio.run(m.conflicts.set_show_resolved(True))
    [done] = m.conflicts.rows
    r = done.resolution
    assert r is not None
    assert done.resolved
    assert (r.choice, r.value) == ("merge", "Budi dan Sari")
    assert r.alasan == "Keduanya ditugaskan, kata Kapolsek"
    assert r.written is True
    assert r.user_name == "[DEMO] Supervisor Polres Jombang"
    assert r.at.endswith("WIB")
    assert asyncio.run(m.conflicts.resolve(done.id, "current")) is False  # already closed
    asyncio.run(m.go("incidents"))  # the incident's own history says it too
    assert m.incidents.selected == "i1"
    last = m.incidents.history[-1]
    assert last.resolution.alasan == "Keduanya ditugaskan, kata Kapolsek"


def test_queue_pages_sorts_and_filters(world: World):
    world.three_sources()  # TPS 001: sources disagree
    police = world.device("polisi")  # the Bhabinkamtibmas covers the whole desa
    others = ("3517012001002", "3517012001003", "3517012001004")
    for k, tps in enumerate(others):
        police.save(f"i{k}", "incident", tps, {"jenis": "laporan", "tps": tps, "tingkat": "rendah"})
    world.sync(police)
    m = world.models()
    q = m.queue
    q.page_size = 2
    asyncio.run(q.load())
    assert q.total == 4
    assert len(q.items) == 2
    assert q.page_range() == (1, 2, 4)
    assert q.items[0].tps == TPS
    assert q.items[0].status == "conflict"
    assert not q.has_prev()
    assert q.has_next()
    asyncio.run(q.next_page())
    assert q.page_range() == (3, 4, 4)
    assert not q.has_next()
    assert q.has_prev()
    assert {i.type for i in q.items} == {"incident"}
    asyncio.run(q.set_filter("status", "conflict"))  # a filter starts at the first page
    assert q.offset == 0
    assert q.total == 1
    assert q.items[0].tps == TPS
    asyncio.run(q.set_filter("status", "incident"))
    assert q.total == 3
    assert {i.type for i in q.items} == {"incident"}
    asyncio.run(q.set_filter("status", "all"))
    asyncio.run(q.sort_by("tps", descending=True))
    assert [i.tps for i in q.items] == [others[2], others[1]]
    asyncio.run(q.last_page())
    assert q.page_range() == (3, 4, 4)
    assert [i.tps for i in q.items] == [others[0], TPS]
    assert q.counts.queue == 1
    assert q.counts.incidents_open == 3


def test_a_contradicted_verification_shows_what_differs(world: World):
    """Verified 99; then a second witness reports 45 for pair 1: the TPS is back in the queue,
    the field is marked and open for a new decision, which settles it again."""
    world.three_sources()
    m = world.models()
    asyncio.run(m.open_tps(TPS, "ppwp"))
    m.comparison.set_reason("Plano: 99")
    assert asyncio.run(m.verify()) is True
    assert m.queue.total == 0
    cited = m.comparison.doc.decision.sumber
    assert sorted(cited) == ["t-polisi", "t-ptps", "t-saksi"]
    world.send("saksi2", "t-saksi2", form(VOTES, suara={**VOTES, "1": 45}))
    asyncio.run(m.queue.load())
    [item] = m.queue.items
    assert (item.tps, item.status) == (TPS, "verified")
    assert item.top_flag.rule == "changed_after_verification"
    asyncio.run(m.comparison.load())
    [f] = [f for f in m.comparison.doc.fields if f.field == "suara.1"]
    assert f.disputed == {"saksi:2": 45}
    assert m.comparison.editable(f)
    m.comparison.set_reason("Saksi Gerindra salah salin; plano 99")
    nilai, bad = m.comparison.decision()
    assert nilai == {"suara.1": 99}
    assert bad == []
    assert asyncio.run(m.verify()) is True
    assert m.queue.total == 0


def test_dashboard_and_geojson_for_another_ballot(world: World):
    """Two sources agree on the DPR RI tally; the dashboard and the GeoJSON follow the ballot
    the supervisor picks; a party's votes are its own plus its candidates'."""
    dpr = {"1": 10, "1.1": 5, "1.2": 2, "2": 30, "3": 0}
    world.send("ptps", "d-ptps", form(dpr, ballot="dpr_ri"))
    world.send("polisi", "d-polisi", form(dpr, ballot="dpr_ri"))
    m = world.models()
    asyncio.run(m.go("dashboard"))
    assert m.dashboard.ballot == "ppwp"
    assert m.dashboard.share()[0] == 0
    asyncio.run(m.dashboard.set_ballot("dpr_ri"))
    d = m.dashboard
    assert d.ballot_name("id") == "DPR RI"
    assert d.share() == (1, 0, 3858)
    votes = {short: v for short, _, v in d.candidates()}
    assert len(votes) == 18
    assert votes["PKB"] == 17
    assert votes["Gerindra"] == 30
    asyncio.run(d.set_ballot("pilkada"))  # not a ballot of this election: ignored
    assert d.ballot == "dpr_ri"
    e = m.exports
    e.set_geo_ballot("dpr_ri")
    path = asyncio.run(e.export("geojson", "geojson"))
    assert path is not None
    assert path.name.startswith("tps-dpr_ri")
    features = json.loads(path.read_text())["features"]
    mine = next(f["properties"] for f in features if f["properties"]["tps"] == TPS)
    assert (mine["ballot"], mine["status_code"], mine["sources"]) == ("dpr_ri", "agree", 2)
    assert mine["status"] == "Sumber sepakat"


def test_plan_has_21_kecamatan_and_csv_reads_back(world: World):
    m = world.models()
    asyncio.run(m.go("map"))
    p = m.plan
    rows = p.plan.kecamatan
    assert len(rows) == 21
    assert sum(r.tps for r in rows) == 3858
    assert len(p.points) == 3858
    assert sum(p.counts().values()) == 3858
    assert len(p.kecamatan_labels()) == 21
    p.colour_by = "coverage"
    assert p.counts() == {"cov_0": 3858}
    p.polisi_text, p.linmas_text = "602", "abc"
    asyncio.run(p.recompute())
    assert p.plan.available.model_dump() == {"polisi": 602, "linmas": None}
    path = asyncio.run(p.export_csv("en"))
    assert path is not None
    assert path.name == "deployment-plan.csv"
    table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert table[0][:2] == ["District", "TPS"]
    assert table[-1][0] == "Total"
    assert len(table) == 23
    assert int(table[-1][1]) == 3858
    assert sum(int(r[1]) for r in table[1:-1]) == 3858


def test_exports_saved_and_read_back(world: World):
    world.three_sources()
    m = world.models()
    e = m.exports
    xlsx = asyncio.run(e.export("tallies", "xlsx", "en"))
    assert xlsx is not None
    assert xlsx.parent == world.tmp / "ekspor"
    rows = list(openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[0][0] == "Polling station id"
    assert len(rows) == 4
    recon = asyncio.run(e.export("reconciliation", "csv"))
    assert recon is not None
    assert "ID TPS" in recon.read_text(encoding="utf-8-sig")
    geo = asyncio.run(e.export("geojson", "geojson"))
    assert geo is not None
    assert len(json.loads(geo.read_text())["features"]) == 3858
    assert asyncio.run(e.export("evidence_tps", "zip")) is None  # no id typed
    assert e.error("id") == "Isi ID dulu."
    e.tps_text = TPS
    bundle = asyncio.run(e.export("evidence_tps", "zip"))
    assert bundle is not None
    with zipfile.ZipFile(bundle) as z:
        assert z.testzip() is None
        assert z.namelist()
    assert e.saved[0] == str(bundle)
    assert len(e.saved) == 4
    assert e.notice("id") == f"Tersimpan: {bundle}"
