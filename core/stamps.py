"""Compact stamps: one record-level stamp with per-field exceptions (protocol 2, device disk).

A record's per-field stamps (`core.merge.Versioned.stamps`) mostly share one stamp: a tally is
written by one op. `pack` keeps the commonest stamp once and lists only the fields that differ,
their HLC as a delta from the record stamp (the device id only when it differs). `unpack`
gives back exactly the same map, so the merge and conflict rules never see the difference:
this is a representation, not a rule.

    packed  = [hlc, device, {name: [dhlc] | [dhlc, device] | null}]   (exceptions optional)
              []                                                      (no stamps at all)

The record stamp is the commonest stamp (the greatest among equals), so it is always one of
the record's real stamps. A field present in `fields` takes the record stamp unless it is an
exception; `null` marks a field with no stamp; an exception for a name not in `fields` is a
stamp on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from core.hlc import Stamp

Exception_ = list[Any] | None  # [dhlc] or [dhlc, device]; None = the field has no stamp
Packed = list[Any]


def pack(names: Iterable[str], stamps: Mapping[str, Stamp]) -> Packed:
    """The compact form of `stamps` for a record whose fields are `names`."""
    if not stamps:
        return []
    order = list(names)
    distinct = set(stamps.values())
    if len(distinct) == 1 and stamps.keys() == set(order):  # one op wrote it all: the usual
        hlc, device = next(iter(distinct))
        return [hlc, device]
    counts = Counter(stamps.values())
    top = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
    hlc, device = top
    named = names if isinstance(names, Mapping) else set(order)
    exceptions: dict[str, Exception_] = {n: None for n in order if n not in stamps}
    for name, (s_hlc, s_device) in stamps.items():
        if (s_hlc, s_device) == top and name in named:
            continue
        exceptions[name] = [s_hlc - hlc] if s_device == device else [s_hlc - hlc, s_device]
    return [hlc, device, exceptions] if exceptions else [hlc, device]


def unpack(names: Iterable[str], packed: Packed) -> dict[str, Stamp]:
    """The per-field stamps that `pack(names, stamps)` encoded."""
    if not packed:
        return {}
    hlc, device = int(packed[0]), str(packed[1])
    exceptions: Mapping[str, Exception_] = packed[2] if len(packed) > 2 else {}
    stamps: dict[str, Stamp] = {n: (hlc, device) for n in names if n not in exceptions}
    for name, exc in exceptions.items():
        if exc is not None:
            stamps[name] = (hlc + int(exc[0]), str(exc[1]) if len(exc) > 1 else device)
    return stamps


def top_hlc(packed: Packed) -> int | None:
    """The greatest HLC among the packed stamps, without unpacking them (the record stamp is
    always one of them, so no delta below zero can be the top)."""
    if not packed:
        return None
    exceptions: Mapping[str, Exception_] = packed[2] if len(packed) > 2 else {}
    deltas = [int(e[0]) for e in exceptions.values() if e is not None]
    return int(packed[0]) + max([0, *deltas])


def is_packed(value: Any) -> bool:
    """True for the compact form, False for the per-field map it replaced."""
    return isinstance(value, list)
