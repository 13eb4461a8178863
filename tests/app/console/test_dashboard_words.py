"""Dashboard cards from the server's answers: incidents in words, each TPS counted once in
kerawanan, personnel against the plan with a blank as unknown; the plan's verdict words."""

from __future__ import annotations

from app.console.screens.widgets import history_words
from app.console.state.dashboard import DashboardModel
from core.review import DeploymentPlan, HistoryEntry, IncidentRow, PlanRow

PLANNED = {"kurang_rawan": 5, "rawan": 1, "sangat_rawan": 0, "khusus": 1}
ROW: dict[str, object] = {
    "categories": PLANNED,
    "dinilai": {"kurang_rawan": 1, "rawan": 1, "sangat_rawan": 0, "khusus": 0},
    "belum_dinilai": 5,
}


def model() -> DashboardModel:
    d = DashboardModel(None)  # type: ignore[arg-type]  # only the pure questions are used
    d.incidents = [
        IncidentRow(id="1", tps="t", kategori="politik_uang", proses="kajian"),
        IncidentRow(id="2", tps="t", kategori="politik_uang", proses="terbukti"),
        IncidentRow(id="3", tps="t", kategori="logistik"),
    ]
    row = PlanRow.model_validate({"code": "k", "name": "Perak", **ROW})
    d.plan = DeploymentPlan.model_validate(
        {
            "kecamatan": [row.model_dump(), row.model_dump()],
            "total": {"polisi": 12, "linmas": 40},
            "available": {"polisi": 10, "linmas": None},
        }
    )
    return d


def test_incidents_by_category_in_words_open_and_closed() -> None:
    ranked, open_, closed = model().incident_counts("id")
    assert ranked == [("Politik uang", 2), ("Logistik", 1)]
    assert (open_, closed) == (2, 1)
    assert model().incident_counts("en")[0][0] == ("Vote buying", 2)


def test_each_tps_counted_once_in_kerawanan() -> None:
    counts = dict(model().kerawanan_counts())
    assert counts == {
        "kurang_rawan": 2,
        "rawan": 2,
        "sangat_rawan": 0,
        "khusus": 0,
        "belum_dinilai": 10,
    }
    assert sum(counts.values()) == 2 * sum(PLANNED.values())


def test_personnel_blank_is_unknown() -> None:
    assert model().personnel() == [("polisi", 12, 10), ("linmas", 40, None)]


def test_history_names_changed_fields_in_the_form_s_order() -> None:
    """Ops travel with sorted keys; the history reads in the form's order, in its words."""
    fields = {k: 1 for k in ("suara_sah", "disabilitas_j", "dpt_l", "tps", "ss_diterima")}
    entry = HistoryEntry(log_id=1, at_ms=0, at="-", kind="tally", fields=fields)
    assert history_words(entry, "id") == (
        "mengubah: I.A DPT (L), II.1 Surat suara diterima, III Pemilih disabilitas (J), "
        "V.A Suara sah"
    )


def test_ballot_pickers_show_the_forms_abbreviation_and_list_full_names():
    from app.console.screens.widgets import ballot_menu, ballot_options, short_name
    from sync_server.review.reconcile import load_election
    from sync_server.settings import Settings

    election = load_election(Settings().election_file)
    assert election is not None
    assert dict(ballot_options(election, "id")) == {
        "ppwp": "PPWP",
        "dpr_ri": "DPR RI",
        "dpd_ri": "DPD RI",
        "dprd_prov": "DPRD Provinsi",
        "dprd_kab": "DPRD Kabupaten/Kota",
    }
    assert ballot_menu(election, "id")["ppwp"] == "Presiden dan Wakil Presiden (PPWP)"
    assert dict(ballot_options(election, "en"))["dprd_kab"] == "DPRD Kab/Kota"
    assert short_name("Pilkada (Bupati) Jombang") == "Pilkada (Bupati) Jombang"  # not at the end
