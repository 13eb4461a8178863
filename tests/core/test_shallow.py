"""The nesting limit on record fields: the level-by-level walk refuses exactly what a plain
recursive reading of MAX_DEPTH refuses, and no field of any kind takes a value nested deeper."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.records import KINDS, MAX_DEPTH, shallow, validate_fields

leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
nested = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=40,
)


def too_deep(value: Any, depth: int = 1) -> bool:
    """A container at depth MAX_DEPTH or deeper that still holds values."""
    if not isinstance(value, (dict, list)):
        return False
    items = list(value.values()) if isinstance(value, dict) else value
    if depth >= MAX_DEPTH and items:
        return True
    return any(too_deep(v, depth + 1) for v in items)


def chain(depth: int, leaf: Any) -> dict[str, Any]:
    value = leaf
    for _ in range(depth - 1):
        value = [value]
    return {"a": value}


@given(st.dictionaries(st.text(max_size=3), nested, max_size=4), st.integers(1, MAX_DEPTH + 3))
def test_refuses_exactly_what_is_nested_too_deep(fields, extra):
    fields = {**fields, "deep": chain(extra, 1)}
    if too_deep(fields):
        with pytest.raises(ValueError, match="nested deeper"):
            shallow(fields)
    else:
        assert shallow(fields) is fields


def test_the_limit_itself():
    assert shallow(chain(MAX_DEPTH - 1, 1)) is not None  # the root dict is level 1
    assert shallow(chain(MAX_DEPTH - 1, [])) is not None  # an empty container at the limit
    with pytest.raises(ValueError, match="nested deeper"):
        shallow(chain(MAX_DEPTH, 1))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_field_of_any_kind_takes_a_value_nested_too_deep(kind):
    deep = chain(MAX_DEPTH, 1)["a"]  # as a field's value (level 2): one level too deep
    for name in KINDS[kind].model_fields:
        with pytest.raises(DomainError):
            validate_fields(kind, {name: deep})
        with pytest.raises(DomainError):
            validate_fields(kind, {name: {"k": deep}})


def test_a_verification_keeps_values_nested_within_the_limit():
    ok = chain(MAX_DEPTH - 2, 1)["a"]  # nilai at level 2, its values down to MAX_DEPTH - 1
    assert validate_fields("verification", {"nilai": {"k": ok}})
