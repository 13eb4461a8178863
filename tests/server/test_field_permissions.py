"""The field x role table (scope.FIELD_RULES) walked in full on push, the incident workflow
case from issue 11 point 4, and no leak about a record one may not read (point 6)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from core.records import KINDS, pembuat
from sync_server.store.models import ROLES
from sync_server.sync.scope import CREATE_KINDS, FIELD_RULES
from tests.server.conftest import TPS, TPS_GUDO, MakeDevice

SHA = "c" * 64
SAMPLES: dict[str, dict[str, Any]] = {
    "tally": {
        **{f"{row}_{col}": 1 for row in ("dpt", "pemilih_dpt", "pemilih_dptb", "pemilih_dpk",
                                         "pengguna_hak_pilih", "disabilitas")
           for col in ("l", "p", "j")},
        **{n: 1 for n in ("ss_diterima", "ss_digunakan", "ss_rusak", "ss_sisa", "suara_sah",
                          "suara_tidak_sah", "suara_total")},
        "tps": TPS, "pemilu": "pemilu2024", "ballot": "ppwp", "suara": {"1": 1},
        "photos": [SHA], "status": "draft", "alasan": "x", "catatan": "x", "deleted": False,
        "jumlah_partai": {"1": 1}, "tertulis_demikian": False,
    },
    "incident": {
        "jenis": "laporan", "kategori": "lainnya", "jalur": "pidana", "waktu": "13:00",
        "tps": TPS, "tempat": "x", "lat": -7.5, "lon": 112.2, "uraian": "x",
        "pelapor_nama": "x", "pelapor_alamat": "x", "terlapor": "x", "saksi": ["x"],
        "bukti": [SHA], "tingkat": "rendah", "status": "draft", "proses": "kajian",
        "diteruskan_ke": "kpu", "ditugaskan": "x", "komentar": ["x"], "alasan": "x",
        "deleted": False, "pembuat": "(the writer's own card, see card())",
    },
    "assessment": {"tps": TPS, "pemilu": "pemilu2024", "indikator": {"x": True},
                   "catatan": {"x": "y"}, "status": "draft", "alasan": "x", "deleted": False,
                   "pembuat": "(the writer's own card, see card())"},
    "location": {"tps": TPS, "lat": -7.5, "lon": 112.2, "alamat": "x", "deleted": False},
    "verification": {"tps": TPS, "ballot": "ppwp", "nilai": {"suara_sah": 1}, "sumber": ["x"],
                     "photos": [SHA], "alasan": "x", "deleted": False},
}  # fmt: skip
_ids = itertools.count(1)


def card(role: str) -> dict[str, Any]:
    """The `pembuat` of a make_device user ("Uji <role>", a saksi of party 1)."""
    return pembuat(role, f"Uji {role}", 1 if role == "saksi" else None)


def test_the_table_covers_every_field_of_every_kind():
    assert set(SAMPLES) == set(KINDS)
    for kind, model in KINDS.items():
        assert set(SAMPLES[kind]) == set(model.model_fields), kind
        assert {k for k, _ in FIELD_RULES if k == kind}
        assert all((kind, name) in FIELD_RULES for name in model.model_fields)


def status(device, record_id: str, kind: str, fields: dict[str, Any], tps: str = TPS) -> str:
    res = device.push(device.op(record_id, fields, kind=kind, tps=tps))
    assert res.status_code == 200, res.text
    return str(res.json()["results"][0]["status"])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_field_for_every_role_on_push(make_device: MakeDevice, kind):
    people = {role: make_device(role, scope=[TPS] if role != "supervisor" else ["35.17"])
              for role in ROLES}  # fmt: skip
    author = next(people[r] for r in ("ptps", "supervisor") if kind in CREATE_KINDS[r])
    for name, sample in SAMPLES[kind].items():
        rule = FIELD_RULES[kind, name]
        for role, device in people.items():
            value = card(role) if name == "pembuat" else sample
            own = f"own-{next(_ids)}"
            if kind not in CREATE_KINDS[role]:
                assert status(device, own, kind, {"tps": TPS}) == "rejected"
                continue
            assert status(device, own, kind, {"tps": TPS}) == "applied", (kind, role)
            got = status(device, own, kind, {name: value})
            assert got == ("applied" if role in rule.own else "rejected"), (kind, name, role)
        for role, device in people.items():
            theirs = f"theirs-{next(_ids)}"
            assert status(author, theirs, kind, {"tps": TPS}) == "applied"
            if device is author:
                continue
            value = card(role) if name == "pembuat" else sample
            got = status(device, theirs, kind, {name: value})
            expect = "applied" if role in rule.others else "rejected"
            assert got == expect, (kind, name, role, "on another's record")


def test_a_saksi_cannot_prove_their_own_incident(make_device: MakeDevice, store):
    saksi = make_device("saksi", party=1)
    boss = make_device("supervisor", scope=["35.17"])
    report = {"jenis": "laporan", "kategori": "politik_uang", "tps": TPS, "uraian": "amplop"}
    assert status(saksi, "inc", "incident", report) == "applied"
    assert status(saksi, "inc", "incident", {"proses": "terbukti",
                                             "diteruskan_ke": "gakkumdu"}) == "rejected"  # fmt: skip
    assert status(boss, "inc", "incident", {"proses": "tidak_terbukti"}) == "applied"
    assert status(saksi, "inc", "incident", {"proses": "terbukti"}) == "rejected"
    assert status(saksi, "other", "incident", {**report, "proses": "terbukti"}) == "rejected"
    assert store.get_record("inc").fields["proses"] == "tidak_terbukti"
    assert store.get_record("other") is None


@pytest.mark.parametrize(("kind", "tps"), [("incident", TPS), ("tally", TPS_GUDO),
                                           ("incident", TPS_GUDO)])  # fmt: skip
def test_a_push_for_an_unreadable_record_says_nothing_about_it(make_device: MakeDevice, kind, tps):
    ptps = make_device("ptps", scope=["35.17"])
    secret = {"tps": "3517012001002"}
    assert status(ptps, "secret", "assessment", secret, tps="3517012001002") == "applied"
    saksi = make_device("saksi", party=1, scope=["35.17"])
    res = saksi.push(saksi.op("secret", {"tps": tps}, kind=kind, tps=tps)).json()["results"][0]
    assert (res["status"], res["code"]) == ("rejected", "forbidden")
    said = res["reason"] + res["reason_en"]
    assert "assessment" not in said
    assert "3517012001002" not in said


@pytest.mark.parametrize("kind", ["incident", "assessment"])
def test_pembuat_names_its_writer_and_a_reader_sees_it(make_device: MakeDevice, kind):
    """Who made a record travels with it (issue 14 point 3): the server takes only the
    writer's own role, name and party, and the police officer at the TPS reads it."""
    ptps = make_device("ptps")
    polisi = make_device("polisi")
    base = {"tps": TPS, "status": "final"}
    for forged in (card("polisi"), {**card("ptps"), "nama": "Orang lain"},
                   {**card("ptps"), "partai": 2}):  # fmt: skip
        assert status(ptps, f"forged-{next(_ids)}", kind, {**base, "pembuat": forged}) == "rejected"
    res = ptps.push(ptps.op("made", {**base, "pembuat": card("ptps")}, kind=kind)).json()
    assert res["results"][0]["status"] == "applied"
    assert status(polisi, "made", kind, {"pembuat": card("polisi")}) == "rejected"
    pulled = {r["id"]: r for r in polisi.pull(0).json()["records"]}
    assert pulled["made"]["fields"]["pembuat"] == {"peran": "ptps", "nama": "Uji ptps"}
