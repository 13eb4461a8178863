"""SyncClient against scripted transports: retries, Offline, refusals, progress."""

import email.utils
import gzip
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.store import Identity, open_store
from app.store.exchange import next_batch
from app.store.keys import create_key
from app.sync import AuthError, Offline, SyncClient
from app.sync.api import MAX_RETRY_AFTER_S
from app.sync.client import Progress

TPS = "3517012001001"


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "device.db")
    s.set_identity(Identity("http://test", "dev-1", "tok", "u-1", "Siti", "saksi", 1, (TPS,)))
    create_key(s)
    return s


def client(store, handler, epoch=None, **kw):
    """A client whose server answers the start-up epoch check from `epoch` (default: 0, none
    held) and everything else from `handler`."""
    state = epoch if epoch is not None else {"epoch": 0, "held_seq": 0}

    def route(request):
        if request.url.path == "/v1/sync/epoch":
            if request.method == "POST":
                state.update(epoch=state["epoch"] + 1, held_seq=0)
            return httpx.Response(200, json=state)
        return handler(request)

    sleeps: list[float] = []
    c = SyncClient(
        store,
        "http://test",
        "tok",
        transport=httpx.MockTransport(route),
        sleep=sleeps.append,
        jitter=lambda: 0.5,
        **kw,
    )
    return c, sleeps


def empty_pull(_request):
    return httpx.Response(200, json={"records": [], "next": 0, "more": False, "server_hlc": 0})


def echo_push(request, reject=()):
    raw = request.content
    if request.headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    body = json.loads(raw)
    results = [
        {
            "op_id": op["op_id"],
            "status": "rejected" if op["record_id"] in reject else "applied",
            "reason": "ditolak" if op["record_id"] in reject else None,
        }
        for op in body["ops"]
    ]
    top = max(op["seq"] for op in body["ops"])
    return httpx.Response(200, json={"acked_seq": top, "results": results, "server_hlc": 1})


def test_transport_failures_retry_with_backoff_then_offline(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})

    def down(_request):
        raise httpx.ConnectError("refused")

    c, sleeps = client(store, down, attempts=4, backoff_s=1.0)
    with pytest.raises(Offline) as exc:
        c.sync_once()
    assert "Data aman di HP ini" in exc.value.message
    assert sleeps == [1.0, 2.0, 4.0]
    assert store.counts()["pending"] == 1  # nothing lost


def test_5xx_then_success(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    calls = []

    def flaky(request):
        calls.append(request.url.path)
        if request.url.path == "/v1/sync/push" and calls.count("/v1/sync/push") == 1:
            return httpx.Response(503)
        if request.url.path == "/v1/sync/push":
            return echo_push(request)
        if request.url.path == "/v1/conflicts":
            return httpx.Response(200, json=[])
        return empty_pull(request)

    c, _ = client(store, flaky)
    report = c.sync_once()
    assert report.pushed == 1
    assert store.counts()["pending"] == 0


def _busy_then_ok(retry_after: str):
    calls = []

    def handler(request):
        calls.append(request.url.path)
        if request.url.path == "/v1/sync/push" and calls.count("/v1/sync/push") == 1:
            body = {"code": "server_busy", "message": "sibuk", "message_en": "busy"}
            return httpx.Response(503, json=body, headers={"Retry-After": retry_after})
        if request.url.path == "/v1/sync/push":
            return echo_push(request)
        if request.url.path == "/v1/conflicts":
            return httpx.Response(200, json=[])
        return empty_pull(request)

    return handler


def test_a_busy_servers_retry_after_is_honoured(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    c, sleeps = client(store, _busy_then_ok("7"), backoff_s=0.5)
    assert c.sync_once().pushed == 1
    assert sleeps == [7.0]  # not the 0.5 s backoff
    assert store.counts()["pending"] == 0


def test_retry_after_as_a_date_and_its_cap(store):
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    store.save("r1", "incident", TPS, {"uraian": "x"})
    c, sleeps = client(store, _busy_then_ok(when), backoff_s=0.5)
    assert c.sync_once().pushed == 1
    assert len(sleeps) == 1
    assert 25 <= sleeps[0] <= 30
    store.save("r2", "incident", TPS, {"uraian": "y"})
    c, sleeps = client(store, _busy_then_ok("86400"), backoff_s=0.5)
    assert c.sync_once().pushed == 1
    assert sleeps == [MAX_RETRY_AFTER_S]  # a day is waited on by a later sync, not this one


def test_a_shorter_retry_after_than_the_backoff_keeps_the_backoff(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    c, sleeps = client(store, _busy_then_ok("0"), backoff_s=0.5)
    assert c.sync_once().pushed == 1
    assert sleeps == [0.5]


def test_401_is_an_auth_error_with_the_servers_words(store):
    def refuse(_request):
        return httpx.Response(
            401,
            json={
                "code": "token_revoked",
                "message": "Perangkat dicabut",
                "message_en": "Device revoked",
            },
        )

    c, _ = client(store, refuse)
    with pytest.raises(AuthError) as exc:
        c.sync_once()
    assert exc.value.code == "token_revoked"
    assert exc.value.message == "Perangkat dicabut"


def test_a_refused_op_never_blocks_the_rest(store):
    for i in range(5):
        store.save(f"r{i}", "incident", TPS, {"uraian": str(i)})

    def handler(request):
        if request.url.path == "/v1/sync/push":
            return echo_push(request, reject={"r2"})
        if request.url.path == "/v1/conflicts":
            return httpx.Response(200, json=[])
        return empty_pull(request)

    seen: list[Progress] = []
    c, _ = client(store, handler, batch_size=2)
    report = c.sync_once(progress=seen.append)
    assert report.pushed == 4
    assert [r[1] for r in report.rejected] == ["ditolak"]
    assert store.counts() == {"pending": 0, "failed": 1}
    assert [(p.phase, p.done, p.total) for p in seen if p.phase == "push"] == [
        ("push", 2, 5),
        ("push", 4, 5),
        ("push", 5, 5),
    ]


def _server(reuse=()):
    """A scripted server that answers "reused" for op ids in `reuse`, applied otherwise."""
    pushed = []

    def handler(request):
        if request.url.path == "/v1/sync/push":
            raw = request.content
            body = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
            pushed.append(body)
            results = [
                {"op_id": op["op_id"], "status": "reused" if op["op_id"] in reuse else "applied"}
                for op in body["ops"]
            ]
            top = max(op["seq"] for op in body["ops"])
            return httpx.Response(200, json={"acked_seq": top, "results": results, "server_hlc": 1})
        if request.url.path == "/v1/conflicts":
            return httpx.Response(200, json=[])
        return empty_pull(request)

    return handler, pushed


def test_a_reused_op_id_is_never_trimmed_and_goes_again_in_a_new_epoch(store):
    for i in range(3):
        store.save(f"r{i}", "incident", TPS, {"uraian": str(i)})
    handler, pushed = _server(reuse={"dev-1:2"})
    c, _ = client(store, handler)
    c.sync_once()
    assert store.counts() == {"pending": 0, "failed": 0}
    assert [(b["epoch"], [o["op_id"] for o in b["ops"]]) for b in pushed] == [
        (0, ["dev-1:1", "dev-1:2", "dev-1:3"]),
        (1, ["dev-1:1:1"]),
    ]
    assert pushed[1]["ops"][0]["record_id"] == "r1"
    store.save("r9", "incident", TPS, {"uraian": "9"})
    assert next_batch(store, 10)[0].op_id == "dev-1:1:2"


def test_a_phone_restored_from_a_copy_notices_on_start(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})  # seq 1; the server holds 1..7
    handler, pushed = _server()
    c, _ = client(store, handler, epoch={"epoch": 0, "held_seq": 7})
    c.sync_once()
    assert [(b["epoch"], b["ops"][0]["op_id"]) for b in pushed] == [(1, "dev-1:1:1")]


def test_an_epoch_changed_refusal_moves_to_a_new_epoch(store):
    store.save("r1", "incident", TPS, {"uraian": "x"})
    handler, pushed = _server()

    def stale_first(request):
        if request.url.path == "/v1/sync/push" and b'"epoch":0' in request.content:
            return httpx.Response(409, json={"code": "epoch_changed", "message": "baru",
                                             "message_en": "new"})  # fmt: skip
        return handler(request)

    c, _ = client(store, stale_first)
    c.sync_once()
    assert [b["epoch"] for b in pushed] == [1]
    assert store.counts()["pending"] == 0


def test_each_pushed_batch_reports_its_signing_cost(store, caplog):
    for i in range(3):
        store.save(f"r{i}", "incident", TPS, {"uraian": "x"})

    def ok(request):
        if request.url.path == "/v1/sync/push":
            return echo_push(request)
        if request.url.path == "/v1/conflicts":
            return httpx.Response(200, json=[])
        return empty_pull(request)

    c, _ = client(store, ok, batch_size=2)
    with caplog.at_level("INFO", logger="app.sync.client"):
        report = c.sync_once()
    assert report.pushed == 3
    assert len(report.sign_ms) == 2  # two batches (2 + 1 ops), each timed
    signed = [r.getMessage() for r in caplog.records if "signed in" in r.getMessage()]
    assert len(signed) == 2
    assert signed[1].startswith("batch 2: 1 ops signed in")
