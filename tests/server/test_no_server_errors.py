"""Hostile input that used to answer 500 gets a 4xx ErrorBody (issue 11, point 8)."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any, cast

import pytest

from tests.server.conftest import TPS, MakeDevice


def assert_4xx(res, status: int) -> dict[str, Any]:
    assert res.status_code == status, res.text
    body = res.json()
    assert body["code"]
    assert body["message"]
    assert body["message_en"]
    return cast(dict[str, Any], body)


@pytest.mark.parametrize("since", [2**63, 2**63 + 5, 10**30])
def test_pull_since_past_64_bits_is_422(make_device: MakeDevice, since):
    phone = make_device("ptps")
    assert_4xx(phone.client.get(f"/v1/sync/pull?since={since}", headers=phone.headers), 422)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/review/tps/abc/ppwp",
        "/v1/review/tps/99/ppwp",
        "/v1/review/evidence/tps/abc",
        "/v1/review/evidence/tps/" + "9" * 30,
    ],
)
def test_invalid_tps_id_on_review_routes_is_4xx(make_device: MakeDevice, path):
    boss = make_device("supervisor", scope=["35.17"])
    body = assert_4xx(boss.client.get(path, headers=boss.headers), 422)
    assert body["code"] == "invalid_tps"


@pytest.mark.parametrize("conflict_id", [2**63, 10**30])
def test_huge_conflict_id_is_4xx(make_device: MakeDevice, conflict_id):
    boss = make_device("supervisor", scope=["35.17"])
    res = boss.client.post(
        f"/v1/review/conflicts/{conflict_id}/resolve",
        json={"choice": "current", "reason": "x"},
        headers=boss.headers,
    )
    assert 400 <= res.status_code < 500, res.text


@pytest.mark.parametrize("depth", [100, 1000, 5000])
def test_deeply_nested_push_json_is_4xx(make_device: MakeDevice, store, depth):
    phone = make_device("ptps")
    deep = "[" * depth + "]" * depth
    op = phone.op("r1", {"catatan": "x"})
    raw = json.dumps({"device_id": phone.id, "ops": [op]}).replace('"x"', deep)
    headers = {**phone.headers, "Content-Type": "application/json"}
    res = phone.client.post("/v1/sync/push", content=raw, headers=headers)
    if res.status_code == 200:  # a shallow one is just a wrong type for the field
        assert res.json()["results"][0]["status"] == "rejected"
    else:
        assert_4xx(res, res.status_code)
        assert 400 <= res.status_code < 500
    assert store.count_records() == 0


def test_deeply_nested_values_in_fields_are_rejected(make_device: MakeDevice, store):
    phone = make_device("supervisor", scope=["35.17"])
    deep: object = 1
    for _ in range(300):
        deep = {"a": deep}
    res = phone.push(phone.op("v1", {"nilai": deep}, kind="verification", tps=TPS))
    assert res.status_code in (200, 422), res.text
    if res.status_code == 200:
        assert res.json()["results"][0]["status"] == "rejected"
    assert store.count_records() == 0


def test_photo_upload_hashes_fsyncs_and_writes_off_the_event_loop(make_device, monkeypatch):
    """One upload must not freeze every request: its slow work runs in worker threads."""
    from sync_server.blobs import files, uploads
    from tests.server.test_blobs import upload

    on_loop: list[str] = []

    def watch(name, real):
        def wrapper(*args, **kwargs):
            try:
                asyncio.get_running_loop()
                on_loop.append(name)
            except RuntimeError:
                pass  # a worker thread: fine
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(uploads, "file_sha256", watch("sha256", files.file_sha256))
    monkeypatch.setattr(os, "fsync", watch("fsync", os.fsync))
    monkeypatch.setattr(uploads, "_settle", watch("settle", uploads._settle))
    monkeypatch.setattr(uploads, "_touch", watch("touch", uploads._touch))
    done = upload(make_device(), chunk=64 * 1024)
    assert done.json()["complete"] is True
    assert on_loop == []
