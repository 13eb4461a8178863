"""Table tests: every C.Hasil identity in domain.md, each with a passing and a failing case."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.tally_checks import blocking, check_tally, computed


def good() -> dict[str, Any]:
    """A consistent PPWP C.Hasil of a TPS with 250 voters on the DPT."""
    t: dict[str, Any] = {"ballot": "ppwp"}
    for row, (l, p) in {
        "dpt": (120, 130),
        "pemilih_dpt": (100, 110),
        "pemilih_dptb": (3, 2),
        "pemilih_dpk": (1, 1),
        "pengguna_hak_pilih": (104, 113),
        "disabilitas": (1, 2),
    }.items():
        t[f"{row}_l"], t[f"{row}_p"], t[f"{row}_j"] = l, p, l + p
    t.update(ss_diterima=255, ss_digunakan=217, ss_rusak=2, ss_sisa=36)
    t.update(suara={"1": 80, "2": 90, "3": 40}, suara_sah=210, suara_tidak_sah=7, suara_total=217)
    return t


def rules(findings):
    return {(f.rule, f.level) for f in findings}


def test_a_consistent_form_has_no_findings(election):
    assert check_tally(good(), election, final=True) == []


@pytest.mark.parametrize(
    ("change", "rule", "level", "words"),
    [
        (
            {"dpt_j": 251},
            "row_lp",
            "error",
            "I.A (J) harus = I.A (L) + I.A (P) (120 + 130 = 250), tertulis 251",
        ),
        ({"disabilitas_j": 4}, "row_lp", "error", "III (J)"),
        (
            {"pengguna_hak_pilih_l": 105},
            "b4_sum",
            "error",
            "I.B.4 (L) harus = I.B.1 (L) + I.B.2 (L) + I.B.3 (L)",
        ),
        (
            {"suara_sah": 211, "suara_total": 218},
            "va_sum",
            "error",
            "V.A (suara sah) harus = jumlah suara di IV (210), tertulis 211",
        ),
        (
            {"suara_total": 216},
            "vc_sum",
            "error",
            "V.C harus = V.A + V.B (210 + 7 = 217), tertulis 216",
        ),
        (
            {"pemilih_dpt_l": 121, "pengguna_hak_pilih_l": 125, "pengguna_hak_pilih_j": 238},
            "b1_le_a",
            "error",
            "I.B.1 (L) (121) tidak boleh lebih dari I.A (L) (120)",
        ),
        (
            {"ss_digunakan": 218, "ss_sisa": 35},
            "used_equals_voted",
            "warning",
            "II.2, V.C dan I.B.4 biasanya sama",
        ),
        ({"ss_sisa": 30}, "ii_sum", "warning", "II.1 harus = II.2 + II.3 + II.4"),
        (
            {"ss_diterima": 300, "ss_sisa": 81},
            "reserve",
            "warning",
            "DPT + 2% cadangan (250 + 5 = 255)",
        ),
        ({"dpt_l": 1000, "dpt_j": 1130}, "range", "error", "Angka harus 0 sampai 999"),
        (
            {"disabilitas_l": 220, "disabilitas_j": 222},
            "disabled_le_voters",
            "warning",
            "III (J) (222)",
        ),
    ],
)
def test_each_identity_fails_with_words_that_name_the_fields(election, change, rule, level, words):
    findings = check_tally({**good(), **change}, election)
    assert (rule, level) in rules(findings)
    message = next(f for f in findings if f.rule == rule).message_id
    assert words in message


def test_v_c_above_b4_is_an_error(election):
    t = {**good(), "suara": {"1": 80, "2": 90, "3": 50}, "suara_sah": 220, "suara_total": 227}
    assert ("vc_le_b4", "error") in rules(check_tally(t, election))


def test_votes_above_dpt_plus_two_percent_are_flagged(election):
    """The Sirekap failure: 948 votes read at a TPS of 300 voters."""
    t = {"ballot": "ppwp", "dpt_j": 300, "suara": {"1": 948, "2": 10, "3": 5}}
    found = check_tally(t, election)
    assert ("votes_above_dpt", "flag") in rules(found)
    assert ("votes_above_dpt", "flag") not in rules(
        check_tally({**t, "suara": {"1": 306}}, election)
    )


def test_unknown_candidate_is_an_error(election):
    t = {**good(), "suara": {"1": 80, "2": 90, "3": 30, "4": 10}}
    assert ("unknown_candidate", "error") in rules(check_tally(t, election))


def test_party_ballot_total_counts_party_and_candidate_votes(election):
    t = {"ballot": "dpr_ri", "suara": {"1": 10, "1.1": 5, "2.3": 7}, "suara_sah": 22}
    assert not [f for f in check_tally(t, election) if f.rule == "va_sum"]
    assert ("va_sum", "error") in rules(check_tally({**t, "suara_sah": 21}, election))


def test_final_needs_every_field(election):
    t = good()
    del t["ss_rusak"]
    assert not check_tally(t, election)
    missing = [f for f in check_tally(t, election, final=True) if f.rule == "missing"]
    assert missing
    assert "II.3" in missing[0].message_id


def test_english_messages_exist_for_every_finding(election):
    t = {**good(), "dpt_j": 1, "suara_total": 1, "ss_sisa": 0}
    for f in check_tally(t, election, final=True):
        assert f.message("en")
        assert f.message("en") != f.message("id")


def test_warnings_block_until_a_reason_is_typed(election):
    t = {**good(), "ss_sisa": 30}
    found = check_tally(t, election)
    assert blocking(found, None)
    assert not blocking(found, "sisa dihitung ulang oleh KPPS")
    t_err = {**good(), "suara_total": 1}
    assert blocking(check_tally(t_err, election), "alasan apa pun")


def test_empty_fields_are_silent_while_typing(election):
    assert check_tally({"dpt_l": 5}, election) == []


def test_computed_totals():
    c = computed(good())
    assert c["suara_sah"] == 210
    assert c["suara_total"] == 217
    assert c["pengguna_hak_pilih_l"] == 104
    assert c["dpt_j"] == 250


counts = st.integers(min_value=0, max_value=300)


@given(st.lists(counts, min_size=3, max_size=3), counts)
def test_property_a_form_built_from_its_sums_never_has_errors(votes, invalid):
    sah = sum(votes)
    voters = sah + invalid
    t = {
        "suara": {str(i + 1): v for i, v in enumerate(votes)},
        "suara_sah": sah,
        "suara_tidak_sah": invalid,
        "suara_total": voters,
        "pengguna_hak_pilih_j": voters,
        "pemilih_dpt_j": voters,
        "pemilih_dptb_j": 0,
        "pemilih_dpk_j": 0,
    }
    errors = [f for f in check_tally(t) if f.level == "error" and f.rule != "range"]
    assert errors == []


@given(counts, counts, st.integers(min_value=1, max_value=50))
def test_property_any_broken_sum_is_an_error(sah, invalid, delta):
    t = {"suara_sah": sah, "suara_tidak_sah": invalid, "suara_total": sah + invalid + delta}
    assert ("vc_sum", "error") in rules(check_tally(t))
