"""Who reads and writes what: party witnesses apart, TPS scope, supervisors over a region."""

from __future__ import annotations

import pytest

from tests.server.conftest import TPS, TPS_2, TPS_GUDO, MakeDevice


def ids(device) -> set[str]:
    res = device.pull()
    assert res.status_code == 200, res.text
    return {r["id"] for r in res.json()["records"]}


@pytest.fixture
def tps_people(make_device: MakeDevice):
    """Two party witnesses, a PTPS and a police officer at TPS, each with one tally."""
    people = {
        "pkb": make_device("saksi", party=1),
        "gerindra": make_device("saksi", party=2),
        "ptps": make_device("ptps"),
        "polisi": make_device("polisi", scope=["35.17.01.2001"]),
    }
    for name, device in people.items():
        res = device.push(device.op(f"tally-{name}", {"suara_sah": 100}))
        assert res.json()["results"][0]["status"] == "applied", res.text
    return people


def test_a_saksi_pulls_only_their_own_records(tps_people):
    assert ids(tps_people["pkb"]) == {"tally-pkb"}
    assert ids(tps_people["gerindra"]) == {"tally-gerindra"}


def test_ptps_and_police_see_each_other_but_no_party_witness(tps_people):
    assert ids(tps_people["ptps"]) == {"tally-ptps", "tally-polisi"}
    assert ids(tps_people["polisi"]) == {"tally-ptps", "tally-polisi"}


def test_a_supervisor_reads_the_whole_region_and_not_beyond(tps_people, make_device):
    gudo = make_device("ptps", scope=[TPS_GUDO])
    gudo.push(gudo.op("tally-gudo", {"suara_sah": 1}, tps=TPS_GUDO))
    kabupaten = make_device("supervisor", scope=["35.17"])
    assert ids(kabupaten) == {*(f"tally-{n}" for n in tps_people), "tally-gudo"}
    perak = make_device("supervisor", scope=["35.17.01"])
    assert "tally-gudo" not in ids(perak)
    assert "tally-pkb" in ids(perak)


def test_a_saksi_cannot_change_another_partys_record(tps_people, store):
    pkb = tps_people["pkb"]
    res = pkb.push(pkb.op("tally-gerindra", {"suara_sah": 1})).json()["results"][0]
    assert (res["status"], res["code"]) == ("rejected", "forbidden")
    assert store.get_record("tally-gerindra").fields["suara_sah"] == 100


def test_a_saksi_cannot_write_outside_their_tps(make_device: MakeDevice, store):
    pkb = make_device("saksi", party=1)
    res = pkb.push(pkb.op("t", {"suara_sah": 1}, tps=TPS_2)).json()["results"][0]
    assert (res["status"], res["code"]) == ("rejected", "forbidden")
    assert "TPS" in res["reason"]
    assert store.get_record("t") is None


def test_nobody_changes_evidence_they_did_not_write(tps_people, make_device, store):
    boss = make_device("supervisor", scope=["35.17"])
    res = boss.push(boss.op("tally-ptps", {"suara_sah": 1})).json()["results"][0]
    assert res["code"] == "forbidden"
    police = tps_people["polisi"]
    res = police.push(police.op("tally-ptps", {"suara_sah": 1})).json()["results"][0]
    assert res["code"] == "forbidden"
    assert store.get_record("tally-ptps").fields == {"suara_sah": 100}


def test_a_supervisor_changes_only_the_workflow_of_an_incident(tps_people, make_device, store):
    pkb = tps_people["pkb"]
    pkb.push(pkb.op("inc", {"jenis": "laporan", "kategori": "politik_uang"}, kind="incident"))
    boss = make_device("supervisor", scope=["35.17"])
    ok = boss.op("inc", {"proses": "kajian", "komentar": ["dicek"]}, kind="incident")
    bad = boss.op("inc", {"kategori": "intimidasi"}, kind="incident")
    results = boss.push(ok, bad).json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    record = store.get_record("inc")
    assert record.author == pkb.user_id
    assert record.fields["kategori"] == "politik_uang"
    assert record.fields["proses"] == "kajian"


def test_supervisors_write_verifications_and_saksi_do_not(make_device: MakeDevice):
    boss = make_device("supervisor", scope=["35.17"])
    res = boss.push(boss.op("v1", {"alasan": "cocok dengan foto"}, kind="verification"))
    assert res.json()["results"][0]["status"] == "applied"
    pkb = make_device("saksi", party=1)
    res = pkb.push(pkb.op("v2", {"alasan": "x"}, kind="verification")).json()["results"][0]
    assert res["code"] == "forbidden"


def test_conflicts_are_listed_only_to_readers_of_the_record(make_device: MakeDevice, client):
    pkb = make_device("saksi", party=1)
    pkb2 = make_device(user_id=pkb.user_id)
    pkb.push(pkb.op("t", {"suara_sah": 1}))
    base = pkb.pull().json()["records"][0]["stamps"]
    pkb.push(pkb.op("t", {"suara_sah": 2}, base=base))
    pkb2.push(pkb2.op("t", {"suara_sah": 3}, base=base, hlc=pkb.op("x", {})["hlc"] + 5))
    gerindra = make_device("saksi", party=2)
    boss = make_device("supervisor", scope=["35.17"])
    assert len(client.get("/v1/conflicts", headers=pkb.headers).json()) == 1
    assert len(client.get("/v1/conflicts", headers=boss.headers).json()) == 1
    assert client.get("/v1/conflicts", headers=gerindra.headers).json() == []


def test_a_record_id_taken_by_another_user_cannot_be_hijacked(make_device: MakeDevice, store):
    ptps = make_device("ptps")
    ptps.push(ptps.op("shared-id", {"suara_sah": 5}, tps=TPS))
    pkb = make_device("saksi", party=1)
    res = pkb.push(pkb.op("shared-id", {"suara_sah": 6})).json()["results"][0]
    assert res["code"] == "forbidden"
    assert store.get_record("shared-id").author == ptps.user_id
