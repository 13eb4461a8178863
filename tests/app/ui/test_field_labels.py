"""Fields are named as on the form (C.Hasil numbering and words), never by their raw key."""

from __future__ import annotations

import json

import pytest

from app.field_labels import field_label
from app.ui.state.services import Services
from app.ui.state.sync_state import SyncStatus
from app.ui.views.sync_details import conflict_section
from tests.app.ui.conftest import TPS
from tests.app.ui.test_sync_photos import _texts


@pytest.mark.parametrize(
    ("name", "id_", "en"),
    [
        ("pemilih_dpt_l", "I.B.1 Pengguna hak pilih DPT (L)", "I.B.1 Voters from DPT (L)"),
        ("dpt_j", "I.A DPT (J)", "I.A Final voter list (DPT) (J)"),
        ("disabilitas_p", "III Pemilih disabilitas (P)", "III Voters with disabilities (P)"),
        ("ss_rusak", "II.3 Surat suara rusak atau keliru coblos", "II.3 Ballots spoiled"),
        ("suara_total", "V.C Jumlah suara sah dan tidak sah", "V.C Total votes"),
        ("suara", "IV. Perolehan suara", "IV. Votes"),
        ("alasan", "Alasan", "Reason"),
        ("uraian", "Uraian kejadian", "Description"),
        ("indikator", "Indikator kerawanan", "Vulnerability indicators"),
        ("lat", "Lintang", "Latitude"),
    ],
)
def test_field_label(name: str, id_: str, en: str) -> None:
    assert (field_label(name, "id"), field_label(name, "en")) == (id_, en)


def test_unknown_field_is_still_words() -> None:
    assert field_label("nama_baru", "id") == "Nama baru"


def test_tally_conflict_names_the_form_line(services: Services) -> None:
    services.store.save("t1", "tally", TPS, {"ballot": "ppwp", "pemilih_dpt_l": 100})
    services.store.db.table("conflicts").insert(
        {
            "id": 3,
            "record_id": "t1",
            "field": "pemilih_dpt_l",
            "current_value": json.dumps(101),
            "incoming_value": json.dumps(100),
            "winner": "current",
            "seen": 0,
        }
    )
    words = " ".join(_texts(conflict_section(SyncStatus(services.store), services.regions, "id")))
    assert "I.B.1 Pengguna hak pilih DPT (L)" in words
    assert "pemilih_dpt_l" not in words
