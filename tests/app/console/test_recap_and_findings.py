"""Console state against the real server app: the D.Hasil recap with one inflated kecamatan on
the dashboard, each source's form checks on the TPS, and a reused photo's pair side by side."""

from __future__ import annotations

import asyncio
import hashlib

from app.store.photos import add_photo
from tests.app.console.conftest import TPS, World
from tests.photos import filled_sheet, jpeg
from tests.server.recon_helpers import VOTES, form

RECAP = (
    "tingkat,kode,ballot,suara.1,suara.2\n"
    "kecamatan,35.17.01,ppwp,124,120\n"  # Perak: two sources agree on 99 and 120 at one TPS
    "kecamatan,35.17.02,ppwp,0,0\n"  # Gudo: nothing counted, nothing claimed
)


def test_a_recap_import_shows_the_inflated_kecamatan_on_the_dashboard(world: World):
    world.send("ptps", "t-ptps", form(VOTES))
    world.send("polisi", "t-polisi", form(VOTES))
    m = world.models()
    asyncio.run(m.go("dashboard"))
    d = m.dashboard
    assert d.recap == []
    assert d.zone == "WIB"
    assert asyncio.run(d.import_recap("dhasil-kec.csv", RECAP.encode("utf-8-sig"))) is True
    assert d.notice_id == "2 baris rekap diimpor."
    [bad] = d.inflated()
    assert (bad.code, bad.key, bad.recap, bad.tps_sum, bad.selisih) == (
        "35.17.01", "suara.1", 124, 99, 25)  # fmt: skip
    assert TPS not in bad.open_tps
    assert len(bad.open_tps) == bad.tps - 1
    assert d.recap[0] is bad  # flagged figures first
    fine = [r for r in d.recap if r.code == "35.17.01" and r.key == "suara.2"]
    assert fine[0].selisih == 0
    assert fine[0].flag is None


def test_a_bad_recap_file_says_which_row_and_keeps_nothing(world: World):
    m = world.models()
    asyncio.run(m.go("dashboard"))
    bad = "tingkat,kode,ballot,suara.1\nkecamatan,35.17.01,ppwp,10\nkota,35.17.02,ppwp,1\n"
    assert asyncio.run(m.dashboard.import_recap("x.csv", bad.encode())) is False
    assert "Baris 3" in m.dashboard.error("id")
    asyncio.run(m.dashboard.load())
    assert m.dashboard.recap == []


def test_each_source_s_form_checks_show_on_the_tps_worst_first(world: World):
    world.send("ptps", "t-ptps", form(VOTES, ss_diterima=305, alasan="KPPS hitung ulang"))
    world.send("polisi", "t-polisi", form(VOTES, ss_diterima=270, ss_sisa=0))
    m = world.models()
    asyncio.run(m.open_tps(TPS, "ppwp"))
    found = m.comparison.findings()
    severities = [f.severity for _, f in found]
    assert severities == sorted(severities, reverse=True)
    assert severities[0] == 3
    who, worst = found[0]
    assert who.name("id") == "Polisi"
    assert "Surat suara yang digunakan (II.2: 271)" in worst.message_id
    reasons = [f.message_id for w, f in found if w.source == "ptps"]
    assert any("alasan saksi: KPPS hitung ulang" in r for r in reasons)


def test_a_reused_photo_opens_beside_the_other_tps_photo(world: World):
    """The PTPS's photo and, at another TPS, the police officer's smaller, re-encoded copy of
    the same sheet: each phone re-encodes its own (other files, other originals); the server's
    fingerprints still match them."""
    sheet = filled_sheet(3)
    shas = []
    for who, where, data in (
        ("ptps", TPS, jpeg(sheet, 90)),
        ("polisi", TPS[:-3] + "002", jpeg(sheet.resize((800, 600)), 60)),
    ):
        store = world.device(who)
        sha = add_photo(store, data)
        store.save(f"t-{who}", "tally", where, form(VOTES, photos=[sha]))
        world.sync(store)
        shas.append(sha)
    m = world.models()
    asyncio.run(m.open_tps(TPS, "ppwp"))
    assert m.comparison.doc is not None
    [flag] = [f for f in m.comparison.doc.flags if f.rule == "photo_reused"]
    assert flag.photos == shas
    assert "lembar yang sama" in flag.message_id
    asyncio.run(m.comparison.compare_photos(*flag.photos))
    assert [hashlib.sha256(x).hexdigest() for x in (m.comparison.photo, m.comparison.other)] == shas
    m.comparison.close_photo()
    assert (m.comparison.photo_sha, m.comparison.other_sha) == ("", "")
    # the PTPS's thumbnail heads its column; opened large, the dialog says whose it is
    assert set(m.comparison.thumbs) == {shas[0]}
    asyncio.run(m.comparison.show_photo(shas[0]))
    assert m.comparison.photo_source("id") == "PTPS"
    assert hashlib.sha256(m.comparison.photo).hexdigest() == shas[0]
