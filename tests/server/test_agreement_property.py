"""Property (issue 10, point 3): no mix of sources makes a field that fewer than two sources
gave, or that two sources gave differently, agreed or counted in the totals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.review.comparison import Source, compare
from sync_server.review.reconcile import load_election, state_of
from sync_server.review.source_checks import source_flags
from sync_server.settings import Settings

ELECTION = load_election(Settings().election_file)
FIELDS = ("dpt_j", "suara_sah", "suara_total", "suara.1", "suara.2", "suara.3")
NAMES = ("ptps", "polisi", "saksi:1", "saksi:2", "resmi")

one_source = st.dictionaries(st.sampled_from(FIELDS), st.integers(0, 3), max_size=len(FIELDS))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(NAMES), one_source), max_size=5, unique_by=lambda x: x[0])
)
def test_a_field_counts_only_when_two_sources_agree_and_none_differs(given_by):
    sources = [Source(name, f"r-{name}", name, values) for name, values in given_by]
    c = compare(sources, None, ELECTION, "ppwp")
    flags = [f for s in c.sources for f in source_flags(s, "ppwp", ELECTION)]
    state = state_of("3517012001001", "ppwp", c, flags, ELECTION)
    for name in FIELDS:
        said = [values[name] for _, values in given_by if name in values]
        agreed = len(said) >= 2 and len(set(said)) == 1
        field = next((f for f in c.fields if f.field == name), None)
        if not agreed:
            assert field is None or field.state != "agree"
            assert name not in state.values
        else:
            assert field is not None
            assert field.state == "agree"
    if state.values:
        assert state.counted
