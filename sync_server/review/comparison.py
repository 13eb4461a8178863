"""Compare the tallies of every source for one TPS-ballot, field by field (pure).

A source is the author identity of a tally: each party's saksi (`saksi:1`), `ptps`, `polisi`,
and the imported official figure (`resmi`). Only final, non-deleted tallies count; of several
from one source the latest (greatest stamp) is current. A supervisor's verification decides
field values and takes precedence over every source, until a source the decision did not see
(one it does not cite, or a tally written after it) says otherwise on a field it decides: that
value is `disputed` and the TPS-ballot goes back to review (sync_server.review.flags).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from core.election import Election
from core.hlc import Stamp
from core.tally_checks import REQUIRED, label

RESMI = "resmi"
NUMERIC_FIELDS: tuple[str, ...] = tuple(REQUIRED)
TOTAL_FIELDS = ("dpt_j", "pengguna_hak_pilih_j", "suara_sah", "suara_tidak_sah", "suara_total")
FieldState = Literal["agree", "conflict", "single"]
Status = Literal["no_data", "one_source", "partial", "agree", "conflict", "verified"]
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "no_data": ("Belum ada data", "No data"),
    "one_source": ("Satu sumber", "One source"),
    "partial": ("Sebagian satu sumber", "Partly one source"),
    "agree": ("Sumber sepakat", "Sources agree"),
    "conflict": ("Sumber berbeda", "Sources disagree"),
    "verified": ("Terverifikasi", "Verified"),
}


@dataclass(frozen=True)
class Source:
    """The current final tally of one source, with its numbers flattened (`suara.2`)."""

    source: str
    record_id: str
    author: str
    values: dict[str, int]
    photos: tuple[str, ...] = ()
    stamp: Stamp = (0, "")
    seq: int = 0  # the server sequence of its last write (0: not a synced record)
    alasan: str = ""  # the witness's reason (for warnings, or for a form finalised as written)
    paper: bool = False  # "tertulis di formulir demikian": the signed form itself reads so


@dataclass(frozen=True)
class Decision:
    """A supervisor's verification of one TPS-ballot: the values it decides, and why."""

    record_id: str
    author: str
    nilai: dict[str, int]
    sumber: tuple[str, ...] = ()
    photos: tuple[str, ...] = ()
    alasan: str = ""
    stamp: Stamp = (0, "")
    seq: int = 0  # the server sequence of its last write


@dataclass(frozen=True)
class FieldResult:
    field: str
    state: FieldState
    values: dict[str, int]
    value: int | None
    verified: bool = False
    # sources the decision did not see that differ from the decided value
    disputed: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def open(self) -> bool:
        """A conflict no verification has decided yet."""
        return self.state == "conflict" and not self.verified


@dataclass(frozen=True)
class Comparison:
    sources: list[Source]
    fields: list[FieldResult]
    decision: Decision | None
    status: Status
    values: dict[str, int] = field(default_factory=dict)


def source_of(role: str, party: int | None) -> str | None:
    """The source identity of a tally author; None for roles that cannot be a source."""
    if role == "saksi":
        return f"saksi:{party}"
    if role in ("ptps", "polisi", RESMI):
        return role
    return None


def source_label(source: str, election: Election | None = None, lang: str = "id") -> str:
    if source.startswith("saksi:"):
        party = source.split(":", 1)[1]
        name = _party_name(party, election)
        return f"{'Saksi' if lang != 'en' else 'Witness'} {name}"
    names = {"ptps": ("PTPS", "TPS supervisor"), "polisi": ("Polisi", "Police"),
             RESMI: ("Angka resmi KPU", "Official KPU figure")}  # fmt: skip
    pair = names.get(source, (source, source))
    return pair[1] if lang == "en" else pair[0]


def _party_name(party: str, election: Election | None) -> str:
    found = election.party(int(party)) if election and party.isdecimal() else None
    return f"{found.singkatan} ({party})" if found else f"partai {party}"


def field_label(name: str) -> str:
    return label(name)


MAPS = ("suara", "jumlah_partai")  # per candidate/party numbers, flattened as `suara.2`


def flatten(fields: Mapping[str, Any]) -> dict[str, int]:
    """Numeric fields of a tally (or a verification's `nilai`) as one flat map."""
    out: dict[str, int] = {}
    for name, value in fields.items():
        if name in MAPS and isinstance(value, Mapping):
            out.update({f"{name}.{k}": v for k, v in value.items() if _is_count(v)})
        elif (name in NUMERIC_FIELDS or _mapped(name)) and _is_count(value):
            out[name] = value
    return out


def _mapped(name: str) -> bool:
    return any(name.startswith(f"{m}.") for m in MAPS)


def unflatten(values: Mapping[str, int]) -> dict[str, Any]:
    """The inverse of `flatten`, to run core.tally_checks on decided values."""
    out: dict[str, Any] = {k: v for k, v in values.items() if not _mapped(k)}
    for m in MAPS:
        found = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith(f"{m}.")}
        if found:
            out[m] = found
    return out


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def latest_per_source(sources: Iterable[Source]) -> list[Source]:
    """One current tally per source: the greatest stamp wins, then the record id."""
    best: dict[str, Source] = {}
    for s in sources:
        held = best.get(s.source)
        if held is None or (s.stamp, s.record_id) > (held.stamp, held.record_id):
            best[s.source] = s
    return [best[k] for k in sorted(best)]


def field_order(names: Iterable[str], election: Election | None, ballot: str) -> list[str]:
    """Form order as on C.Hasil: sections I-III, the votes of IV (in ballot order when the
    election is known, else by number), then V; the same with or without the election."""
    vote_rank: dict[str, int] = {}
    if election is not None and ballot in election.ballot_codes():
        b = election.ballot(ballot)
        order = [f"suara.{k}" for k in b.vote_keys()]
        for p in b.partai:  # a party's total after its last candidate
            last = f"suara.{p.no}.{p.caleg[-1].no}" if p.caleg else f"suara.{p.no}"
            order.insert(order.index(last) + 1, f"jumlah_partai.{p.no}")
        vote_rank = {n: i for i, n in enumerate(order)}
    head, totals = NUMERIC_FIELDS[:-3], NUMERIC_FIELDS[-3:]  # I-III, then V.A-V.C
    head_rank = {n: i for i, n in enumerate(head)}

    def key(n: str) -> tuple[int, int, tuple[int, ...]]:
        if _mapped(n):
            return (1, vote_rank.get(n, len(vote_rank)), _vote_sort_key(n))
        if n in totals:
            return (2, totals.index(n), ())
        return (0, head_rank.get(n, len(head_rank)), ())

    return sorted(set(names), key=lambda n: (key(n), n))


def _vote_sort_key(name: str) -> tuple[int, ...]:
    tail = name.split(".", 1)[1] if _mapped(name) else ""
    return tuple(int(p) for p in tail.split(".") if p.isdigit())


def unseen(source: Source, decision: Decision) -> bool:
    """A source the decision did not see: written after it (a later HLC, equal stamps count as
    seen; or stored after it on the server, which catches a phone whose clock is behind), or not
    among the records it cites when it cites any."""
    if source.stamp[0] > decision.stamp[0]:
        return True
    if source.seq and decision.seq and source.seq > decision.seq:
        return True
    return bool(decision.sumber) and source.record_id not in decision.sumber


def compare_field(name: str, sources: list[Source], decision: Decision | None) -> FieldResult:
    values = {s.source: s.values[name] for s in sources if name in s.values}
    distinct = set(values.values())
    state: FieldState = "single" if len(values) == 1 else "agree"
    if len(distinct) > 1:
        state = "conflict"
    value = next(iter(distinct)) if len(distinct) == 1 else None
    if decision is not None and name in decision.nilai:
        decided_value = decision.nilai[name]
        against = {
            s.source: s.values[name]
            for s in sources
            if name in s.values and s.values[name] != decided_value and unseen(s, decision)
        }
        return FieldResult(name, state, values, decided_value, True, against)
    return FieldResult(name, state, values, value)


def compare(
    sources: Iterable[Source],
    decision: Decision | None,
    election: Election | None = None,
    ballot: str = "",
) -> Comparison:
    """Per field agree / conflict / single, the TPS-ballot's status and its decided values."""
    current = latest_per_source(sources)
    names = {n for s in current for n in s.values}
    if decision is not None:
        names |= set(decision.nilai)
    fields = [compare_field(n, current, decision) for n in field_order(names, election, ballot)]
    status = status_of(current, fields, decision)
    values = {f.field: f.value for f in fields if f.value is not None}
    return Comparison(current, fields, decision, status, values)


def status_of(
    sources: list[Source], fields: list[FieldResult], decision: Decision | None
) -> Status:
    if any(f.open for f in fields):
        return "conflict"
    if decision is not None:
        return "verified"
    if not sources:
        return "no_data"
    if len(sources) == 1:
        return "one_source"
    return "partial" if any(f.state == "single" for f in fields) else "agree"


def counted(comparison: Comparison, high_flag: bool) -> dict[str, int]:
    """The values that count in totals: a field verified (and undisputed), or agreed by two or
    more sources and contradicted by none, on a TPS-ballot with no unresolved high flag. A
    field only one source gave never counts until a supervisor verifies it."""
    if comparison.status == "verified":
        if disputed(comparison):
            return {}
    elif high_flag or comparison.status not in ("agree", "partial"):
        return {}
    return {
        f.field: f.value
        for f in comparison.fields
        if f.value is not None and (f.verified or f.state == "agree")
    }


def coverage(comparison: Comparison) -> dict[str, int]:
    """How many fields are agreed, rest on one source, conflict, or were verified."""
    out = {"agree": 0, "single": 0, "conflict": 0, "verified": 0}
    for f in comparison.fields:
        out["verified" if f.verified else f.state] += 1
    return out


def disputed(comparison: Comparison) -> bool:
    """A verification that a source it did not see contradicts: back to review."""
    return any(f.disputed for f in comparison.fields)


def decided(comparison: Comparison) -> bool:
    """Settles its values: verified and undisputed, or agreed by two or more sources. (Totals
    also leave out agreed values carrying a high-severity flag: flags.is_decided.)"""
    if comparison.status == "verified":
        return not disputed(comparison)
    return comparison.status == "agree"
