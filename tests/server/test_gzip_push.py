"""Phones gzip their pushes; the server inflates them within the body limit."""

import gzip
import json

from tests.server.conftest import TPS


def _post(device, raw: bytes):
    headers = {**device.headers, "Content-Encoding": "gzip", "Content-Type": "application/json"}
    return device.client.post("/v1/sync/push", content=raw, headers=headers)


def test_a_gzipped_push_is_applied(make_device, store):
    phone = make_device("saksi")
    body = phone.body(phone.op("r1", {"dpt_l": 120, "catatan": "x" * 600}))
    response = _post(phone, gzip.compress(json.dumps(body).encode()))
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "applied"
    assert store.get_record("r1").fields["dpt_l"] == 120


def test_bad_gzip_is_400_and_writes_nothing(make_device, store):
    phone = make_device("saksi")
    response = _post(phone, b"\x1f\x8b not really gzip")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_gzip"
    assert store.count_records() == 0


def test_a_gzip_bomb_is_refused_without_inflating_it(make_device, store, settings):
    phone = make_device("saksi")
    bomb = gzip.compress(b" " * (settings.max_body_bytes * 4))
    response = _post(phone, bomb)
    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"
    assert store.count_records() == 0


def test_large_pull_pages_come_back_gzipped(make_device):
    phone = make_device("saksi")
    ops = [
        phone.op(f"r{i}", {"uraian": "laporan " * 20}, kind="incident", tps=TPS) for i in range(20)
    ]
    assert phone.push(*ops).status_code == 200
    response = phone.client.get(
        "/v1/sync/pull", headers={**phone.headers, "Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["records"]) == 20
