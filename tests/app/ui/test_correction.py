"""A final assessment or incident is read-only and corrected only as a new version with a
reason, as the C.Hasil is: the edits wait on the phone (through a restart) until Final."""

from __future__ import annotations

import json
from typing import Any

from app.store import Store
from app.ui.state.assessment_form import AssessmentForm
from app.ui.state.correction import REASON_NEEDED
from app.ui.state.incident_form import IncidentForm
from app.ui.state.services import Services
from tests.app.ui.conftest import TPS


def acked(store: Store) -> None:
    """The server took every queued op (it trims the outbox)."""
    store.db.execute("delete from outbox")


def queued(store: Store) -> list[dict[str, Any]]:
    return [json.loads(r["fields"]) for r in store.db.table("outbox").rows]


def final_assessment(services: Services) -> AssessmentForm:
    form = AssessmentForm.load(services, TPS)
    form.set_indicator("a", True)
    form.set_note("a", "Pernah ricuh 2019")
    assert form.finalize()
    acked(services.store)
    return form


def test_final_assessment_is_read_only(services: Services) -> None:
    form = final_assessment(services)
    assert not form.editable
    form.set_indicator("b", True)
    form.set_note("a", "diubah")
    assert form.indikator == {"a": True}
    assert form.catatan == {"a": "Pernah ricuh 2019"}
    assert queued(services.store) == []


def test_assessment_correction_needs_a_reason_and_sends_a_new_version(
    services: Services,
) -> None:
    final_assessment(services)
    form = AssessmentForm.load(services, TPS)
    form.start_correction()
    form.set_indicator("p", True)
    assert queued(services.store) == []  # nothing leaves the phone before Final
    assert form.finalize() is False
    assert form.refused
    assert form.reason_missing() == [REASON_NEEDED]
    again = AssessmentForm.load(services, TPS)  # the correction survives a restart
    assert again.correcting
    assert again.indikator == {"a": True, "p": True}
    again.set_reason("Banjir Februari terlewat")
    assert again.finalize() is True
    assert not again.editable
    [op] = queued(services.store)
    assert op == {
        "indikator": {"a": True, "p": True},
        "alasan": "Banjir Februari terlewat",
        "status": "final",
    }
    reopened = AssessmentForm.load(services, TPS)
    assert not reopened.correcting
    assert reopened.result().category == "rawan"


def final_incident(services: Services) -> IncidentForm:
    form = IncidentForm.load(services, "inc1", TPS, "Budi")
    form.set("kategori", "politik_uang")
    form.set("uraian", "Amplop dibagikan")
    assert form.finalize()
    acked(services.store)
    return form


def test_final_incident_is_read_only_until_koreksi(services: Services) -> None:
    form = final_incident(services)
    form.set("uraian", "diubah")
    assert form.values["uraian"] == "Amplop dibagikan"
    assert queued(services.store) == []
    form.start_correction()
    assert form.editable
    assert form.alasan == ""
    form.set("uraian", "Amplop berisi Rp50.000 dibagikan")
    assert form.finalize() is False
    assert form.missing == ["reason"]
    again = IncidentForm.load(services, "inc1", TPS, "Budi")
    assert again.correcting
    assert again.values["uraian"] == "Amplop berisi Rp50.000 dibagikan"
    again.set_reason("Nilai uang baru diketahui")
    assert again.finalize() is True
    [op] = queued(services.store)  # only what changed, with the reason
    assert op == {
        "uraian": "Amplop berisi Rp50.000 dibagikan",
        "alasan": "Nilai uang baru diketahui",
        "status": "final",
    }
    rec = services.store.record("inc1")
    assert rec is not None
    assert rec.fields["kategori"] == "politik_uang"
    assert not IncidentForm.load(services, "inc1", TPS, "Budi").correcting
