"""Photos on the C.Hasil and incident forms: attach, thumbnails, remove, bad file, draft kept."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.store import open_store
from app.store.photos import photo, photo_path
from app.ui.state.evidence import thumbnail
from app.ui.state.incident_form import IncidentForm
from app.ui.state.services import Services
from app.ui.state.tally_form import TallyForm
from tests.app.ui.conftest import TPS
from tests.app.ui.test_tally_form import typed
from tests.photos import form_photo

PHOTO_A = form_photo(800, 600, seed=1)
PHOTO_B = form_photo(800, 600, seed=2)


def reopen(services: Services, tmp_path: Path) -> Services:
    """The app killed and started again on the same device database."""
    store = open_store(tmp_path / "device.db")
    return Services(store, services.regions, services.election, services.server_url)


def test_tally_pages_attach_and_survive_a_restart(services: Services, tmp_path: Path) -> None:
    form = TallyForm.load(services, TPS, "ppwp")
    added = asyncio.run(form.evidence.attach_many([PHOTO_A, PHOTO_B]))
    assert len(added) == 2
    assert form.evidence.shas == added
    assert form.evidence.busy == 0
    draft = services.store.record(form.record_id)
    assert draft is not None
    assert draft.sync_state == "draft"
    assert draft.fields["photos"] == added
    for sha in added:
        assert photo_path(services.store, sha).exists()
        thumb = thumbnail(services.store, sha)
        assert thumb is not None
        assert thumb[:2] == b"\xff\xd8"
        assert len(thumb) < 30_000
    again = TallyForm.load(reopen(services, tmp_path), TPS, "ppwp")
    assert again.evidence.shas == added


def test_same_photo_twice_is_cited_once(services: Services) -> None:
    form = TallyForm.load(services, TPS, "ppwp")
    first = form.evidence.attach(PHOTO_A)
    assert form.evidence.attach(PHOTO_A) == first
    assert form.evidence.shas == [first]


def test_remove_before_final_forgets_the_file(services: Services, tmp_path: Path) -> None:
    form = TallyForm.load(services, TPS, "dpd")
    sha_a, sha_b = form.evidence.attach(PHOTO_A), form.evidence.attach(PHOTO_B)
    assert sha_a
    assert sha_b
    assert form.evidence.remove(sha_a) is True
    assert form.evidence.shas == [sha_b]
    rec = services.store.record(form.record_id)
    assert rec is not None
    assert rec.fields["photos"] == [sha_b]
    assert photo(services.store, sha_a) is None
    assert not photo_path(services.store, sha_a).exists()
    assert TallyForm.load(reopen(services, tmp_path), TPS, "dpd").evidence.shas == [sha_b]


def test_a_photo_another_record_cites_keeps_its_file(services: Services) -> None:
    tally = TallyForm.load(services, TPS, "ppwp")
    incident = IncidentForm.load(services, "inc1", TPS, "Budi")
    sha = tally.evidence.attach(PHOTO_A)
    assert sha
    assert incident.evidence.attach(PHOTO_A) == sha
    assert tally.evidence.remove(sha) is True
    assert photo(services.store, sha) is not None  # the incident still cites it
    assert photo_path(services.store, sha).exists()


def test_bad_file_says_why_in_both_languages_and_writes_nothing(services: Services) -> None:
    form = IncidentForm.load(services, "inc1", TPS, "Budi")
    assert asyncio.run(form.evidence.attach_many([b"not a photo at all"])) == []
    assert "bukan foto" in form.evidence.error("id")
    assert "not a readable photo" in form.evidence.error("en")
    assert form.evidence.shas == []
    assert services.store.record("inc1") is None
    assert services.store.db.table("photos").count == 0
    folder = tmp_photos(services)
    assert not folder.exists() or not any(folder.rglob("*.jpg"))
    asyncio.run(form.evidence.attach_many([PHOTO_A]))  # a good one clears the message
    assert form.evidence.error("id") == ""
    assert len(form.evidence.shas) == 1


def tmp_photos(services: Services) -> Path:
    return photo_path(services.store, "00" * 32).parent.parent


def test_incident_evidence_goes_final_and_is_then_fixed(services: Services, tmp_path: Path) -> None:
    form = IncidentForm.load(services, "inc1", TPS, "Budi")
    form.set("kategori", "politik_uang")
    form.set("uraian", "Amplop")
    sha = form.evidence.attach(PHOTO_A)
    assert sha
    assert services.store.record("inc1").fields["bukti"] == [sha]
    again = IncidentForm.load(reopen(services, tmp_path), "inc1", TPS, "Budi")
    assert again.evidence.shas == [sha]
    assert again.finalize()
    rec = services.store.record("inc1")
    assert rec is not None
    assert rec.sync_state == "pending"
    assert rec.fields["bukti"] == [sha]
    assert again.evidence.remove(sha) is False  # final: nothing can be taken out
    assert again.evidence.attach(PHOTO_B) is None
    assert services.store.record("inc1").fields["bukti"] == [sha]


def test_tally_final_carries_its_photos_and_a_correction_adds_one(services: Services) -> None:
    form = typed(services)
    sha_a = form.evidence.attach(PHOTO_A)
    assert form.finalize() is True
    rec = services.store.record(form.record_id)
    assert rec is not None
    assert rec.sync_state == "pending"
    assert rec.fields["photos"] == [sha_a]
    assert form.evidence.remove(str(sha_a)) is False  # final: read-only
    form.start_correction()
    sha_b = form.evidence.attach(PHOTO_B)  # a forgotten page, added with the correction
    assert TallyForm.load(services, TPS, "ppwp").evidence.shas == [sha_a, sha_b]  # stashed
    form.set_reason("Halaman 2 terlewat")
    assert form.finalize() is True
    rec = services.store.record(form.record_id)
    assert rec is not None
    assert rec.fields["photos"] == [sha_a, sha_b]
