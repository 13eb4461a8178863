"""Table tests: what cannot happen at a TPS, per-party totals, the final's completeness and
the "tertulis di formulir demikian" path (core.tally_limits, core.tally_checks)."""

import pytest

from core.tally_checks import blocking, check_tally, missing_fields
from tests.core.test_tally_checks import good


def found(t, election, rule):
    return [f for f in check_tally(t, election) if f.rule == rule]


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        (
            {"ss_digunakan": 260, "ss_sisa": 0, "ss_rusak": 0},
            "used_le_received",
            "Surat suara yang digunakan (II.2: 260) lebih banyak dari yang diterima (II.1: 255)",
        ),
        (
            {"disabilitas_p": 114, "disabilitas_j": 115},
            "disabled_le_voters",
            "Pemilih disabilitas (III (P): 114) lebih banyak dari semua pemilih (I.B.4 (P): 113)",
        ),
        (
            {"pengguna_hak_pilih_j": 260},
            "voters_le_registered",
            "Pemilih yang datang (I.B.4: 260) lebih banyak dari DPT + DPTb + DPK (250 + 5 + 2",
        ),
        (
            {"dpt_l": 170, "dpt_p": 131, "dpt_j": 301},
            "above_cap",
            "I.A (J) (301) melebihi batas per TPS (300;",
        ),
        ({"ss_diterima": 307}, "above_cap", "II.1 (307) melebihi batas per TPS (306;"),
    ],
)
def test_each_impossible_relation_is_an_error_in_plain_words(election, change, rule, words):
    hits = found({**good(), **change}, election, rule)
    assert hits
    assert all(f.level == "error" for f in hits)
    assert any(words in f.message_id for f in hits), [f.message_id for f in hits]
    assert all("tidak mungkin" in f.message_id and f.message_en for f in hits)
    assert found(good(), election, rule) == []


def test_dpt_at_the_cap_is_allowed(election):
    t = {**good(), "dpt_l": 150, "dpt_p": 150, "dpt_j": 300}
    assert found(t, election, "above_cap") == []


def dpr(**extra):
    return {"ballot": "dpr_ri", "suara": {"1": 10, "1.1": 5, "1.2": 3, "2": 7}, **extra}


@pytest.mark.parametrize(
    ("totals", "bad"),
    [({"1": 18, "2": 7}, []), ({"1": 19, "2": 7}, ["1"]), ({"1": 18, "2": 70}, ["2"])],
)
def test_party_total_equals_party_vote_plus_its_candidates(election, totals, bad):
    hits = found(dpr(jumlah_partai=totals), election, "party_sum")
    assert [f.fields[0].split(".")[1] for f in hits] == bad
    if bad == ["1"]:
        assert "(10 + 5 + 3 = 18), tertulis 19" in hits[0].message_id


def test_a_final_ppwp_form_needs_every_pair(election):
    t = good()
    del t["suara"]["3"]
    t["suara_sah"] = 170
    assert missing_fields(t, election) == ["suara.3"]
    assert missing_fields(good(), election) == []
    sparse = {"ballot": "ppwp", "suara": {"1": 5}, "suara_sah": 5}
    assert {"dpt_j", "ss_diterima", "suara.2", "suara_total"} <= set(
        missing_fields(sparse, election)
    )


def test_paper_as_written_needs_a_reason_and_a_photo(election):
    """A form whose paper breaks a hard identity is evidence: final with a reason and a photo
    when the witness says the paper reads so; typing slips stay caught otherwise."""
    t = {**good(), "suara_total": 216}  # V.C written one short on the paper
    findings = check_tally(t, election, final=True)
    assert [f.rule for f in blocking(findings, "tertulis begitu")] == ["vc_sum"]
    assert blocking(findings, "tertulis begitu", paper=True, photos=0)
    assert blocking(findings, "", paper=True, photos=1)
    assert blocking(findings, "tertulis begitu", paper=True, photos=1) == []


def test_paper_never_excuses_an_empty_or_out_of_range_field(election):
    t = good()
    del t["ss_rusak"]
    findings = check_tally(t, election, final=True)
    assert [f.rule for f in blocking(findings, "x", paper=True, photos=2)] == ["missing"]
