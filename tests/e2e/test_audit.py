"""The skeptical auditor's walk (issue 10), through a real server process on loopback: forms
pushed as each role, then read as a supervisor. Every situation that used to be counted with
no flag is now refused or flagged, and kept out of the totals; the recap shows its selisih."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from core import signing
from core.registry import build
from sync_server.admin import accounts
from sync_server.settings import wall_ms
from sync_server.store.sqlite import SqliteStore
from tests.photos import filled_sheet, jpeg
from tests.server.conftest import Device
from tests.server.recon_helpers import VOTES, form
from tests.server.test_blobs import upload
from tests.server.test_kill9 import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PERAK, GUDO = "3517012001", "3517022001"
REGION = [
    {"kode": "35.17", "nama": "Kabupaten Jombang"},
    {"kode": "35.17.01", "nama": "Perak"},
    {"kode": "35.17.01.2001", "nama": "Jantiganggong", "nama_kecamatan": "Perak",
     "tps_reguler_pemilu2024": "8"},
    {"kode": "35.17.02", "nama": "Gudo"},
    {"kode": "35.17.02.2001", "nama": "Pucangro", "nama_kecamatan": "Gudo",
     "tps_reguler_pemilu2024": "2"},
]  # fmt: skip
V8 = {"1": 60, "2": 100, "3": 50}  # TPS 008: DPT 250
DPR = {"1": 40, "1.1": 12, "1.2": 5, "2": 55, "3": 20}


def tps(desa: str, n: int) -> str:
    return f"{desa}{n:03d}"


@dataclass
class Stack:
    url: str
    db: Path
    devices: dict[str, Device]
    http: httpx.Client


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    db = tmp_path / "server.db"
    store = SqliteStore(db)
    store.migrate()
    store.replace_region(build(REGION))
    made = []
    for role, party in (("ptps", None), ("polisi", None), ("saksi", 1), ("supervisor", None)):
        user = accounts.create_user(store, f"Uji {role}", role, ["35.17"], party)
        key = signing.new_private_key()
        device, token = accounts.add_device(
            store, user.id, role, wall_ms(), signing.public_key_of(key)
        )
        made.append((role, device.id, token, user.id, key))
    store.close()
    port = free_port()
    env = {**os.environ, "PANTAU_DB_PATH": str(db), "PANTAU_BLOB_DIR": str(tmp_path / "blobs"),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    args = ["-m", "uvicorn", "--factory", "sync_server.main:app_from_env",
            "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    http = httpx.Client(base_url=url, timeout=30)
    try:
        _wait(http, proc)
        devices = {role: Device(http, d, tok, u, k) for role, d, tok, u, k in made}  # type: ignore[arg-type]
        yield Stack(url, db, devices, http)
    finally:
        http.close()
        proc.terminate()
        proc.wait(10)


def _wait(http: httpx.Client, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited during start"
        try:
            if http.get("/v1/health").status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server did not answer in 30 s")


def push(dev: Device, rid: str, where: str, fields: dict[str, Any]) -> dict[str, Any]:
    r = dev.push(dev.op(rid, fields, tps=where))
    assert r.status_code == 200, r.text
    return dict(r.json()["results"][0])


def both(s: Stack, where: str, fields: dict[str, Any], ballot: str = "ppwp") -> None:
    """The PTPS and the police send the same form: two independent sources agree."""
    for role in ("ptps", "polisi"):
        result = push(s.devices[role], f"{role}-{where}-{ballot}", where, fields)
        assert result["status"] == "applied", result


def review(s: Stack, path: str, **params: Any) -> Any:
    r = s.http.get(f"/v1/review{path}", params=params, headers=s.devices["supervisor"].headers)
    assert r.status_code == 200, r.text
    return r.json()


def flags_of(s: Stack, where: str, ballot: str = "ppwp") -> dict[str, dict[str, Any]]:
    """The first flag of each rule, its messages joined (a rule may flag several fields)."""
    out: dict[str, dict[str, Any]] = {}
    for f in review(s, f"/tps/{where}/{ballot}")["flags"]:
        held = out.setdefault(f["rule"], {**f, "message_id": ""})
        held["message_id"] += f["message_id"] + "\n"
    return out


def seed(s: Stack) -> None:
    both(s, tps(PERAK, 1), form(VOTES))  # the one good TPS
    both(s, tps(PERAK, 4), form(VOTES, ss_diterima=270, ss_sisa=0))  # used 271 > received 270
    both(s, tps(PERAK, 5), form(VOTES, disabilitas_l=140, disabilitas_p=0, disabilitas_j=140))
    big = form(VOTES, dpt=320, ss_sisa=55)  # DPT above the cap of 300
    both(s, tps(PERAK, 6), big)
    paper = form(VOTES, suara_total=272, tertulis_demikian=True, photos=["ab" * 32],
                 alasan="V.C di C.Hasil plano memang tertulis 272")  # fmt: skip
    both(s, tps(PERAK, 7), paper)
    reserve = form(V8, dpt=250, ss_diterima=260, ss_sisa=48,
                   alasan="KPPS menerima 5 lembar tambahan dari PPS")  # fmt: skip
    both(s, tps(PERAK, 8), reserve)
    both(s, tps(PERAK, 1), form(DPR, ballot="dpr_ri", jumlah_partai={"1": 58, "2": 55}),
         ballot="dpr_ri")  # fmt: skip


def test_incomplete_final_is_refused_naming_what_is_missing(stack):
    result = push(
        stack.devices["ptps"],
        "sparse",
        tps(PERAK, 2),
        {"ballot": "ppwp", "status": "final", "suara": {"1": 500}, "suara_sah": 500},
    )
    assert result["status"] == "rejected"
    assert result["code"] == "incomplete_final"
    assert "I.A (L)" in result["reason"]
    assert "IV no. 2" in result["reason"]
    assert "fill in" in result["reason_en"]
    draft = push(
        stack.devices["ptps"],
        "sparse",
        tps(PERAK, 2),
        {"ballot": "ppwp", "status": "draft", "suara": {"1": 500}},
    )
    assert draft["status"] == "applied"  # a draft may be partial (it never leaves the phone)
    assert review(stack, f"/tps/{tps(PERAK, 2)}/ppwp")["status"] == "no_data"


def test_every_bad_form_is_flagged_and_kept_out_of_the_totals(stack):
    seed(stack)
    cases = {
        4: ("impossible", "Surat suara yang digunakan (II.2: 271) lebih banyak"),
        5: ("impossible", "Pemilih disabilitas (III (L): 140) lebih banyak"),
        6: ("impossible", "I.A (J) (320) melebihi batas per TPS (300;"),
        7: ("as_written", "tertulis di formulir demikian; alasan: V.C di C.Hasil plano"),
    }
    for n, (rule, words) in cases.items():
        found = flags_of(stack, tps(PERAK, n))
        assert rule in found, (n, list(found))
        assert found[rule]["severity"] == 3, (n, found[rule])
        assert words in found[rule]["message_id"], found[rule]["message_id"]
    party = flags_of(stack, tps(PERAK, 1), "dpr_ri")["identity"]
    assert "Jumlah suara partai 1 harus = suara partai + suara calonnya (40 + 12 + 5 = 57), " \
           "tertulis 58" in party["message_id"]  # fmt: skip
    warning = flags_of(stack, tps(PERAK, 8))["form_warning"]
    assert warning["severity"] == 1
    assert "alasan saksi: KPPS menerima 5 lembar" in (warning["message_id"])
    kab = review(stack, "/totals", level="kabupaten", ballot="ppwp")["rows"][0]
    assert kab["values"]["suara.1"] == 99 + 60  # TPS 001 and 008 only
    assert kab["values"]["dpt_j"] == 300 + 250
    dpr = review(stack, "/totals", level="kabupaten", ballot="dpr_ri")["rows"][0]
    assert dpr["values"] == {}


def test_findings_show_per_source_in_comparison_queue_and_export(stack):
    seed(stack)
    doc = review(stack, f"/tps/{tps(PERAK, 4)}/ppwp")
    for source in doc["sources"]:
        levels = [f["severity"] for f in source["findings"]]
        assert levels == sorted(levels, reverse=True)
        assert levels[0] == 3
        assert any(f["rule"] == "used_le_received" for f in source["findings"])
    queue = review(stack, "/queue", flag="impossible")
    assert {i["tps"] for i in queue["items"]} == {tps(PERAK, n) for n in (4, 5, 6)}
    text = stack.http.get(
        "/v1/review/export/reconciliation", headers=stack.devices["supervisor"].headers
    ).content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["ID TPS"] == tps(PERAK, 4)]
    assert rows
    assert "[tinggi] PTPS: Surat suara yang digunakan" in rows[0]["Temuan pemeriksaan per sumber"]


def test_a_field_one_source_gave_is_not_agreed_nor_counted(stack):
    """The official figure carries only the votes: the TPS-ballot is partly one source; the
    votes count, the numbers only the PTPS gave do not."""
    where = tps(PERAK, 3)
    assert push(stack.devices["ptps"], "p3", where, form(VOTES))["status"] == "applied"
    official = stack.db.parent / "kpu.csv"
    official.write_text(
        f"tps,ballot,suara.1,suara.2,suara.3,suara_sah\n{where},ppwp,99,120,50,269\n"
    )
    subprocess.run([sys.executable, "-m", "sync_server.admin.cli", "import-official",
                    str(official), "--db", str(stack.db)], cwd=ROOT, check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    doc = review(stack, f"/tps/{where}/ppwp")
    assert doc["status"] == "partial"
    states = {f["field"]: f["state"] for f in doc["fields"]}
    assert states["suara.1"] == "agree"
    assert states["dpt_j"] == "single"
    assert doc["coverage"]["single"] == len(doc["fields"]) - 4
    kab = review(stack, "/totals", level="kabupaten", ballot="ppwp")["rows"][0]
    assert kab["values"] == {"suara.1": 99, "suara.2": 120, "suara.3": 50, "suara_sah": 269}
    assert kab["single_fields"] == doc["coverage"]["single"]


def test_one_sheet_photographed_for_two_tps_is_flagged(stack):
    sheet = filled_sheet(5)
    first, copy = jpeg(sheet, 92), jpeg(sheet.crop((50, 40, 1550, 1160)).resize((1000, 746)), 60)
    a, b = tps(GUDO, 1), tps(GUDO, 2)
    for where, data in ((a, first), (b, copy)):
        both(stack, where, form(VOTES, photos=[hashlib.sha256(data).hexdigest()]))
        upload(stack.devices["ptps"], data)
    for where in (a, b):
        assert flags_of(stack, where)["photo_reused"]["severity"] == 3
    gudo = review(stack, "/totals", level="kecamatan", ballot="ppwp")["rows"]
    assert [r["values"] for r in gudo if r["code"] == "35.17.02"] == [{}]


def test_recap_above_its_tps_is_flagged_with_the_open_tps(stack):
    seed(stack)
    text = ("tingkat,kode,ballot,suara.1,suara.2\n"
            "kecamatan,35.17.01,ppwp,209,220\n"  # counted: 99 + 60 = 159 and 120 + 100 = 220
            "desa,35.17.02.2001,ppwp,0,0\n")  # fmt: skip
    r = stack.http.post("/v1/review/recap", json={"name": "dhasil.csv", "csv": text},
                        headers=stack.devices["supervisor"].headers)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json() == {"rows": 2}
    rows = review(stack, "/recap", ballot="ppwp")["rows"]
    top = rows[0]
    assert (top["code"], top["key"], top["recap"], top["tps_sum"], top["selisih"]) == (
        "35.17.01",
        "suara.1",
        209,
        159,
        50,
    )
    assert "kemungkinan penggelembungan" in top["flag"]["message_id"]
    assert tps(PERAK, 4) in top["open_tps"]
    assert tps(PERAK, 1) not in top["open_tps"]
    assert [x["flag"] for x in rows[1:]] == [None, None, None]
    bad = stack.http.post("/v1/review/recap", json={"name": "x.csv",
                          "csv": "tingkat,kode,ballot,suara.1\nkecamatan,35.17.99,ppwp,1\n"},
                          headers=stack.devices["supervisor"].headers)  # fmt: skip
    assert bad.status_code == 422
    assert "Baris 2" in bad.text
