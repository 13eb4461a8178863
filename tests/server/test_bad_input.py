"""Malformed or oversized requests get a 4xx ErrorBody and write nothing at all."""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from sync_server.main import create_app
from sync_server.settings import Settings
from tests.server.conftest import TPS, MakeDevice


def assert_error_body(res, status: int, code: str) -> dict[str, Any]:
    assert res.status_code == status, res.text
    body = res.json()
    assert set(body) == {"code", "message", "message_en", "protocol"}
    assert body["code"] == code
    assert body["message"]
    assert body["message_en"]
    return cast(dict[str, Any], body)


def assert_nothing_written(store, device_id: str) -> None:
    assert store.count_records() == 0
    assert store.server_seq() == 0
    assert list(store.log_entries()) == []
    assert store.acked_seq(device_id) == 0
    assert store.get_op(device_id, f"{device_id}:1") is None


@pytest.mark.parametrize("raw", [b"{", b"not json", b'{"device_id": "x", "ops": [', b"\xff\xfe"])
def test_malformed_json_is_400(make_device: MakeDevice, store, raw):
    phone = make_device("ptps")
    headers = {**phone.headers, "Content-Type": "application/json"}
    res = phone.client.post("/v1/sync/push", content=raw, headers=headers)
    assert_error_body(res, 400, "malformed_json")
    assert_nothing_written(store, phone.id)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seq": "satu"}, "ops.1.seq"),
        ({"seq": 0}, "ops.1.seq"),
        ({"hlc": -5}, "ops.1.hlc"),
        ({"hlc": 2**64}, "ops.1.hlc"),
        ({"fields": [1, 2]}, "ops.1.fields"),
        ({"kind": "gossip"}, "ops.1.kind"),
        ({"tps": "3" * 21}, "ops.1.tps"),
        ({"op_id": "has space"}, "ops.1.op_id"),
        ({"surprise": 1}, "ops.1.surprise"),
        ({"base": {"dpt_l": [1]}}, "ops.1.base.dpt_l"),
    ],
)
def test_wrong_wire_shape_is_422_naming_the_field(make_device: MakeDevice, store, change, field):
    phone = make_device("ptps")
    good = phone.op("r1", {"dpt_l": 1})
    bad = {**phone.op("r2", {"dpt_l": 2}), **change}
    body = assert_error_body(phone.push(good, bad), 422, "invalid_request")
    assert field in body["message"]
    assert field in body["message_en"]
    assert_nothing_written(store, phone.id)


def test_unknown_top_level_field_is_422(make_device: MakeDevice, store):
    phone = make_device("ptps")
    body = {"device_id": phone.id, "ops": [phone.op("r1", {"dpt_l": 1})], "extra": True}
    res = phone.client.post("/v1/sync/push", json=body, headers=phone.headers)
    assert "extra" in assert_error_body(res, 422, "invalid_request")["message"]
    assert_nothing_written(store, phone.id)


def test_more_ops_than_allowed_is_413(make_device: MakeDevice, store):
    phone = make_device("ptps")
    ops = [phone.op(f"r{i}", {"dpt_l": 1}) for i in range(501)]
    assert_error_body(phone.push(*ops), 413, "batch_too_large")
    assert_nothing_written(store, phone.id)


def test_the_configured_op_limit_is_413(settings: Settings, make_device: MakeDevice, store):
    small = create_app(settings.model_copy(update={"max_ops_per_push": 2}))
    phone = make_device("ptps")
    body = {"device_id": phone.id, "ops": [phone.op(f"r{i}", {"dpt_l": 1}) for i in range(3)]}
    with TestClient(small) as c:
        res = c.post("/v1/sync/push", json=body, headers=phone.headers)
    assert_error_body(res, 413, "batch_too_large")
    assert_nothing_written(store, phone.id)


def test_a_body_over_the_byte_limit_is_413(settings: Settings, make_device: MakeDevice, store):
    small = create_app(settings.model_copy(update={"max_body_bytes": 2048}))
    phone = make_device("ptps")
    body = {"device_id": phone.id, "ops": [phone.op("r1", {"catatan": "x" * 3000})]}
    with TestClient(small) as c:
        res = c.post("/v1/sync/push", json=body, headers=phone.headers)
    assert_error_body(res, 413, "body_too_large")  # refused as it streams in
    assert_nothing_written(store, phone.id)


@pytest.mark.parametrize(
    "query",
    ["since=-1", "since=abc", "limit=0", "limit=1001", "limit=x"],
)
def test_bad_pull_parameters_are_422(make_device: MakeDevice, query):
    phone = make_device("ptps")
    res = phone.client.get(f"/v1/sync/pull?{query}", headers=phone.headers)
    assert_error_body(res, 422, "invalid_request")


def test_unknown_route_and_method_have_error_bodies(client):
    assert_error_body(client.get("/v1/nothing"), 404, "not_found")
    assert_error_body(client.delete("/v1/health"), 405, "method_not_allowed")


def test_enrol_with_malformed_json_is_400_and_short_code_422(client):
    res = client.post("/v1/enrol", content=b"{", headers={"Content-Type": "application/json"})
    assert_error_body(res, 400, "malformed_json")
    body = assert_error_body(client.post("/v1/enrol", json={"code": "AB"}), 422, "invalid_request")
    assert "code" in body["message"]


def test_a_whole_batch_of_valid_ops_then_nothing_else_changed(make_device: MakeDevice, store):
    # Sanity for assert_nothing_written: it does see writes when there are some.
    phone = make_device("ptps")
    phone.push(phone.op("r1", {"dpt_l": 1}, tps=TPS))
    with pytest.raises(AssertionError):
        assert_nothing_written(store, phone.id)
