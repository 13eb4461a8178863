"""Issue 14's field-app fixes at the state level: one slip one error, progress, honest strip,
incident defaults and zone, sign out, server address, what a TPS shows from others."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from app.store import Identity
from app.ui.clock import clock_text, zone_name
from app.ui.state.assessment_form import AssessmentForm
from app.ui.state.authors import author_of
from app.ui.state.incident_form import IncidentForm
from app.ui.state.services import Services
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncStatus
from app.ui.state.tps_overview import summary
from app.ui.views.status_strip import strip_text
from core.merge import Versioned
from tests.app.ui.conftest import TPS
from tests.app.ui.test_tally_form import OK, typed


def test_one_slip_in_va_gives_one_error_and_no_hint_under_vc(services: Services) -> None:
    form = typed(services, suara_sah=230)  # IV = 220, V.B = 7, V.C = 227 are right
    rules = [f.rule for f in form.findings() if f.level == "error"]
    assert rules == ["va_sum"]
    assert "suara_total" not in form.computed()
    assert [f.rule for f in form.blockers()] == ["va_sum"]


def test_a_wrong_vc_is_still_blamed_on_vc(services: Services) -> None:
    form = typed(services, suara_total=237)
    assert "vc_sum" in [f.rule for f in form.findings()]
    assert form.computed()["suara_total"] == 227


def test_progress_counts_filled_boxes(services: Services) -> None:
    form = typed(services)
    done, total = form.progress()
    assert done == total == len(OK) + 3
    form.set_value("dpt_l", "")
    assert form.progress() == (total - 1, total)


def test_strip_is_not_green_over_a_draft() -> None:
    sync = SyncStatus(None)  # type: ignore[arg-type]
    sync.online, sync.pending, sync.drafts = True, 0, 1
    text, color = strip_text(sync, "id")
    assert text == "Semua final terkirim - 1 draf belum final"
    assert color != "#1b5e20"


def test_drafts_counted_and_last_send_remembered(services: Services) -> None:
    sync = SyncStatus(services.store)
    typed(services)
    sync.refresh()
    assert sync.drafts == 1
    assert sync.last_ok() is None
    services.store.set_meta("last_sync_ok", "1764500000")
    assert sync.last_ok() == 1764500000.0


def test_enrolled_but_never_synced_syncs_at_once(services: Services) -> None:
    sync = SyncStatus(services.store)
    assert sync._just_enrolled()
    sync.online = True
    assert not sync._just_enrolled()


def test_incident_time_says_its_zone_and_ptps_files_a_temuan(services: Services) -> None:
    assert zone_name(7 * 3600) == "WIB"
    assert zone_name(9 * 3600) == "WIT"
    assert zone_name(0) == "UTC+0"
    assert zone_name(-5 * 3600 - 1800) == "UTC-5:30"
    assert clock_text(0).split()[-1] in {"WIB", "WITA", "WIT"} or "UTC" in clock_text(0)
    ptps = IncidentForm.load(services, "i1", TPS, "Ani", "ptps")
    saksi = IncidentForm.load(services, "i2", TPS, "Budi", "saksi")
    assert ptps.values["jenis"] == "temuan"
    assert saksi.values["jenis"] == "laporan"
    assert ptps.values["waktu"].split()[-1] == clock_text().split()[-1]


def test_incident_ready_names_what_is_missing_without_saving(services: Services) -> None:
    form = IncidentForm.load(services, "i1", TPS, "Budi")
    form.set("uraian", "x")
    assert not form.ready()
    assert form.missing == ["kategori"]
    assert services.store.record("i1") is not None
    assert services.store.record("i1").status == "draft"


def test_sign_out_waits_for_unsent_records(services: Services) -> None:
    session = Session.start(services)
    form = IncidentForm.load(services, "i1", TPS, "Budi")
    form.set("uraian", "x")
    form.set("kategori", "logistik")
    assert form.finalize()
    assert not session.sign_out()
    assert session.identity is not None
    services.store.db.execute("delete from outbox")
    assert session.sign_out()
    assert session.identity is None
    assert services.store.identity() is None
    assert services.store.record("i1") is not None


def test_server_address_changes_only_to_a_url(services: Services) -> None:
    session = Session.start(services)
    assert not session.set_server("192.168.1.20:8765")
    assert session.set_server("http://192.168.1.20:8765/")
    stored = services.store.identity()
    assert stored is not None
    assert stored.server_url == "http://192.168.1.20:8765"


@pytest.fixture
def other() -> Identity:
    return Identity("http://127.0.0.1:9", "d-2", "tok2", "u-2", "Ani", "ptps", None, (TPS,))


def test_tps_summary_reads_everyone_s_records(services: Services, other: Identity) -> None:
    assert summary(services, TPS).category is None
    store = services.store
    answers = {"a": True, "p": True}
    store.put_state("a1", "assessment", TPS, other.user_id, _final(answers), shared=True)
    fields = {"tps": TPS, "kategori": "politik_uang", "status": "final", "uraian": "x"}
    store.put_state("x1", "incident", TPS, other.user_id, _versioned(fields), shared=True)
    got = summary(services, TPS)
    assert got.category == "rawan"
    assert got.open_incidents == 1


def test_records_carry_their_maker_and_a_reader_sees_who(
    services: Services, other: Identity
) -> None:
    """Point 3 (session 4): a new incident or assessment carries `pembuat` (role, name,
    party) from the phone's identity; another user's record says who made it."""
    incident = IncidentForm.load(services, "i1", TPS, "Budi", "saksi")
    incident.set("uraian", "x")
    assessment = AssessmentForm.load(services, TPS)
    assessment.set_indicator("a", True)
    mine = {"peran": "saksi", "nama": "Budi", "partai": 1}
    for record_id in ("i1", assessment.record_id):
        rec = services.store.record(record_id)
        assert rec is not None
        assert rec.fields["pembuat"] == mine
        assert author_of(services, rec, "u-1", "id") == ""  # mine: no "by"
    card = {"peran": "ptps", "nama": "Ani Lestari"}
    fields = {"tps": TPS, "status": "final", "indikator": {"a": True}, "pembuat": card}
    store = services.store
    store.put_state("a9", "assessment", TPS, other.user_id, _versioned(fields), shared=True)
    theirs = store.record("a9")
    assert theirs is not None
    assert author_of(services, theirs, "u-1", "id") == "Pengawas TPS (PTPS) · Ani Lestari"
    assert author_of(services, theirs, "u-1", "en") == "TPS supervisor (PTPS) · Ani Lestari"
    saksi = {**fields, "pembuat": {"peran": "saksi", "nama": "Citra", "partai": 1}}
    store.put_state("a8", "assessment", TPS, other.user_id, _versioned(saksi), shared=True)
    said = author_of(services, store.record("a8"), "u-1", "id")  # type: ignore[arg-type]
    assert said == "Saksi · Citra · 1 Partai Kebangkitan Bangsa"
    old = {k: v for k, v in fields.items() if k != "pembuat"}  # made before the field existed
    store.put_state("a7", "assessment", TPS, other.user_id, _versioned(old), shared=True)
    assert author_of(services, store.record("a7"), "u-1", "id") == "pengguna lain"  # type: ignore[arg-type]


def _final(answers: dict[str, bool]) -> Versioned:
    return _versioned({"tps": TPS, "indikator": answers, "status": "final"})


def _versioned(fields: Mapping[str, object]) -> Versioned:
    return Versioned(dict(fields), {k: (1, "d-2") for k in fields})
