"""C.Hasil entry: live findings, draft on every change, final refused/accepted, correction."""

from __future__ import annotations

from app.ui.state.services import Services
from app.ui.state.tally_form import TallyForm, parse_count
from tests.app.ui.conftest import TPS

OK = {
    "dpt_l": 150,
    "dpt_p": 150,
    "dpt_j": 300,
    "pemilih_dpt_l": 100,
    "pemilih_dpt_p": 120,
    "pemilih_dpt_j": 220,
    "pemilih_dptb_l": 3,
    "pemilih_dptb_p": 2,
    "pemilih_dptb_j": 5,
    "pemilih_dpk_l": 1,
    "pemilih_dpk_p": 1,
    "pemilih_dpk_j": 2,
    "pengguna_hak_pilih_l": 104,
    "pengguna_hak_pilih_p": 123,
    "pengguna_hak_pilih_j": 227,
    "ss_diterima": 306,
    "ss_digunakan": 227,
    "ss_rusak": 2,
    "ss_sisa": 77,
    "disabilitas_l": 1,
    "disabilitas_p": 1,
    "disabilitas_j": 2,
    "suara_sah": 220,
    "suara_tidak_sah": 7,
    "suara_total": 227,
}
VOTES = {"1": 50, "2": 120, "3": 50}


def typed(services: Services, **over: int) -> TallyForm:
    form = TallyForm.load(services, TPS, "ppwp")
    for name, value in {**OK, **over}.items():
        form.set_value(name, str(value))
    for key, value in VOTES.items():
        form.set_vote(key, str(value))
    return form


def test_parse_count_keeps_three_digits() -> None:
    assert parse_count("") is None
    assert parse_count("12a") == 12
    assert parse_count("1234") == 123


def test_every_change_is_a_draft_that_survives_reload(services: Services) -> None:
    form = TallyForm.load(services, TPS, "ppwp")
    form.set_value("dpt_l", "150")
    form.set_vote("2", "120")
    again = TallyForm.load(services, TPS, "ppwp")
    assert again.record_id == form.record_id
    assert again.values["dpt_l"] == 150
    assert again.votes == {"2": 120}
    assert services.store.record(form.record_id).sync_state == "draft"
    assert services.store.pending_records() == 0


def test_clearing_a_field_clears_the_draft(services: Services) -> None:
    form = TallyForm.load(services, TPS, "ppwp")
    form.set_value("dpt_l", "150")
    form.set_value("dpt_l", "")
    assert "dpt_l" not in TallyForm.load(services, TPS, "ppwp").values


def test_arithmetic_error_is_shown_and_blocks_final(services: Services) -> None:
    form = typed(services, suara_sah=230)
    messages = [f.message("id") for f in form.findings()]
    assert "V.A (suara sah) harus = jumlah suara di IV (220), tertulis 230" in messages
    assert form.finalize() is False
    assert form.refused
    assert services.store.pending_records() == 0


def test_final_queues_the_record(services: Services) -> None:
    form = typed(services)
    assert form.blockers() == []
    assert form.finalize() is True
    rec = services.store.record(form.record_id)
    assert rec is not None
    assert rec.status == "final"
    assert rec.sync_state == "pending"
    assert rec.fields["suara"] == VOTES
    assert rec.fields["suara_sah"] == 220
    assert not form.editable


def test_warning_needs_a_reason(services: Services) -> None:
    form = typed(services, ss_diterima=310)  # II.1 != II.2 + II.3 + II.4: a warning
    assert [f.level for f in form.blockers()] == ["warning", "warning"]
    form.set_reason("Tambahan 4 lembar dari PPS")
    assert form.finalize() is True


def test_final_is_read_only_and_corrected_only_with_a_reason(services: Services) -> None:
    form = typed(services)
    form.finalize()
    form.set_value("ss_rusak", "3")
    assert form.values["ss_rusak"] == 2  # read-only once final
    form.start_correction()
    form.set_value("suara_tidak_sah", "8")
    form.set_value("suara_total", "228")
    form.set_value("pengguna_hak_pilih_j", "228")
    form.set_value("pengguna_hak_pilih_p", "124")
    form.set_value("pemilih_dpt_p", "121")
    form.set_value("pemilih_dpt_j", "221")
    form.set_value("ss_digunakan", "228")
    form.set_value("ss_sisa", "76")
    assert form.finalize() is False  # no reason yet
    again = TallyForm.load(services, TPS, "ppwp")  # the correction survives a restart
    assert again.correcting
    assert again.values["suara_tidak_sah"] == 8
    again.set_reason("Salah salin V.B")
    assert again.finalize() is True
    rec = services.store.record(form.record_id)
    assert rec is not None
    assert rec.fields["suara_tidak_sah"] == 8
    assert rec.fields["alasan"] == "Salah salin V.B"
    assert not TallyForm.load(services, TPS, "ppwp").correcting
