"""`python -m app.console` on a laptop that is not enrolled: the console asks for the server
and a supervisor code, says what is wrong with a bad code, and opens the queue with a good one."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.conftest import Proc, free_port, need_browser, seed, server_proc
from tests.e2e.console_helpers import NAMES, WAIT, ident, launch, open_console, shot
from tests.e2e.ui import fill

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_the_console_enrols_a_laptop_by_itself(tmp_path: Path):
    need_browser()
    db = tmp_path / "server.db"
    codes = seed(db)
    sport, cport = free_port(), free_port()
    server = server_proc(db, sport, tmp_path / "server.log").start()
    env = {**os.environ, "PANTAU_SERVER_URL": f"http://127.0.0.1:{sport}",
           "PANTAU_DATA_DIR": str(tmp_path / "laptop"), "PANTAU_APP_PORT": str(cport),
           "PANTAU_WEB": "1"}  # fmt: skip
    url = f"http://127.0.0.1:{cport}/"
    console = Proc([sys.executable, "-m", "app.console"], env, tmp_path / "console.log", url)
    try:
        console.start()
        with sync_playwright() as p:
            browser = launch(p)
            page = open_console(browser, url)
            fill(page, "Kode pendaftaran", "SALAH-0000")
            page.get_by_role("button", name="Daftar").click()
            expect(ident(page, "enrol-error")).to_contain_text("Server menolak", timeout=WAIT)
            shot(page, "enrol-wrong-code")
            fill(page, "Kode pendaftaran", codes[NAMES["supervisor"]])
            page.get_by_role("button", name="Daftar").click()
            ident(page, "count-queue").wait_for(timeout=WAIT)
            shot(page, "enrol-done-queue")
            browser.close()
    finally:
        console.stop()
        server.stop()
