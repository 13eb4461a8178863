import pytest

from core.errors import DomainError
from core.wilayah import parse_tps, region_level, tps_id, within


def test_tps_id_is_desa_code_without_dots_plus_three_digits():
    assert tps_id("35.17.01.2001", 1) == "3517012001001"
    assert tps_id("35.17.09.1004", 901) == "3517091004901"


def test_parse_tps_round_trips():
    tps = parse_tps("3517012001012")
    assert (tps.desa, tps.number, tps.kecamatan, tps.kabupaten) == (
        "35.17.01.2001",
        12,
        "35.17.01",
        "35.17",
    )
    assert str(tps) == "3517012001012"
    assert parse_tps("3517091004901").is_special


@pytest.mark.parametrize("bad", ["", "351701200100", "35170120010011", "3517012001000", "abc"])
def test_parse_tps_rejects_bad_ids_with_both_languages(bad):
    with pytest.raises(DomainError) as exc:
        parse_tps(bad)
    assert "3517012001001" in exc.value.message_id
    assert "13 digits" in exc.value.message_en


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("35", "provinsi"),
        ("35.17", "kabupaten"),
        ("35.17.01", "kecamatan"),
        ("35.17.01.2001", "desa"),
    ],
)
def test_region_level(code, level):
    assert region_level(code) == level


@pytest.mark.parametrize("bad", ["3517", "35.17.1", "35.17.01.201", "35-17", "3517012001"])
def test_region_level_rejects(bad):
    with pytest.raises(DomainError):
        region_level(bad)


@pytest.mark.parametrize(
    ("region", "inside"),
    [
        ("35", True),
        ("35.17", True),
        ("35.17.01", True),
        ("35.17.01.2001", True),
        ("3517012001001", True),
        ("35.17.02", False),
        ("35.16", False),
        ("3517012001002", False),
    ],
)
def test_within(region, inside):
    assert within("3517012001001", region) is inside


def test_tps_number_range():
    with pytest.raises(DomainError):
        tps_id("35.17.01.2001", 0)
    with pytest.raises(DomainError):
        tps_id("35.17.01.2001", 1000)
