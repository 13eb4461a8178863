"""Exports read back with the library that wrote them; official-figure import, all or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from sync_server.admin.cli import cli
from sync_server.store.blob_base import BlobRow
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import TPS, TPS_GUDO, MakeDevice
from tests.server.recon_helpers import SHA_A, SHA_B, VOTES, form, reconciled, send


@pytest.fixture
def sup(make_device: MakeDevice):
    ptps, polisi = make_device("ptps"), make_device("polisi")
    send(ptps, "t1", form(VOTES, photos=[SHA_A, SHA_B]))
    send(polisi, "t2", form(VOTES, suara={**VOTES, "1": 44}))
    send(ptps, "i1", {"jenis": "laporan", "kategori": "politik_uang", "tps": TPS,
                      "uraian": "Amplop dibagikan", "bukti": [SHA_A]}, kind="incident")  # fmt: skip
    return make_device("supervisor", scope=["35.17"])


def _get(sup, path, **params):
    res = sup.client.get(path, params=params, headers=sup.headers)
    assert res.status_code == 200, res.text
    return res


@pytest.mark.parametrize("table", ["tallies", "reconciliation", "incidents"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_csv_and_xlsx_read_back(sup, table, lang):
    raw = _get(sup, f"/v1/review/export/{table}", format="csv", lang=lang).content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(
        io.BytesIO(_get(sup, f"/v1/review/export/{table}", format="xlsx", lang=lang).content)
    )
    sheet = [[("" if v is None else v) for v in r] for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == sheet[0]
    assert len(rows) == len(sheet) > 1
    first = {"tallies": ("ID TPS", "Polling station id"), "reconciliation": ("ID TPS", "Polling station id"),
             "incidents": ("ID kejadian", "Incident id")}[table]  # fmt: skip
    assert rows[0][0] == first[lang == "en"]
    sheets = {"tallies": ("C.Hasil", "Tallies"), "reconciliation": ("Rekonsiliasi", "Reconciliation"),
              "incidents": ("Kejadian", "Incidents")}[table]  # fmt: skip
    assert book.active.title == sheets[lang == "en"]
    assert not any("[" in h for h in rows[0])  # no internal keys in the headers


def test_tally_export_has_every_number(sup):
    raw = _get(sup, "/v1/review/export/tallies").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    by_source = {r["Sumber"]: r for r in rows}
    assert by_source["PTPS"]["IV no. 1"] == "99"
    assert by_source["Polisi"]["IV no. 1"] == "44"
    assert by_source["PTPS"]["Kecamatan"] == "Perak"
    assert by_source["PTPS"]["Surat suara"] == "Presiden dan Wakil Presiden (PPWP)"
    head = list(rows[0])
    assert head.index("I.A (L)") < head.index("IV no. 1") < head.index("V.A")  # form order


def test_reconciliation_export_marks_the_conflict(sup):
    raw = _get(sup, "/v1/review/export/reconciliation", lang="en").content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(raw)) if r["State"] == "differ"]
    assert [r["Field"] for r in rows] == ["IV no. 1"]
    assert "Police=44" in rows[0]["Value per source"]
    assert rows[0]["Ballot"] == "President and Vice President (PPWP)"


def test_geojson_has_every_tps_with_demo_positions(sup):
    data = json.loads(_get(sup, "/v1/review/export/geojson").content)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 5
    by_tps = {f["properties"]["tps"]: f for f in data["features"]}
    p = by_tps[TPS]["properties"]
    assert p["status_code"] == "conflict"
    assert p["status"] == "Sumber berbeda"  # words where a person reads
    assert p["sources"] == 2
    assert p["demo_position"] is True
    lon, lat = by_tps[TPS]["geometry"]["coordinates"]
    assert abs(lat - -7.57506) < 0.05
    assert abs(lon - 112.17283) < 0.05
    again = json.loads(_get(sup, "/v1/review/export/geojson").content)
    assert again == data  # deterministic


def test_geojson_uses_a_location_record(sup):
    send(sup, "loc1", {"tps": TPS_GUDO, "lat": -7.6, "lon": 112.2}, kind="location", tps=TPS_GUDO)
    data = json.loads(_get(sup, "/v1/review/export/geojson").content)
    f = next(f for f in data["features"] if f["properties"]["tps"] == TPS_GUDO)
    assert f["geometry"]["coordinates"] == [112.2, -7.6]
    assert f["properties"]["demo_position"] is False


def test_evidence_bundle_for_a_tps(sup, settings):
    photo = b"\xff\xd8 fake jpeg"
    sha = hashlib.sha256(photo).hexdigest()
    send(sup, "v1", {"tps": TPS, "ballot": "ppwp", "nilai": {"suara.1": 99}, "photos": [sha],
                     "alasan": "Plano 99"}, kind="verification")  # fmt: skip
    (settings.blob_dir / sha[:2]).mkdir(parents=True)
    (settings.blob_dir / sha[:2] / sha).write_bytes(photo)
    s = SqliteStore(settings.db_path)  # uploaded by the supervisor's device (issue 11: only
    s.blobs().put_blob(BlobRow(sha, len(photo), "image/jpeg", sup.id, 0, 0, True))  # its
    s.close()  # uploader's records put a photo in a bundle)
    z = zipfile.ZipFile(io.BytesIO(_get(sup, f"/v1/review/evidence/tps/{TPS}").content))
    manifest = json.loads(z.read("manifest.json"))
    names = {f["name"] for f in manifest["files"]}
    assert {"records.json", "history.json", "reconciliation.json", f"photos/{sha}.jpg"} <= names
    for f in manifest["files"]:
        assert hashlib.sha256(z.read(f["name"])).hexdigest() == f["sha256"]
    assert set(manifest["photos_missing"]) == {SHA_A, SHA_B}
    history = json.loads(z.read("history.json"))
    assert json.loads(z.read("reconciliation.json"))["ppwp"]["status"] == "verified"
    for entries in history.values():  # every link checks out from the bundle alone
        for e in entries:
            digest = hashlib.sha256((e["prev_hash"] + e["entry_json"]).encode()).hexdigest()
            assert digest == e["hash"]
            assert json.loads(e["entry_json"])["record_id"] in history
    assert history["t1"]
    assert "how_to_check" in manifest


def test_evidence_bundle_for_an_incident(sup):
    z = zipfile.ZipFile(io.BytesIO(_get(sup, "/v1/review/evidence/incident/i1").content))
    [record] = json.loads(z.read("records.json"))
    assert record["fields"]["uraian"] == "Amplop dibagikan"
    assert json.loads(z.read("manifest.json"))["subject"] == {"incident": "i1", "tps": TPS}
    assert sup.client.get("/v1/review/evidence/incident/t1", headers=sup.headers).status_code == 404


@pytest.mark.usefixtures("client")
def test_import_official_cli(tmp_path, settings, store: SqliteStore):
    good = tmp_path / "kpu.csv"
    good.write_text(
        f"tps,ballot,suara.1,suara.2,suara_sah\n{TPS},ppwp,99,120,219\n", encoding="utf-8"
    )
    run = CliRunner().invoke(cli, ["import-official", str(good), "--db", str(settings.db_path)])
    assert run.exit_code == 0, run.output
    state = reconciled(store).get_state(TPS, "ppwp")
    assert state is not None
    assert state.doc["sources"][0]["source"] == "resmi"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"tps,ballot,suara.1\n{TPS},ppwp,99\n{TPS},ppwp,98\n", "Baris 3: TPS"),
        (f"tps,ballot,suara.1\n{TPS},ppwp,99\n3517012001009,ppwp,1\n", "Baris 3: TPS 3517012001009 tidak terdaftar"),
        (f"tps,ballot,suara.1\n{TPS},ppwp,sembilan\n", "Baris 2: suara.1 = 'sembilan' bukan angka"),
        (f"tps,ballot,warna\n{TPS},ppwp,merah\n", "Baris 2: kolom 'warna' tidak dikenal"),
        (f"tps,ballot,suara.1\n{TPS},pilkada,1\n", "Baris 2: surat suara 'pilkada' tidak dikenal"),
    ],
)  # fmt: skip
def test_import_official_all_or_nothing(tmp_path, settings, store: SqliteStore, text, words):
    bad = tmp_path / "kpu.csv"
    bad.write_text(text, encoding="utf-8")
    run = CliRunner().invoke(cli, ["import-official", str(bad), "--db", str(settings.db_path)])
    assert run.exit_code == 1, run.output
    assert words in run.output, run.output
    assert store.recon().official_keys() == []


@pytest.mark.usefixtures("client")
def test_import_official_json(tmp_path, settings, store: SqliteStore):
    f = tmp_path / "kpu.json"
    f.write_text(json.dumps([{"tps": TPS, "ballot": "ppwp", "suara": {"1": 99}, "suara_sah": 99}]))
    run = CliRunner().invoke(cli, ["import-official", str(f), "--db", str(settings.db_path)])
    assert run.exit_code == 0, run.output
    assert store.recon().get_official(TPS, "ppwp").fields == {"suara": {"1": 99}, "suara_sah": 99}


def test_party_totals_are_columns_after_their_candidates():
    from sync_server.review.exports import _number_columns

    keys = {"suara.2", "jumlah_partai.1", "suara.1.1", "suara.1", "jumlah_partai.2", "suara.1.2"}
    votes = [c[0] for c in _number_columns(keys) if c[0] in keys]
    assert votes == ["suara.1", "suara.1.1", "suara.1.2", "jumlah_partai.1", "suara.2",
                     "jumlah_partai.2"]  # fmt: skip
