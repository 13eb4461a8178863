"""Conflict detection: a write conflicts exactly on the fields whose current value it did not
see (its base does not name the current stamp) and that another device wrote differently."""

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from core.merge import DELETED, Versioned, apply, conflicts, merge, write

FIELDS = ["dpt_l", "suara_sah", "uraian", DELETED]
DEVICES = ["dev-a", "dev-b", "dev-c"]
values = st.one_of(st.integers(0, 3), st.sampled_from(["x", "y"]))
stamps = st.tuples(st.integers(1, 40), st.sampled_from(DEVICES))


@st.composite
def records(draw: st.DrawFn) -> Versioned:
    writes = draw(st.lists(st.tuples(st.sampled_from(FIELDS), values, stamps), max_size=8))
    state = Versioned()
    for name, value, stamp in writes:
        value = draw(st.booleans()) if name == DELETED else value
        state = merge(state, write({name: value}, stamp))
    return state


changes = st.dictionaries(st.sampled_from(FIELDS[:3]), values, min_size=1, max_size=3)


def touched(current: Versioned, incoming: dict[str, object]) -> set[str]:
    names = set(incoming)
    if incoming.get(DELETED):
        names |= set(current.stamps)
    elif current.fields.get(DELETED):
        names.add(DELETED)
    return names & set(current.stamps)


@given(records(), changes, stamps)
def test_a_write_whose_base_names_every_current_stamp_never_conflicts(current, incoming, stamp):
    base = dict(current.stamps)
    assert conflicts(current, incoming, stamp, base) == []


@given(st.lists(st.tuples(changes, st.integers(1, 40)), min_size=1, max_size=6), st.randoms())
def test_a_phones_consecutive_writes_never_conflict_with_each_other(writes, rnd):
    state = Versioned()
    for fields, hlc in writes:
        # whatever the phone's base (clamped, refused or stale stamps of its own)
        base = {name: (rnd.randint(0, 50), "dev-a") for name in fields}
        state, found = apply(state, fields, (hlc, "dev-a"), base)
        assert found == []
    _, found = apply(state, {DELETED: True}, (41, "dev-a"), {})
    assert found == []


@given(records(), changes, stamps, st.data())
def test_a_write_that_did_not_see_the_current_value_always_conflicts(
    current, incoming, stamp, data
):
    base = {}
    for name, current_stamp in current.stamps.items():
        other = data.draw(stamps.filter(_other_than(current_stamp)))
        base[name] = data.draw(st.sampled_from([None, other, current_stamp]))
    expected = set()
    for name in touched(current, incoming):
        value = incoming.get(name, False if name == DELETED else None)
        unseen = base.get(name) != current.stamps[name]
        if unseen and current.stamps[name][1] != stamp[1] and value != current.fields[name]:
            expected.add(name)
    found = conflicts(current, incoming, stamp, base)
    assert {c.field for c in found} == expected


def _other_than(stamp: tuple[int, str]) -> Callable[[tuple[int, str]], bool]:
    return lambda s: s != stamp


def test_a_newer_base_that_is_not_the_current_stamp_is_a_conflict():
    # the writer's own clamped or refused stamp is newer but says nothing of dev-b's value
    current = write({"suara_sah": 210}, (10, "dev-b"))
    found = conflicts(current, {"suara_sah": 201}, (30, "dev-a"), {"suara_sah": (20, "dev-a")})
    assert [c.field for c in found] == ["suara_sah"]


def test_a_server_clamped_own_write_is_no_conflict():
    current = write({"suara_sah": 210}, (10, "dev-a"))  # the server's clamp of (99, dev-a)
    assert (
        conflicts(current, {"suara_sah": 201}, (100, "dev-a"), {"suara_sah": (99, "dev-a")}) == []
    )


def test_editing_a_record_one_deleted_oneself_is_no_conflict():
    current = merge(write({"uraian": "a"}, (1, "dev-a")), write({DELETED: True}, (5, "dev-a")))
    assert conflicts(current, {"uraian": "b"}, (6, "dev-a"), {"uraian": (1, "dev-a")}) == []
