"""Errors become words that say what to do; the review client's seam, retries and downloads;
every console string exists in both languages with the same placeholders."""

from __future__ import annotations

import asyncio
import string

import httpx
import pytest

from app.console.backend import error_text
from app.console.state.comparison import majority
from app.console.strings import S, t
from app.sync import AuthError, Offline, SyncError
from app.sync.review import ReviewClient
from core.review import QueuePage
from tests.app.console.conftest import URL, World


def client(handler, **kw) -> tuple[ReviewClient, list[float]]:
    sleeps: list[float] = []
    c = ReviewClient("http://t", "tok", transport=httpx.MockTransport(handler),
                     sleep=sleeps.append, jitter=lambda: 0.5, **kw)  # fmt: skip
    return c, sleeps


def test_unreachable_server_is_offline_after_retries():
    def down(_request):
        raise httpx.ConnectError("refused")

    c, sleeps = client(down, attempts=3)
    with pytest.raises(Offline):
        c.queue()
    assert sleeps == [0.5, 1.0]


def test_5xx_is_retried_then_json_is_read():
    calls = []

    def flaky(request):
        calls.append(request.url.params.get("kecamatan"))
        if len(calls) == 1:
            return httpx.Response(503)
        return httpx.Response(200, json={"counts": {}, "items": []})

    c, _ = client(flaky)
    assert c.queue(kecamatan="35.17.01", ballot="") == QueuePage()
    assert calls == ["35.17.01", "35.17.01"]


def test_an_answer_of_another_shape_is_words_not_a_crash():
    """The console reads wire models: a body that is not one says to update, never a KeyError."""

    def wrong(_request):
        return httpx.Response(200, json={"items": [{"type": "tps", "tps": "x"}]})

    c, _ = client(wrong)
    with pytest.raises(SyncError) as exc:
        c.queue()
    assert exc.value.code == "bad_response"
    assert "perbarui aplikasi" in error_text(exc.value)[0]


def test_download_reports_progress_and_names_the_file():
    body = b"x" * 200_000

    def handler(request):
        assert request.headers["authorization"] == "Bearer tok"
        return httpx.Response(200, content=body, headers={
            "content-disposition": 'attachment; filename="../tallies.xlsx"'})  # fmt: skip

    c, _ = client(handler)
    seen = []
    got = c.export("tallies", "xlsx", progress=lambda done, _total: seen.append(done))
    assert got.filename == ".._tallies.xlsx".replace("/", "_")
    assert got.data == body
    assert seen[-1] == len(body)
    assert len(seen) > 1


def test_refusals_keep_the_servers_words():
    def refuse(_request):
        return httpx.Response(403, json={"code": "reviewer_only", "message": "Hanya supervisor",
                                         "message_en": "Supervisors only"})  # fmt: skip

    c, _ = client(refuse)
    with pytest.raises(AuthError) as exc:
        c.legend()
    words = error_text(exc.value)
    assert words[0].startswith("Server menolak akun ini: Hanya supervisor. Minta admin")
    assert words[1].startswith("The server refused this account: Supervisors only")


def test_error_words_say_what_to_do():
    assert "Muat ulang" in error_text(Offline("x"))[0]
    assert "Reload" in error_text(Offline("x"))[1]
    one = SyncError("Tidak boleh", "Not allowed", "forbidden")
    assert error_text(AuthError("Tidak boleh", "Not allowed", "forbidden")) == error_text(one)
    assert "ValueError" in error_text(ValueError("boom"))[0]
    assert "Traceback" not in error_text(ValueError("boom"))[0]


def test_a_field_role_sees_words_not_a_crash(world: World):
    m = world.models("ptps")
    asyncio.run(m.queue.load())
    assert m.queue.items == []
    assert m.queue.loading is False
    assert "supervisor atau admin" in m.queue.error("id")
    assert "Ask the admin" in m.queue.error("en")


def test_offline_console_keeps_working(world: World):
    m = world.models()

    def down(_request):
        raise httpx.ConnectError("refused")

    m.backend.client = ReviewClient(URL, "tok", transport=httpx.MockTransport(down),
                                    sleep=lambda _s: None)  # fmt: skip
    asyncio.run(m.go("dashboard"))
    assert m.dashboard.error("id").startswith("Server tidak terjangkau")


def test_every_string_has_both_languages_and_the_same_placeholders():
    fmt = string.Formatter()
    for key, (id_, en) in S.items():
        assert id_, key
        assert en, key
        names = {f for _, f, _, _ in fmt.parse(id_) if f}
        assert names == {f for _, f, _, _ in fmt.parse(en) if f}, key
    assert t("en", "nav_queue") == "Queue"
    assert t("id", "nav_queue") == "Antrean"


@pytest.mark.parametrize(
    ("values", "expected"),
    [({"a": 99, "b": 44, "c": 99}, 99), ({"a": 1, "b": 2}, 1), ({}, None), ({"a": 5}, 5)],
)
def test_majority(values, expected):
    assert majority(values) == expected
