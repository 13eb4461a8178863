import pytest

from core.errors import DomainError
from core.registry import build


def test_jombang_counts_match_the_published_figures(registry):
    assert len(registry.kecamatan()) == 21
    assert len(registry.desa()) == 306
    assert len(registry.tps) == 3858
    special = [t for t in registry.tps if t.number >= 901]
    assert len(special) == 13
    assert len({t.id for t in registry.tps}) == 3858


def test_tps_carry_names_for_search(registry):
    first = registry.tps[0]
    assert first.id == "3517012001001"
    assert first.desa_name == "Jantiganggong"
    assert first.kecamatan_name == "Perak"


def _row(kode, **kw):
    base = {
        "kode": kode,
        "nama": "X",
        "nama_kecamatan": "K",
        "tps_reguler_pemilu2024": "2",
        "tps_lokasi_khusus_pemilu2024": "0",
    }
    return {**base, **kw}


def test_any_region_works_not_only_jombang():
    reg = build(
        [_row("33.01"), _row("33.01.01"), _row("33.01.01.2001", tps_reguler_pemilu2024="3")]
    )
    assert [t.id for t in reg.tps] == ["3301012001001", "3301012001002", "3301012001003"]


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (_row("35.17.01.20x1"), "Baris 3"),
        (_row("35.17.01.2001", nama=""), "nama kosong"),
        (_row("35.17.01.2001", tps_reguler_pemilu2024="-1"), "jumlah TPS"),
    ],
)
def test_bad_rows_name_the_row(row, needle):
    with pytest.raises(DomainError) as exc:
        build([_row("35.17"), row])
    assert needle in exc.value.message_id
