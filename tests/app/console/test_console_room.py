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
from app.console.backend import Backend, error_text
from app.console.state.enrol import EnrolGate
from app.store import open_store
from app.sync import Offline, SyncError
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
    assert asyncio.run(gate.submit()) is False and "kode" in gate.error("id")  # none typed
    gate.set_code(world.codes[NAMES["supervisor"]])
    assert asyncio.run(gate.submit()) is True and gate.may_review()
    config = AppConfig(data_dir=world.tmp, export_dir=None, tile_url="http://tiles.local")
    backend = Backend.open(Device(store, world.regions, world.election), config)
    assert backend.export_dir == world.tmp / "ekspor" and backend.tile_url == "http://tiles.local"


def test_the_field_app_hands_reviewers_to_the_console(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    device = Device(open_store(world.tmp / "d.db"), world.regions, world.election)
    config = AppConfig(data_dir=world.tmp)
    shown: list[tuple[Device, AppConfig]] = []
    # the views themselves render only inside a page; here: who gets them, with what
    monkeypatch.setattr(app.console, "console_view", lambda d, c: shown.append((d, c)) or [])
    views = console_for(device, config)
    assert views("ptps") is None and views("saksi") is None and views("polisi") is None
    assert views("supervisor") == [] and views("admin") == []
    assert shown == [(device, config), (device, config)]


def test_a_field_code_is_told_to_use_the_field_app(world: World):
    gate = EnrolGate(open_store(world.tmp / "phone.db"), URL, transport=world.transport)
    gate.set_code(world.codes[NAMES["ptps"]])
    assert asyncio.run(gate.submit()) is False
    assert gate.role() == "ptps" and not gate.may_review() and gate.error("id") == ""


def test_a_wrong_code_keeps_the_servers_words(world: World):
    gate = EnrolGate(open_store(world.tmp / "laptop.db"), URL, transport=world.transport)
    gate.set_code("SALAH-123")
    assert asyncio.run(gate.submit()) is False and gate.role() is None
    assert gate.error("id").startswith("Server menolak")


def test_unexpected_errors_are_logged_planned_ones_are_not(caplog: pytest.LogCaptureFixture):
    with caplog.at_level(logging.ERROR, logger="app.console"):
        error_text(Offline("x"))
        error_text(SyncError("a", "b", "c"))
        assert caplog.records == []
        try:
            raise KeyError("fields")
        except KeyError as exc:
            words = error_text(exc)
    [record] = caplog.records
    assert record.exc_info is not None and "KeyError" in record.getMessage()
    assert "KeyError" in words[0] and "log" in words[0] and "Traceback" not in words[0]
