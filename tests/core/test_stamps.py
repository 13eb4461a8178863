"""Packed stamps (core/stamps.py) are a lossless representation: the merge never sees them."""

import json

from hypothesis import given
from hypothesis import strategies as st

from core.merge import Versioned, merge, write
from core.protocol import PullResponse, RecordOut
from core.stamps import pack, top_hlc, unpack

NAMES = ["dpt_l", "dpt_p", "suara_sah", "status", "deleted", "alasan"]
stamps = st.tuples(st.integers(0, 2**62), st.sampled_from(["dev-a", "dev-b", "dev-c"]))


@st.composite
def records(draw):
    """Any fields and stamps, including fields without a stamp and stamps without a field."""
    names = draw(st.lists(st.sampled_from(NAMES), unique=True))
    stamped = draw(st.lists(st.sampled_from(NAMES), unique=True))
    return (
        {n: draw(st.integers(0, 999)) for n in names},
        {n: draw(stamps) for n in stamped},
    )


@given(records())
def test_unpack_gives_back_exactly_the_stamps(record):
    fields, per_field = record
    packed = json.loads(json.dumps(pack(fields, per_field)))  # as stored and sent
    assert unpack(fields, packed) == per_field


@given(records())
def test_top_hlc_is_the_greatest_stamp(record):
    fields, per_field = record
    top = max((s[0] for s in per_field.values()), default=None)
    assert top_hlc(pack(fields, per_field)) == top


@given(st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 9), stamps), max_size=10))
def test_merging_through_the_packed_form_is_the_same_merge(writes):
    """Each write packed and unpacked on its way (wire, disk): the same state as without."""
    plain, through = Versioned(), Versioned()
    for name, value, stamp in writes:
        change = write({name: value}, stamp)
        plain = merge(plain, change)
        through = merge(through, change)
        through = Versioned(
            through.fields, unpack(through.fields, pack(through.fields, through.stamps))
        )
    assert dict(through.fields) == dict(plain.fields)
    assert dict(through.stamps) == dict(plain.stamps)


def test_a_record_written_by_one_op_is_one_stamp():
    fields = {"dpt_l": 120, "dpt_p": 130, "suara_sah": 200}
    assert pack(fields, {n: (7, "dev-a") for n in fields}) == [7, "dev-a"]


def test_a_corrected_field_is_one_exception_with_a_delta():
    fields = {"dpt_l": 120, "dpt_p": 130, "alasan": "salah baca"}
    per_field = {"dpt_l": (7, "dev-a"), "dpt_p": (9, "dev-a"), "alasan": (9, "dev-a")}
    per_field["dpt_l"] = (7, "dev-b")
    assert pack(fields, per_field) == [9, "dev-a", {"dpt_l": [-2, "dev-b"]}]


def test_no_stamps_packs_to_an_empty_list():
    assert pack({"a": 1}, {}) == []
    assert unpack({"a": 1}, []) == {}


def test_a_pull_page_in_either_shape_gives_the_same_record():
    fields = {"dpt_l": 1, "suara_sah": 2}
    per_field = {"dpt_l": (5, "d1"), "suara_sah": (6, "d2")}
    old = RecordOut(id="r", kind="tally", tps="3517012001001", author="u", fields=fields,
                    stamps=per_field, seq=1)  # fmt: skip
    new = RecordOut.model_validate({**old.model_dump(), "stamps": pack(fields, per_field)})
    body = PullResponse(records=[old, new], next=1, more=False, server_hlc=0).model_dump_json()
    again = PullResponse.model_validate_json(body).records
    assert again[0].versioned() == again[1].versioned() == Versioned(fields, per_field)
    assert again[0].packed() == again[1].packed()
