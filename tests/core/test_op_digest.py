"""The server's fast check of an op against its signed digest (core/signing.op_matches) says
exactly what the canonical encoding says, whatever the key order, floats or text."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core import signing
from core.protocol import Op

keys = st.text(min_size=1, max_size=8)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)  # control characters, quotes, non-ASCII, surrogate-free
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)
stamps = st.none() | st.tuples(st.integers(0, 2**62), st.sampled_from(["dev-a", "dev-b"]))


@st.composite
def ops(draw: st.DrawFn) -> Op:
    fields = draw(st.dictionaries(keys, values, min_size=1, max_size=6))
    base = draw(st.dictionaries(keys, stamps, max_size=3))
    return Op.model_validate({"op_id": "dev-a:1", "seq": draw(st.integers(1, 2**40)),
                              "record_id": "r-1", "kind": draw(st.sampled_from(["tally", "incident"])),
                              "tps": "3517010001001", "fields": fields,
                              "hlc": draw(st.integers(0, 2**62)), "base": base})  # fmt: skip


def _reordered(op: Op, canonical: bool) -> Op:
    data: dict[str, Any] = op.model_dump(mode="json")
    if canonical:
        data["fields"] = signing.in_canonical_order(data["fields"])
        data["base"] = dict(sorted(data["base"].items()))
    else:  # the keys in reverse order at every level
        data["fields"] = _reversed(data["fields"])
        data["base"] = dict(reversed(list(data["base"].items())))
    return Op.model_validate_json(Op.model_validate(data).model_dump_json())  # over the wire


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


@settings(max_examples=300)
@given(ops(), st.booleans())
def test_an_op_matches_its_own_digest_in_any_key_order(op: Op, canonical: bool) -> None:
    sent = _reordered(op, canonical)
    assert signing.op_matches(sent, signing.op_digest(op))


@settings(max_examples=300)
@given(ops(), ops(), st.booleans())
def test_an_op_never_matches_another_ops_digest(op: Op, other: Op, canonical: bool) -> None:
    if signing.op_bytes(op) == signing.op_bytes(other):
        return  # the same op drawn twice
    assert not signing.op_matches(_reordered(op, canonical), signing.op_digest(other))


def test_an_op_sent_in_canonical_order_hashes_to_its_canonical_bytes() -> None:
    """The fast path is taken for what phones send (a C.Hasil with its vote map)."""
    fields = {"suara": {"2": 10, "1": 5}, "status": "final", "dpt_l": 140, "catatan": "é ☃"}
    op = Op(op_id="d:1", seq=1, record_id="r", kind="tally", tps="3517010001001",
            fields=signing.in_canonical_order(fields), hlc=7, base={"dpt_l": (5, "d")})  # fmt: skip
    assert list(op.fields) == ["catatan", "dpt_l", "status", "suara"]
    assert list(op.fields["suara"]) == ["1", "2"]
    assert signing.digest_as_sent(op) == signing.op_digest(op)
    assert signing.op_matches(op, signing.op_digest(op))
    reversed_op = op.model_copy(update={"fields": _reversed(op.fields)})
    assert signing.digest_as_sent(reversed_op) != signing.op_digest(op)  # not the fast path
    assert signing.op_matches(reversed_op, signing.op_digest(op))  # the same verdict
