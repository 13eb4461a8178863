"""The console stands on its own: its own entry point and enrolment, app.sync and app.store
only (never the field app's UI modules), and unexpected errors logged and said in words."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys

import pytest

import app.console
from app.config import AppConfig, Device
from app.console import console_for
from app.console.backend import Backend
from app.console.state.enrol import EnrolGate
from app.store import open_store
from app.sync import Offline
from tests.app.console.conftest import NAMES, ROOT, URL, World


def test_the_console_does_not_import_the_field_app():
    code = ("import sys, app.console.main; "
            "print(sorted(m for m in sys.modules if m.startswith('app.ui')))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_a_supervisor_code_opens_the_console(world: World):
    store = open_store(world.tmp / "laptop.db")
    gate = EnrolGate(store, URL, transport=world.transport)
    assert asyncio.run(gate.submit()) is False
    assert "kode" in gate.error("id")
    gate.set_code(world.codes[NAMES["supervisor"]])
    assert asyncio.run(gate.submit()) is True
    assert gate.may_review()
    config = AppConfig(data_dir=world.tmp, export_dir=None, tile_url="http://tiles.local")
    backend = Backend.open(Device(store, world.regions, world.election), config)
    assert backend.export_dir == world.tmp / "ekspor"
    assert backend.tile_url == "http://tiles.local"


def test_the_field_app_hands_reviewers_to_the_console(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    device = Device(open_store(world.tmp / "d.db"), world.regions, world.election)
    config = AppConfig(data_dir=world.tmp)
    shown: list[tuple[Device, AppConfig]] = []

    # the views themselves render only inside a page; here: who gets them, with what
    def views_of(d: Device, c: AppConfig) -> list[object]:
        shown.append((d, c))
        return []

    monkeypatch.setattr(app.console, "console_view", views_of)
    views = console_for(device, config)
    assert views("ptps") is None
    assert views("saksi") is None
    assert views("polisi") is None
    assert views("supervisor") == []
    assert views("admin") == []
    assert shown == [(device, config), (device, config)]


def test_a_field_code_is_told_to_use_the_field_app(world: World):
    gate = EnrolGate(open_store(world.tmp / "phone.db"), URL, transport=world.transport)
    gate.set_code(world.codes[NAMES["ptps"]])
    assert asyncio.run(gate.submit()) is False
    assert gate.role() == "ptps"
    assert not gate.may_review()
    assert gate.error("id") == ""


def test_a_wrong_code_keeps_the_servers_words(world: World):
    gate = EnrolGate(open_store(world.tmp / "laptop.db"), URL, transport=world.transport)
    gate.set_code("SALAH-123")
    assert asyncio.run(gate.submit()) is False
    assert gate.role() is None
    assert gate.error("id").startswith("Server menolak")


def test_unexpected_errors_are_logged_planned_ones_are_not(
    world: World, caplog: pytest.LogCaptureFixture
):
    q = world.models().queue

    def offline() -> None:
        raise Offline("x")

    def bug() -> None:
        raise KeyError("fields")

    with caplog.at_level(logging.ERROR, logger="app.console"):
        assert asyncio.run(q.call(offline)) is None
        assert caplog.records == []
        assert q.error("id").startswith("Server tidak terjangkau")
        assert asyncio.run(q.call(bug)) is None
    [record] = caplog.records
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError
    words = q.error("id")
    assert "KeyError" in words
    assert "log" in words
    assert "Traceback" not in words
