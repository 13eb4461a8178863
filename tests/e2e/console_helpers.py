"""The console's browser tests: a real server with the Jombang demo seed, field devices that
push through their own store and SyncClient, and the console process (`python -m app.console`
on a laptop store enrolled as the supervisor).

Every process is started here and stopped by its own PID; only 127.0.0.1 is used.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

from app.store import Store, open_store
from app.store.photos import add_photo
from app.sync import SyncClient, SyncReport, enrol, sync_and_upload
from tests.e2e.conftest import (
    CHROME_ARGS,
    CHROMIUM,
    LOCAL,
    SHOTS,
    Proc,
    cli,
    free_port,
    seed,
    server_proc,
    user_id,
)
from tests.photos import form_photo
from tests.server.recon_helpers import VOTES, form

TPS = "3517012001001"
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 412, "height": 915}
WAIT = 30_000
CONSOLE_SHOTS = SHOTS / "console"
NAMES = {
    "supervisor": "[DEMO] Supervisor Polres Jombang",
    "ptps": "[DEMO] PTPS 001 Jantiganggong",
    "polisi": "[DEMO] Bhabinkamtibmas Jantiganggong",
    "saksi": "[DEMO] Saksi PKB TPS 001",
    "saksi2": "[DEMO] Saksi Gerindra TPS 001",
}
# The DPR RI tally PTPS and the PKB witness agree on: party 1 (PKB) has 40 party votes plus
# 12 and 5 for two candidates; party 2 has 55.
DPR_VOTES = {"1": 40, "1.1": 12, "1.2": 5, "2": 55, "3": 20}


@dataclass
class ConsoleStack:
    tmp: Path
    server: Proc
    console: Proc
    server_url: str
    console_url: str
    export_dir: Path
    codes: dict[str, str]

    def stop(self) -> None:
        self.console.stop()
        self.server.stop()


def device(tmp: Path, url: str, code: str, name: str) -> Store:
    store = open_store(tmp / f"{name}.db")
    enrol(store, url, code, name)
    return store


def sync(store: Store) -> SyncReport:
    ident = store.identity()
    assert ident is not None
    client = SyncClient(store, ident.server_url, ident.token, attempts=2)
    try:
        report = client.sync_once()
    finally:
        client.close()
    assert not report.rejected, report.rejected
    return report


def push(store: Store, record_id: str, kind: str, fields: dict[str, Any]) -> None:
    store.save(record_id, kind, TPS, fields)
    sync(store)


def upload(store: Store) -> None:
    """Send the device's photos (after its records), as the Kirim screen does."""
    ident = store.identity()
    assert ident is not None
    client = SyncClient(store, ident.server_url, ident.token, attempts=2)
    try:
        _, report = sync_and_upload(client)
    finally:
        client.close()
    assert not report.failed, report


def three_sources(tmp: Path, url: str, codes: dict[str, str]) -> None:
    """PTPS and saksi PKB wrote 99 for pair 1; the police officer's copy misread it as 44.
    PTPS and saksi PKB agree on the DPR RI tally. PTPS also reports an incident (politik uang)
    at the same TPS."""
    ptps = device(tmp, url, codes[NAMES["ptps"]], "ptps")
    photo = add_photo(ptps, form_photo(1200, 900))  # the PTPS photographed the C.Hasil plano
    push(ptps, "t-ptps", "tally", form(VOTES, photos=[photo]))
    upload(ptps)
    push(device(tmp, url, codes[NAMES["polisi"]], "polisi"), "t-polisi", "tally",
         form(VOTES, suara={**VOTES, "1": 44}))  # fmt: skip
    saksi = device(tmp, url, codes[NAMES["saksi"]], "saksi")
    push(saksi, "t-saksi", "tally", form(VOTES))
    push(ptps, "d-ptps", "tally", form(DPR_VOTES, ballot="dpr_ri"))
    push(saksi, "d-saksi", "tally", form(DPR_VOTES, ballot="dpr_ri"))
    push(ptps, "i-uang", "incident", {"jenis": "laporan", "kategori": "politik_uang", "tps": TPS,
         "tingkat": "tinggi", "uraian": "Amplop dibagikan dekat TPS pagi hari"})  # fmt: skip


def edit_conflict(tmp: Path, url: str, db: Path) -> None:
    """The PTPS assigns the incident on two phones at once: a field conflict."""
    code = cli(db, "enrol-code", user_id(db, "PTPS 001")).strip()
    second = device(tmp, url, code, "ptps-2")
    sync(second)  # both phones now hold the incident
    first = open_store(tmp / "ptps.db")
    first.save("i-uang", "incident", TPS, {"ditugaskan": "Aiptu Budi"})
    push(second, "i-uang", "incident", {"ditugaskan": "Bripka Sari"})
    assert sync(first).conflicts == 1


def start(tmp: Path) -> ConsoleStack:
    """Server (seed-demo with its 300 demo TPS), our three sources, one conflict, the console."""
    db = tmp / "server.db"
    codes = seed(db)
    sport, cport = free_port(), free_port()
    server = server_proc(db, sport, tmp / "server.log").start()
    url = f"http://127.0.0.1:{sport}"
    try:
        three_sources(tmp, url, codes)
        edit_conflict(tmp, url, db)
        laptop = tmp / "laptop"
        laptop.mkdir()
        device(laptop, url, codes[NAMES["supervisor"]], "device")  # laptop/device.db
        export_dir = laptop / "ekspor"
        env = {
            **os.environ,
            "PANTAU_SERVER_URL": url,
            "PANTAU_DATA_DIR": str(laptop),
            "PANTAU_APP_PORT": str(cport),
            "PANTAU_WEB": "1",
            "PANTAU_EXPORT_DIR": str(export_dir),
            "PANTAU_TILE_URL": "",
        }
        args = [sys.executable, "-m", "app.console"]
        console = Proc(args, env, tmp / "console.log", f"http://127.0.0.1:{cport}/").start()
    except BaseException:
        server.stop()
        raise
    console_url = f"http://127.0.0.1:{cport}/"
    return ConsoleStack(tmp, server, console, url, console_url, export_dir, codes)


def launch(p: Any) -> Browser:
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)  # type: ignore[no-any-return]


def open_console(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport=LAPTOP, accept_downloads=True)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page.goto(url)
    ph = page.locator("flt-semantics-placeholder")
    ph.wait_for(state="attached", timeout=WAIT)
    ph.dispatch_event("click")
    return page


def ident(page: Page, name: str) -> Any:
    return page.locator(f'[flt-semantics-identifier="{name}"]')


def choose(page: Page, dropdown: str, option: str) -> None:
    """Open the dropdown named `dropdown` (its semantics identifier) and pick `option`: the
    open menu's items are buttons named by their text."""
    ident(page, dropdown).click()
    item = page.get_by_role("button", name=option, exact=True).last
    item.wait_for(timeout=WAIT)
    item.click()


def rail(page: Page, label: str) -> None:
    """NavigationRail destinations are buttons named "Label Tab i of n"."""
    page.get_by_role("button", name=f"{label} Tab").first.click()


def shot(page: Page, name: str, size: ViewportSize | None = None) -> Path:
    CONSOLE_SHOTS.mkdir(parents=True, exist_ok=True)
    if size is not None:
        page.set_viewport_size(size)
    page.wait_for_timeout(800)
    path = CONSOLE_SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if size is not None:
        page.set_viewport_size(LAPTOP)
        page.wait_for_timeout(400)
    return path
