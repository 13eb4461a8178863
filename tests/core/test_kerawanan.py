import pytest

from core.kerawanan import categorize, personnel


@pytest.mark.parametrize(
    ("yes", "category"),
    [
        ([], "kurang_rawan"),
        (["a"], "kurang_rawan"),
        (["a", "u"], "rawan"),
        (["e"], "sangat_rawan"),
        (["a", "b", "c", "d", "o", "p"], "sangat_rawan"),
        (["t", "a"], "khusus"),
    ],
)
def test_category_from_indicators(election, yes, category):
    result = categorize({code: True for code in yes}, election.indicator_set)
    assert result.category == category
    assert result.why_id
    assert result.why_en


def test_unknown_indicator_codes_are_ignored(election):
    assert categorize({"zz": True}, election.indicator_set).category == "kurang_rawan"


def test_personnel_follows_the_pattern(election):
    needs = {
        n.category: n
        for n in personnel(
            {"kurang_rawan": 17, "rawan": 3, "sangat_rawan": 2, "khusus": 1},
            election.deployment_pattern,
        )
    }
    assert (needs["kurang_rawan"].polisi, needs["kurang_rawan"].linmas) == (6, 34)
    assert (needs["rawan"].polisi, needs["rawan"].linmas) == (4, 6)
    assert (needs["sangat_rawan"].polisi, needs["sangat_rawan"].linmas) == (4, 4)
    assert needs["khusus"].polisi == 2
