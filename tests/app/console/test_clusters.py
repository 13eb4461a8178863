"""Map clusters: a grid that follows the zoom, counts that add up, the most common colour."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.console.state.clusters import Spot, cell_degrees, cluster, most

KEYS = st.sampled_from(["kurang_rawan", "rawan", "sangat_rawan", "khusus", "belum_dinilai"])
SPOTS = st.lists(
    st.builds(Spot, st.floats(-7.9, -7.3), st.floats(112.0, 112.5), KEYS), max_size=200
)


@given(SPOTS, st.integers(8, 17))
def test_every_spot_is_in_exactly_one_cluster(spots: list[Spot], zoom: int) -> None:
    assert sum(c.n for c in cluster(spots, zoom)) == len(spots)


@given(SPOTS)
def test_zooming_in_never_merges(spots: list[Spot]) -> None:
    assert len(cluster(spots, 14)) >= len(cluster(spots, 10))


def test_a_cell_halves_with_each_zoom_step() -> None:
    assert abs(cell_degrees(11) * 2 - cell_degrees(10)) < 1e-12


def test_colour_of_the_majority_worse_on_a_tie() -> None:
    assert most(["belum_dinilai"] * 9 + ["sangat_rawan"]) == "belum_dinilai"
    assert most(["rawan", "kurang_rawan"]) == "rawan"
    assert most(["cov_2", "cov_0"]) == "cov_0"


def test_far_points_stay_apart_near_points_join() -> None:
    near = [Spot(-7.5, 112.2, "rawan"), Spot(-7.5001, 112.2001, "rawan")]
    far = [*near, Spot(-7.9, 112.49, "khusus")]
    assert [c.n for c in cluster(near, 10)] == [2]
    assert sorted(c.n for c in cluster(far, 10)) == [1, 2]
