"""The merge: per-field LWW on (hlc, device) is commutative, associative and idempotent."""

from hypothesis import given
from hypothesis import strategies as st

from core.merge import Versioned, apply, conflicts, merge, write

FIELDS = ["dpt_l", "dpt_p", "suara_sah", "status", "deleted"]
values = st.one_of(st.integers(0, 999), st.sampled_from(["draft", "final"]), st.booleans())
stamps = st.tuples(st.integers(0, 50), st.sampled_from(["dev-a", "dev-b", "dev-c"]))


@st.composite
def versioned(draw):
    names = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=len(FIELDS)))
    return Versioned(
        {n: draw(values) for n in names},
        {n: draw(stamps) for n in names},
    )


def same(a: Versioned, b: Versioned) -> bool:
    return dict(a.fields) == dict(b.fields) and dict(a.stamps) == dict(b.stamps)


@given(versioned(), versioned())
def test_commutative(a, b):
    assert same(merge(a, b), merge(b, a))


@given(versioned(), versioned(), versioned())
def test_associative(a, b, c):
    assert same(merge(merge(a, b), c), merge(a, merge(b, c)))


@given(versioned(), versioned())
def test_idempotent(a, b):
    ab = merge(a, b)
    assert same(merge(ab, b), ab)
    assert same(merge(a, a), a)


@given(st.lists(st.tuples(st.sampled_from(FIELDS), values, stamps), max_size=12), st.randoms())
def test_winner_is_max_stamp_in_any_order(writes, rnd):
    ordered = list(writes)
    rnd.shuffle(ordered)
    state = Versioned()
    for name, value, stamp in ordered:
        state = merge(state, write({name: value}, stamp))
    for name in {w[0] for w in writes}:
        top = max(s for n, _, s in writes if n == name)
        assert state.stamps[name] == top
        assert state.fields[name] in [v for n, v, s in writes if n == name and s == top]


def test_stale_base_with_a_different_value_is_a_conflict():
    current = write({"suara_sah": 210}, (10, "dev-b"))
    found = conflicts(current, {"suara_sah": 201}, (11, "dev-a"), base={"suara_sah": (5, "dev-a")})
    assert [(c.field, c.current_value, c.incoming_value, c.winner) for c in found] == [
        ("suara_sah", 210, 201, "incoming")
    ]


def test_a_write_that_saw_the_current_value_is_no_conflict():
    current = write({"suara_sah": 210}, (10, "dev-b"))
    assert conflicts(current, {"suara_sah": 201}, (11, "dev-a"), {"suara_sah": (10, "dev-b")}) == []


def test_same_value_is_no_conflict():
    current = write({"suara_sah": 210}, (10, "dev-b"))
    assert conflicts(current, {"suara_sah": 210}, (11, "dev-a"), {}) == []


def test_delete_racing_an_edit_is_a_conflict_not_delete_wins():
    current = merge(write({"uraian": "a"}, (1, "d1")), write({"uraian": "b"}, (5, "d2")))
    state, found = apply(current, {"deleted": True}, (6, "d1"), base={"uraian": (1, "d1")})
    assert state.deleted
    assert [c.field for c in found] == ["uraian"]


def test_edit_of_a_deleted_record_conflicts_with_the_delete():
    current = merge(write({"uraian": "a"}, (1, "d1")), write({"deleted": True}, (5, "d2")))
    _, found = apply(current, {"uraian": "c"}, (6, "d1"), base={"uraian": (1, "d1")})
    assert [c.field for c in found] == ["deleted"]


def test_older_write_loses_but_is_reported():
    current = write({"dpt_l": 3}, (10, "dev-b"))
    state, found = apply(current, {"dpt_l": 4}, (9, "dev-a"), base={})
    assert state.fields["dpt_l"] == 3
    assert found[0].winner == "current"


@given(st.dictionaries(st.sampled_from(FIELDS), values), stamps)
def test_a_write_to_a_new_record_is_the_write_itself(fields, stamp):
    """The push path's shortcut for a record not seen before gives what the general merge
    gives: every field at the write's stamp, no conflict."""
    state, found = apply(Versioned(), fields, stamp, base={"dpt_l": stamp})
    assert same(state, merge(Versioned(), write(fields, stamp)))
    assert found == []
