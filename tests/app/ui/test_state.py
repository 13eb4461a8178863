"""Session (language, roles, navigation), sync status, incident, assessment, search, i18n."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from app.i18n import S, t
from app.store import open_store
from app.sync import Offline, Progress
from app.ui.state.assessment_form import AssessmentForm
from app.ui.state.badge import badge
from app.ui.state.incident_form import IncidentForm
from app.ui.state.location_form import LocationForm
from app.ui.state.services import Services
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncStatus
from app.ui.views.status_strip import strip_text
from tests.app.ui.conftest import TPS, identity

ROOT = Path(__file__).resolve().parents[3]


def test_language_is_remembered(services: Services, tmp_path: Path) -> None:
    session = Session.start(services)
    assert session.lang == "id"
    session.set_lang("en")
    reopened = Services(open_store(tmp_path / "device.db"), services.regions, services.election)
    assert Session.start(reopened).lang == "en"


@pytest.mark.parametrize(
    ("role", "tally", "assessment", "location"),
    [
        ("saksi", True, False, False),
        ("ptps", True, True, True),
        ("polisi", True, True, True),
        ("supervisor", False, True, True),
    ],
)
def test_roles_change_what_is_offered(
    services: Services, role: str, tally: bool, assessment: bool, location: bool
) -> None:
    session = Session.start(services)
    session.identity = identity(role, 1 if role == "saksi" else None)
    assert (session.can("tally"), session.can("assessment"), session.can("location")) == (
        tally,
        assessment,
        location,
    )
    assert session.can("incident")


def test_navigation_back_goes_to_the_tps(services: Services) -> None:
    session = Session.start(services)
    session.open_tps(TPS)
    session.open_tally("ppwp")
    session.back()
    assert session.screen == "tps"
    session.back()
    assert session.screen == "root"


def test_incident_needs_category_time_and_description(services: Services) -> None:
    form = IncidentForm.load(services, "inc1", TPS, "Budi")
    assert form.values["pelapor_nama"] == "Budi"
    assert form.values["waktu"]
    assert form.finalize() is False
    assert form.missing == ["kategori", "uraian"]
    form.set("kategori", "politik_uang")
    form.set("uraian", "Amplop")
    form.set("saksi", "Ani\n\nBudi ")
    assert services.store.record("inc1").sync_state == "draft"
    assert form.finalize() is True
    rec = services.store.record("inc1")
    assert rec is not None
    assert rec.status == "final"
    assert rec.sync_state == "pending"
    assert rec.fields["saksi"] == ["Ani", "Budi"]
    assert rec.tps == TPS


def test_assessment_category_and_why(services: Services) -> None:
    form = AssessmentForm.load(services, TPS)
    form.set_indicator("a", True)
    form.set_indicator("p", True)
    form.set_note("p", "Banjir 2023")
    assert form.result().category == "rawan"
    form.set_indicator("e", True)
    assert form.result().category == "sangat_rawan"
    assert "e" in form.result().why_id
    again = AssessmentForm.load(services, TPS)
    assert again.catatan == {"p": "Banjir 2023"}
    assert again.indikator["e"]


def test_location_checks_ranges(services: Services) -> None:
    form = LocationForm.load(services, TPS)
    form.set_lat("-95")
    form.set_lon("112.2")
    assert form.save() is False
    assert "Lintang" in form.error("id")
    form.captured(-7.546, 112.233)
    assert float(LocationForm.load(services, TPS).lat) == -7.546


def run_sync(services: Services, runner: Callable[..., bool]) -> SyncStatus:
    sync = SyncStatus(services.store, runner=runner)
    asyncio.run(sync.sync_now())
    return sync


def test_offline_is_a_state_not_an_error(services: Services) -> None:
    IncidentForm.load(services, "inc1", TPS, "Budi")
    form = IncidentForm.load(services, "inc1", TPS, "Budi")
    form.set("kategori", "intimidasi")
    form.set("uraian", "x")
    form.finalize()

    def offline(_store: object, _progress: Callable[[Progress], None]) -> bool:
        raise Offline("refused")

    sync = run_sync(services, offline)
    assert sync.online is False
    assert sync.pending == 1
    assert not sync.busy
    assert strip_text(sync, "id")[0] == "Offline - 1 belum terkirim"
    assert strip_text(sync, "en")[0] == "Offline - 1 not sent"
    assert "Data aman di HP ini" in sync.error("id")


def test_sync_waits_for_a_dead_server_off_the_event_loop(services: Services) -> None:
    """While the sync waits on a server that does not answer, the screen keeps working."""
    answer = threading.Event()

    def dead_server(_store: object, _progress: Callable[[Progress], None]) -> bool:
        if not answer.wait(10):  # on the event loop this would hold every screen still
            raise AssertionError("the event loop was blocked")
        raise Offline("ConnectTimeout")

    async def tap_while_syncing() -> SyncStatus:
        sync = SyncStatus(services.store, runner=dead_server)
        running = asyncio.create_task(sync.sync_now())
        await asyncio.sleep(0.05)  # the loop is free: this coroutine runs
        assert sync.busy
        answer.set()
        await running
        return sync

    sync = asyncio.run(tap_while_syncing())
    assert sync.online is False
    assert not sync.busy
    assert strip_text(sync, "id")[0] == "Offline - semua data aman di HP"


def test_strip_words() -> None:
    sync = SyncStatus(None)  # type: ignore[arg-type]
    sync.online, sync.pending = True, 0
    assert strip_text(sync, "id")[0] == "Semua terkirim"
    sync.busy, sync.phase, sync.done, sync.total = True, "push", 2, 5
    assert strip_text(sync, "id")[0] == "Mengirim 2 dari 5"
    sync.busy, sync.failed = False, 3
    assert strip_text(sync, "id")[0] == "Semua terkirim - 3 gagal"


def test_badge_words_for_every_state(services: Services) -> None:
    assert badge(None).key == "empty"
    form = IncidentForm.load(services, "inc1", TPS, "Budi")
    form.set("uraian", "x")
    assert badge(services.store.record("inc1")).key == "draft"
    form.set("kategori", "logistik")
    form.finalize()
    assert badge(services.store.record("inc1")).key == "final_pending"


def test_search_by_desa_and_number(services: Services) -> None:
    regions = services.regions
    assert regions.search("Gadingmangu").total == 23
    found = regions.search("gadingmangu 17")
    assert found.total == 1
    assert found.items[0].label.startswith("TPS 017 Gadingmangu")
    assert regions.search(TPS).items[0].id == TPS
    assert regions.search("tps").total == 0
    assert [t.id for t in regions.assigned((TPS,))] == [TPS]
    assert len(regions.assigned(("35.17.01.2001",))) == 7


def test_every_string_has_both_languages_and_every_key_used_exists() -> None:
    assert all(id_ and en for id_, en in S.values())
    used: set[str] = set()
    mine = [ROOT / "app/ui/components.py", *(ROOT / "app/ui/views").glob("*.py")]
    for path in mine:
        used |= set(re.findall(r"\bt\(\s*(?:session\.)?lang,\s*\"([a-z_A-Z]+)\"", path.read_text()))
    assert used
    assert used <= set(S), used - set(S)
    assert t("en", "st_waiting", n=2) == "2 not sent"


def test_an_unplanned_sync_error_says_data_is_safe_and_names_a_code():
    from app.ui.state.sync_state import unexpected

    words_id, words_en = unexpected("photos", OSError("disk"))
    assert "foto tetap aman di HP" in words_id
    assert "(kode OSError)" in words_id
    assert "photos stay on the phone" in words_en
    assert "Traceback" not in words_en
