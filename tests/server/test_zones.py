"""Time zone per region from data (assets/data/zona_waktu.csv), never hard-coded."""

import pytest

from core.hlc import pack
from sync_server.review.flags import Change, change_flag
from sync_server.review.zones import zones

T = 1707890700000  # 2024-02-14 06:05 UTC


@pytest.mark.parametrize(
    ("place", "text"),
    [
        ("3517012001001", "2024-02-14 13:05 WIB"),  # Jombang, Jawa Timur
        ("35.17", "2024-02-14 13:05 WIB"),
        ("5171011001001", "2024-02-14 14:05 WITA"),  # Denpasar, Bali
        ("73.71", "2024-02-14 14:05 WITA"),  # Makassar
        ("9471011001001", "2024-02-14 15:05 WIT"),  # Papua Tengah
        ("99", "2024-02-14 06:05 UTC"),  # no such province: said plainly, not guessed
    ],
)
def test_local_time_is_in_the_zone_of_the_place(place, text):
    assert zones().local_time(T, place) == text


def test_every_province_of_the_data_has_a_zone():
    by = zones().by_province
    assert len(by) == 38
    assert {z.name for z in by.values()} == {"WIB", "WITA", "WIT"}


def test_a_change_flag_reads_the_tps_own_clock():
    ch = Change("r1", "ptps", ("suara_sah",), pack(T, 0), "d1", "5171011001001")
    assert "2024-02-14 14:05 WITA" in change_flag(ch, None).message_id
