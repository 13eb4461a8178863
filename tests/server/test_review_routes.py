"""The console endpoints: who may reach them, queue, comparison, verification, totals, incidents,
conflicts and deployment."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.hlc import pack
from tests.server.conftest import T0, TPS, TPS_2, TPS_GUDO, MakeDevice, app_of
from tests.server.recon_helpers import VOTES, form, send, verification

DAY = 86_400_000
PARAMS = {"tps": TPS, "ballot": "ppwp", "conflict_id": "1", "record_id": "i1",
          "table": "reconciliation"}  # fmt: skip
BODIES = {"/v1/review/conflicts/{conflict_id}/resolve": {"choice": "current", "alasan": "cek"}}


def review_routes(client: TestClient) -> list[tuple[str, str, str]]:
    """(method, path template, path) of every /v1/review route the app serves, read from its
    OpenAPI schema: a route added later is covered without editing this test."""
    out = []
    for template, ops in app_of(client).openapi()["paths"].items():
        if template.startswith("/v1/review"):
            out += [(m.upper(), template, template.format(**PARAMS)) for m in sorted(ops)]
    return out


def test_every_review_route_is_known_here(client: TestClient):
    """A sanity check on the route walk: the routes the audit named are among them."""
    paths = {(m, t) for m, t, _ in review_routes(client)}
    assert {("POST", "/v1/review/conflicts/{conflict_id}/resolve"),
            ("GET", "/v1/review/evidence/incident/{record_id}"),
            ("GET", "/v1/review/export/{table}"), ("GET", "/v1/review/queue"),
            ("GET", "/v1/review/export/geojson")} <= paths  # fmt: skip
    assert len(paths) >= 13


@pytest.mark.parametrize("role", ["saksi", "ptps", "polisi"])
def test_only_supervisor_or_admin(make_device: MakeDevice, client: TestClient, role: str):
    phone = make_device(role)
    send(phone, "i1", {"jenis": "laporan", "tps": TPS}, kind="incident")  # real ids in the paths
    for method, template, path in review_routes(client):
        for table in ("tallies", "reconciliation", "incidents") if "{table}" in template else ("",):
            url = path.replace("/reconciliation", f"/{table}") if table else path
            res = client.request(method, url, json=BODIES.get(template), headers=phone.headers)
            assert res.status_code == 403, (method, url, res.text)
            body = res.json()
            assert body["code"] == "reviewer_only", url
            assert role in body["message"], url


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisor_and_admin_get_in(make_device: MakeDevice, client: TestClient, role: str):
    ptps = make_device("ptps")
    send(ptps, "i1", {"jenis": "laporan", "tps": TPS}, kind="incident")
    boss = make_device(role, scope=["35.17"])
    for method, _template, path in review_routes(client):
        if method != "GET":
            continue
        res = boss.client.get(path, headers=boss.headers)
        assert res.status_code == 200, (path, res.text)


def test_no_token_is_401(client):
    assert client.get("/v1/review/queue").status_code == 401


def _conflicting_tps(make_device: MakeDevice) -> None:
    ptps, polisi = make_device("ptps", scope=[TPS, TPS_2]), make_device("polisi")
    send(ptps, "t1", form(VOTES))
    send(polisi, "t2", form(VOTES, suara={**VOTES, "1": 44}))
    send(ptps, "t3", form(VOTES), tps=TPS_2)  # one source: not in the queue


def test_conflict_tops_the_queue_then_verification_clears_it(make_device: MakeDevice):
    _conflicting_tps(make_device)
    sup = make_device("supervisor", scope=["35.17"])
    get = lambda p, **q: sup.client.get(p, params=q, headers=sup.headers).json()  # noqa: E731
    q = get("/v1/review/queue")
    top = q["items"][0]
    assert (top["tps"], top["ballot"], top["status"]) == (TPS, "ppwp", "conflict")
    assert "vote_conflict" in top["rules"]
    assert q["counts"]["queue"] == 1
    assert q["counts"]["by_status"] == {"conflict": 1, "one_source": 1}
    assert get("/v1/review/totals", level="kabupaten", ballot="ppwp")["rows"][0]["values"] == {}
    cmp = get(f"/v1/review/tps/{TPS}/ppwp")
    assert cmp["differences"] == ["suara.1"]
    assert [s["source"] for s in cmp["sources"]] == ["polisi", "ptps"]
    [entry] = cmp["history"]["t1"]
    assert entry["device_id"]
    assert entry["user_name"] == "Uji ptps"
    assert len(entry["hash"]) == 64
    send(sup, "v1", verification(nilai={"suara.1": 99}, sumber=["t1", "t2"], alasan="Plano: 99"),
         kind="verification")  # fmt: skip
    assert get("/v1/review/queue")["items"] == []
    [row] = get("/v1/review/totals", level="kabupaten", ballot="ppwp")["rows"]
    assert row["values"]["suara.1"] == 99
    assert row["verified"] == 1
    assert (row["tps"], row["decided"], row["conflict"], row["open"]) == (5, 1, 0, 4)


def test_queue_filters(make_device: MakeDevice):
    _conflicting_tps(make_device)
    sup = make_device("supervisor", scope=["35.17"])
    get = lambda **q: sup.client.get("/v1/review/queue", params=q, headers=sup.headers).json()  # noqa: E731
    assert len(get(kecamatan="35.17.01")["items"]) == 1
    assert get(kecamatan="35.17.02")["items"] == []
    assert get(ballot="dpr_ri")["items"] == []
    assert len(get(flag="vote_conflict")["items"]) == 1
    assert get(flag="photo_reused")["items"] == []


def test_scope_limits_what_a_supervisor_sees(make_device: MakeDevice):
    _conflicting_tps(make_device)
    gudo = make_device("supervisor", scope=["35.17.02"])
    res = gudo.client.get("/v1/review/queue", headers=gudo.headers).json()
    assert res["items"] == []
    res = gudo.client.get(f"/v1/review/tps/{TPS}/ppwp", headers=gudo.headers)
    assert res.status_code == 403
    assert res.json()["code"] == "out_of_scope"


def test_totals_equal_the_sum_of_their_tps(make_device: MakeDevice):
    ptps = make_device("ptps", scope=["35.17"])
    polisi = make_device("polisi", scope=["35.17"])
    votes = {TPS: {"1": 10, "2": 20, "3": 5}, TPS_2: {"1": 7, "2": 1, "3": 0},
             TPS_GUDO: {"1": 3, "2": 4, "3": 90}}  # fmt: skip
    for i, (tps, v) in enumerate(votes.items()):
        send(ptps, f"p{i}", form(v), tps=tps)
        send(polisi, f"q{i}", form(v), tps=tps)
    sup = make_device("supervisor", scope=["35.17"])

    def get(level: str) -> list[Any]:
        params = {"level": level, "ballot": "ppwp"}
        res = sup.client.get("/v1/review/totals", params=params, headers=sup.headers)
        rows: list[Any] = res.json()["rows"]
        return rows

    [kab] = get("kabupaten")
    for key in ("suara.1", "suara.2", "suara.3", "suara_sah"):
        assert kab["values"][key] == sum(r["values"][key] for r in get("kecamatan"))
        assert kab["values"][key] == sum(r["values"].get(key, 0) for r in get("desa"))
    assert kab["values"]["suara.3"] == 95
    perak = next(r for r in get("kecamatan") if r["code"] == "35.17.01")
    assert perak["values"]["suara.1"] == 17
    assert perak["name"] == "Perak"
    assert perak["open"] == 1


def test_incident_deadline_and_overdue(make_device: MakeDevice, wall):
    ptps = make_device("ptps")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "i1", {"jenis": "laporan", "kategori": "politik_uang", "tps": TPS, "tingkat": "sedang"},
         kind="incident")  # fmt: skip
    wall.ms = T0 + DAY
    send(sup, "i1", {"proses": "registrasi"}, kind="incident", hlc=pack(T0 + DAY, 0))
    wall.ms = T0 + 3 * DAY
    [row] = sup.client.get("/v1/review/incidents", headers=sup.headers).json()
    assert row["registered_ms"] == T0 + DAY
    assert row["deadline_ms"] == T0 + 8 * DAY
    assert not row["overdue"]
    assert row["days_left"] == 5
    assert row["deadline"].endswith("WIB")
    wall.ms = T0 + 9 * DAY
    q = sup.client.get("/v1/review/queue", headers=sup.headers).json()
    assert q["items"][0]["type"] == "incident"
    assert q["items"][0]["overdue"]
    assert q["counts"]["incidents_overdue"] == 1
    send(sup, "i1", {"proses": "diteruskan", "diteruskan_ke": "gakkumdu"}, kind="incident",
         hlc=pack(T0 + 9 * DAY, 0))  # fmt: skip
    [row] = sup.client.get("/v1/review/incidents", headers=sup.headers).json()
    assert not row["open"]
    assert not row["overdue"]


def _resolve(sup, cid: int, **body) -> Any:
    return sup.client.post(f"/v1/review/conflicts/{cid}/resolve", json=body, headers=sup.headers)


def test_resolve_a_conflict_by_picking_a_value(make_device: MakeDevice):
    ptps = make_device("ptps")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "i1", {"jenis": "temuan", "tps": TPS}, kind="incident")
    send(sup, "i1", {"ditugaskan": "Budi"}, kind="incident", hlc=pack(T0, 50))
    other = make_device("supervisor", scope=["35.17"], user_id=sup.user_id)  # a second laptop
    send(other, "i1", {"ditugaskan": "Sari"}, kind="incident", hlc=pack(T0, 60),
         base={"ditugaskan": None})  # fmt: skip
    h = sup.headers
    [c] = sup.client.get("/v1/review/conflicts", headers=h).json()
    assert (c["current_value"], c["incoming_value"], c["kind"]) == ("Budi", "Sari", "incident")
    res = _resolve(sup, c["id"], choice="current", alasan="Budi yang bertugas di lapangan")
    assert res.status_code == 200, res.text
    assert res.json()["resolved"]
    assert res.json()["value_now"] == "Budi"
    assert sup.client.get("/v1/review/conflicts", headers=h).json() == []
    got = sup.client.get("/v1/review/history/i1", headers=h).json()
    assert (got["kind"], got["tps"]) == ("incident", TPS)
    last = got["entries"][-1]
    assert last["kind"] == "conflict_resolution"
    assert last["user_name"] == "Uji supervisor"
    assert last["resolution"]["alasan"] == "Budi yang bertugas di lapangan"
    gudo = make_device("supervisor", scope=["35.17.02"])  # another kecamatan: not theirs
    res = gudo.client.get("/v1/review/history/i1", headers=gudo.headers)
    assert res.status_code == 404
    assert res.json()["code"] == "unknown_record"


def test_resolving_needs_a_reason_in_words(make_device: MakeDevice, store):
    ptps = make_device("ptps")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "i1", {"jenis": "temuan", "tps": TPS}, kind="incident")
    send(sup, "i1", {"ditugaskan": "Budi"}, kind="incident", hlc=pack(T0, 50))
    other = make_device("supervisor", scope=["35.17"], user_id=sup.user_id)  # a second laptop
    send(other, "i1", {"ditugaskan": "Sari"}, kind="incident", hlc=pack(T0, 60),
         base={"ditugaskan": None})  # fmt: skip
    [c] = sup.client.get("/v1/review/conflicts", headers=sup.headers).json()
    log_before = len(list(store.log_entries()))
    for body in ({"choice": "incoming"}, {"choice": "incoming", "alasan": "   "}):
        res = _resolve(sup, c["id"], **body)
        assert res.status_code == 422
        assert res.json()["code"] == "reason_required"
        assert res.json()["message"].startswith("Tulis alasan penyelesaian konflik")
    assert len(list(store.log_entries())) == log_before  # nothing written, still open
    assert len(sup.client.get("/v1/review/conflicts", headers=sup.headers).json()) == 1


def test_a_resolution_is_logged_with_who_when_why_even_when_nothing_changes(
    make_device: MakeDevice, store, wall
):
    """The PTPS edits its own final tally on two phones; the supervisor keeps the current value:
    no value is written, yet the change log, the conflict and the tally's history say who
    resolved which conflict, when and why."""
    ptps = make_device("ptps")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "t1", form(VOTES), hlc=pack(T0, 10))
    first = {"dpt_j": [pack(T0, 10), ptps.id]}  # both phones saw the first version
    send(ptps, "t1", {"dpt_j": 301}, hlc=pack(T0, 50), base=first)
    phone2 = make_device("ptps", user_id=ptps.user_id)
    send(phone2, "t1", {"dpt_j": 299}, hlc=pack(T0, 40), base=first)  # loses: a conflict
    [c] = sup.client.get("/v1/review/conflicts", headers=sup.headers).json()
    assert (c["current_value"], c["incoming_value"], c["value_now"]) == (301, 299, 301)
    log_before = [e.id for e in store.log_entries()]
    wall.ms = T0 + 3_600_000  # 14:00 WIB
    res = _resolve(sup, c["id"], choice="current", alasan="Plano: DPT 301")
    assert res.status_code == 200, res.text
    doc = res.json()
    assert doc["resolved"]
    assert doc["value_now"] == 301
    r = doc["resolution"]
    assert (r["user_name"], r["choice"], r["value"], r["alasan"], r["written"]) == (
        "Uji supervisor", "current", 301, "Plano: DPT 301", False
    )  # fmt: skip
    assert r["device_id"] == sup.id
    assert r["at"] == "2024-02-14 14:00 WIB"
    [entry] = [e.entry for e in store.log_entries() if e.id not in log_before]
    assert entry["kind"] == "conflict_resolution"
    assert entry["conflict_id"] == c["id"]
    assert (entry["record_id"], entry["field"], entry["user_id"]) == ("t1", "dpt_j", sup.user_id)
    from sync_server.sync.chain import verify_chain

    assert verify_chain(store.log_entries()) is None
    [shown] = sup.client.get("/v1/review/conflicts", params={"include_resolved": True},
                             headers=sup.headers).json()  # fmt: skip
    assert shown["resolution"]["alasan"] == "Plano: DPT 301"
    history = sup.client.get(f"/v1/review/tps/{TPS}/ppwp", headers=sup.headers).json()["history"]
    last = history["t1"][-1]
    assert last["kind"] == "conflict_resolution"
    assert last["user_name"] == "Uji supervisor"
    assert last["resolution"]["alasan"] == "Plano: DPT 301"
    assert last["resolution"]["conflict_id"] == c["id"]
    again = _resolve(sup, c["id"], choice="incoming", alasan="berubah pikiran")
    assert again.status_code == 409
    assert "sudah diselesaikan oleh Uji supervisor" in (again.json()["message"])


def test_resolving_someone_elses_tally_is_refused_in_words(make_device: MakeDevice, store):
    ptps = make_device("ptps")
    sup = make_device("supervisor", scope=["35.17"])
    send(ptps, "t1", {"ballot": "ppwp", "dpt_j": 1}, hlc=pack(T0, 50))
    phone2 = make_device("ptps", user_id=ptps.user_id)  # did not see the first value
    send(phone2, "t1", {"dpt_j": 2}, hlc=pack(T0, 60), base={"dpt_j": None})
    [c] = sup.client.get("/v1/review/conflicts", headers=sup.headers).json()
    log_before = len(list(store.log_entries()))
    res = _resolve(sup, c["id"], choice="merge", value=3, alasan="rata-rata")
    assert res.status_code == 403
    assert "pembuatnya" in res.json()["message"]
    assert len(list(store.log_entries())) == log_before  # refused: no resolution logged
    ok = _resolve(sup, c["id"], choice="incoming", alasan="Nilai terakhir PTPS benar")
    assert ok.status_code == 200
    assert ok.json()["resolved"]
    assert ok.json()["resolution"]["written"] is False  # 2 was already the current value


def test_deployment_plan(make_device: MakeDevice):
    sup = make_device("supervisor", scope=["35.17"])
    yes = {"e": True}  # history of violence: sangat rawan
    send(sup, "a1", {"tps": TPS, "indikator": yes, "status": "final"}, kind="assessment")
    send(
        sup, "a2", {"tps": TPS_2, "indikator": {"a": True, "b": True}}, kind="assessment", tps=TPS_2
    )
    res = sup.client.get(
        "/v1/review/deployment", params={"polisi": 4, "linmas": 100}, headers=sup.headers
    )
    plan = res.json()
    perak = next(k for k in plan["kecamatan"] if k["name"] == "Perak")
    assert perak["categories"] == {"kurang_rawan": 1, "rawan": 1, "sangat_rawan": 1, "khusus": 0}
    assert perak["belum_dinilai"] == 1
    # each TPS once: the assessed ones by category, the rest as not assessed
    assert perak["dinilai"] == {"kurang_rawan": 0, "rawan": 1, "sangat_rawan": 1, "khusus": 0}
    # 2-1-2 sangat rawan + 2-2-4 rawan + 2 per 8 kurang rawan (16 linmas per 8 TPS)
    assert (perak["polisi"], perak["linmas"]) == (2 + 2 + 2, 2 + 2 + 2)
    assert plan["total"]["polisi"] == 6 + 2
    assert plan["shortfall"]["polisi"] == 4


def test_reporting_progress_over_the_day_counts_each_tps_ballot_once(make_device: MakeDevice, wall):
    hour = 3_600_000
    ptps, polisi = make_device("ptps", scope=[TPS, TPS_2, TPS_GUDO]), make_device("polisi")
    wall.ms = T0  # 13:00 WIB on election day
    send(ptps, "t1", form(VOTES), hlc=pack(wall.ms))
    send(polisi, "t2", form(VOTES), hlc=pack(wall.ms + 60_000))  # the same TPS-ballot
    wall.ms = T0 + 2 * hour  # 15:00 WIB
    send(ptps, "t3", form(VOTES), tps=TPS_2, hlc=pack(wall.ms))
    send(ptps, "t4", {**form(VOTES), "status": "draft"}, tps=TPS_GUDO, hlc=pack(wall.ms))
    sup = make_device("supervisor", scope=["35.17"])
    got = sup.client.get("/v1/review/progress", params={"ballot": "ppwp"}, headers=sup.headers)
    body = got.json()
    assert [(h["hour"][11:16], h["new"], h["reported"]) for h in body["hours"]] == [
        ("13:00", 1, 1),
        ("15:00", 1, 2),
    ]
    assert body["reported"] == 2
    assert body["tps"] == 5


def test_queue_pages_sorts_and_filters_by_status(make_device: MakeDevice):
    ptps = make_device("ptps", scope=["35.17"])
    polisi = make_device("polisi", scope=["35.17"])
    for i, tps in enumerate((TPS, TPS_2, TPS_GUDO)):
        send(ptps, f"p{i}", form(VOTES), tps=tps)
        send(polisi, f"q{i}", form(VOTES, suara={**VOTES, "2": 100 + i}), tps=tps)
    send(ptps, "i1", {"jenis": "laporan", "tps": TPS, "tingkat": "rendah"}, kind="incident")
    sup = make_device("supervisor", scope=["35.17"])
    get = lambda **q: sup.client.get("/v1/review/queue", params=q, headers=sup.headers).json()  # noqa: E731
    whole = get()
    assert whole["total"] == 4
    assert len(whole["items"]) == 4
    assert [i["type"] for i in whole["items"]] == ["tps", "tps", "tps", "incident"]
    pages = [get(limit=3, offset=0), get(limit=3, offset=3)]
    assert [len(p["items"]) for p in pages] == [3, 1]
    assert {p["total"] for p in pages} == {4}
    assert pages[0]["items"] + pages[1]["items"] == whole["items"]
    assert pages[1]["offset"] == 3
    assert pages[1]["counts"] == whole["counts"]
    assert [i["tps"] for i in get(status="conflict", sort="tps", desc=True)["items"]] == [
        TPS_GUDO, TPS_2, TPS
    ]  # fmt: skip
    assert [i["type"] for i in get(status="incident")["items"]] == ["incident"]
    assert get(status="verified")["items"] == []
    assert get(status="verified")["total"] == 0
    assert get(status="conflict")["counts"]["queue"] == 3  # counts ignore the status filter
    bad = sup.client.get("/v1/review/queue", params={"limit": 0}, headers=sup.headers)
    assert bad.status_code == 422
