"""The C.Hasil identities (domain.md) as pure checks.

Each finding is an `error` (blocks final), a `warning` (final needs a typed reason) or a
`flag` (shown, and raised for review), with words in Bahasa Indonesia and English that name
the form's fields, e.g. "I.B.4 harus = I.B.1 + I.B.2 + I.B.3 (225 + 5 + 2 = 232), tertulis 240".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from core.election import Ballot, Election
from core.records import BALLOT_ROWS, COLUMNS, VOTER_ROWS

Level = Literal["error", "warning", "flag"]

ROW_LABELS = {
    "dpt": "I.A",
    "pemilih_dpt": "I.B.1",
    "pemilih_dptb": "I.B.2",
    "pemilih_dpk": "I.B.3",
    "pengguna_hak_pilih": "I.B.4",
    "disabilitas": "III",
}
LABELS: dict[str, str] = {
    **{
        f"{row}_{c}": f"{label} ({c.upper()})" for row, label in ROW_LABELS.items() for c in COLUMNS
    },
    "ss_diterima": "II.1",
    "ss_digunakan": "II.2",
    "ss_rusak": "II.3",
    "ss_sisa": "II.4",
    "suara": "IV",
    "suara_sah": "V.A",
    "suara_tidak_sah": "V.B",
    "suara_total": "V.C",
}
REQUIRED = [
    *(f"{row}_{c}" for row in VOTER_ROWS for c in COLUMNS),
    *BALLOT_ROWS,
    *(f"disabilitas_{c}" for c in COLUMNS),
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
]


@dataclass(frozen=True)
class Finding:
    rule: str
    level: Level
    fields: tuple[str, ...]
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id


def label(field: str) -> str:
    return LABELS.get(field, field)


def _num(t: Mapping[str, Any], name: str) -> int | None:
    value = t.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sum_rule(
    rule: str, level: Level, t: Mapping[str, Any], total: str, parts: list[str]
) -> Finding | None:
    """`total` must equal the sum of `parts`; silent while any of them is empty."""
    values = [_num(t, p) for p in parts]
    written = _num(t, total)
    if written is None or any(v is None for v in values):
        return None
    expected = sum(v for v in values if v is not None)
    if expected == written:
        return None
    terms = " + ".join(label(p) for p in parts)
    numbers = " + ".join(str(v) for v in values)
    return Finding(
        rule,
        level,
        (total, *parts),
        f"{label(total)} harus = {terms} ({numbers} = {expected}), tertulis {written}",
        f"{label(total)} must equal {terms} ({numbers} = {expected}), written {written}",
    )


def vote_total(t: Mapping[str, Any]) -> int:
    """Sum of section IV (a party's total is its party vote plus its candidates' votes)."""
    votes = t.get("suara") or {}
    return sum(v for v in votes.values() if isinstance(v, int))


def party_total(t: Mapping[str, Any], party_no: int) -> int:
    votes = t.get("suara") or {}
    prefix = f"{party_no}."
    return sum(v for k, v in votes.items() if k == str(party_no) or k.startswith(prefix))


def computed(t: Mapping[str, Any]) -> dict[str, int]:
    """Totals the form defines as sums, for showing beside the typed ones."""
    out: dict[str, int] = {"suara_sah": vote_total(t)}
    for c in COLUMNS:
        parts = [_num(t, f"{row}_{c}") for row in ("pemilih_dpt", "pemilih_dptb", "pemilih_dpk")]
        if all(v is not None for v in parts):
            out[f"pengguna_hak_pilih_{c}"] = sum(v for v in parts if v is not None)
    for row in (*VOTER_ROWS, "disabilitas"):
        lp = [_num(t, f"{row}_l"), _num(t, f"{row}_p")]
        if all(v is not None for v in lp):
            out[f"{row}_j"] = sum(v for v in lp if v is not None)
    sah, tidak_sah = _num(t, "suara_sah"), _num(t, "suara_tidak_sah")
    if sah is not None and tidak_sah is not None:
        out["suara_total"] = sah + tidak_sah
    return out


def _identities(t: Mapping[str, Any]) -> list[Finding | None]:
    found: list[Finding | None] = []
    for row in (*VOTER_ROWS, "disabilitas"):
        found.append(_sum_rule("row_lp", "error", t, f"{row}_j", [f"{row}_l", f"{row}_p"]))
    for c in COLUMNS:
        parts = [f"pemilih_dpt_{c}", f"pemilih_dptb_{c}", f"pemilih_dpk_{c}"]
        found.append(_sum_rule("b4_sum", "error", t, f"pengguna_hak_pilih_{c}", parts))
    found.append(_sum_rule("vc_sum", "error", t, "suara_total", ["suara_sah", "suara_tidak_sah"]))
    found.append(
        _sum_rule(
            "ii_sum",
            "warning",
            t,
            "ss_diterima",
            ["ss_digunakan", "ss_rusak", "ss_sisa"],
        )
    )
    return found


def _valid_votes(t: Mapping[str, Any]) -> Finding | None:
    sah = _num(t, "suara_sah")
    if sah is None or t.get("suara") is None:
        return None
    total = vote_total(t)
    if total == sah:
        return None
    return Finding(
        "va_sum",
        "error",
        ("suara_sah", "suara"),
        f"V.A (suara sah) harus = jumlah suara di IV ({total}), tertulis {sah}",
        f"V.A (valid votes) must equal the sum of votes in IV ({total}), written {sah}",
    )


def _at_most(rule: str, level: Level, t: Mapping[str, Any], small: str, big: str) -> Finding | None:
    a, b = _num(t, small), _num(t, big)
    if a is None or b is None or a <= b:
        return None
    return Finding(
        rule,
        level,
        (small, big),
        f"{label(small)} ({a}) tidak boleh lebih dari {label(big)} ({b}), selisih {a - b}",
        f"{label(small)} ({a}) must not exceed {label(big)} ({b}), over by {a - b}",
    )


def _used_equals_voted(t: Mapping[str, Any]) -> Finding | None:
    names = ["ss_digunakan", "suara_total", "pengguna_hak_pilih_j"]
    values = [_num(t, n) for n in names]
    if any(v is None for v in values) or len(set(values)) == 1:
        return None
    shown = ", ".join(f"{label(n)} = {v}" for n, v in zip(names, values, strict=True))
    return Finding(
        "used_equals_voted",
        "warning",
        tuple(names),
        f"II.2, V.C dan I.B.4 biasanya sama ({shown})",
        f"II.2, V.C and I.B.4 are normally equal ({shown})",
    )


def _reserve(t: Mapping[str, Any], ratio: float) -> Finding | None:
    dpt, received = _num(t, "dpt_j"), _num(t, "ss_diterima")
    if dpt is None or received is None:
        return None
    # Rounding of the 2% reserve is not confirmed (domain.md [U]): accept floor, round or ceil.
    allowed = {
        dpt + math.floor(dpt * ratio),
        dpt + round(dpt * ratio),
        dpt + math.ceil(dpt * ratio),
    }
    if received in allowed:
        return None
    expected = dpt + math.ceil(dpt * ratio)
    return Finding(
        "reserve",
        "warning",
        ("ss_diterima", "dpt_j"),
        f"II.1 biasanya = DPT + 2% cadangan ({dpt} + {expected - dpt} = {expected}), "
        f"tertulis {received}",
        f"II.1 is normally DPT + 2% reserve ({dpt} + {expected - dpt} = {expected}), "
        f"written {received}",
    )


def _inflation(t: Mapping[str, Any], ratio: float) -> Finding | None:
    dpt = _num(t, "dpt_j")
    if dpt is None or t.get("suara") is None:
        return None
    total = vote_total(t)
    limit = dpt * (1 + ratio)
    if total <= limit:
        return None
    return Finding(
        "votes_above_dpt",
        "flag",
        ("suara", "dpt_j"),
        f"Jumlah suara ({total}) melebihi DPT + 2% ({math.floor(limit)}): periksa kembali",
        f"Total votes ({total}) exceed DPT + 2% ({math.floor(limit)}): review this",
    )


def _vote_keys(t: Mapping[str, Any], ballot: Ballot | None) -> Finding | None:
    if ballot is None or not t.get("suara"):
        return None
    unknown = sorted(set(t["suara"]) - set(ballot.vote_keys()))
    if not unknown:
        return None
    keys = ", ".join(unknown)
    return Finding(
        "unknown_candidate",
        "error",
        ("suara",),
        f"Nomor calon/partai tidak ada di surat suara {ballot.name_id}: {keys}",
        f"No such candidate/party on the {ballot.name_en} ballot: {keys}",
    )


def _missing(t: Mapping[str, Any]) -> Finding | None:
    empty = [f for f in REQUIRED if _num(t, f) is None]
    if not empty:
        return None
    names = ", ".join(label(f) for f in empty[:8]) + (" ..." if len(empty) > 8 else "")
    return Finding(
        "missing",
        "error",
        tuple(empty),
        f"Belum diisi: {names}",
        f"Not filled in yet: {names}",
    )


def _range(t: Mapping[str, Any]) -> Finding | None:
    numbers = {k: v for k, v in t.items() if _num(t, k) is not None}
    numbers.update({f"suara {k}": v for k, v in (t.get("suara") or {}).items()})
    bad = sorted(k for k, v in numbers.items() if isinstance(v, int) and not 0 <= v <= 999)
    if not bad:
        return None
    names = ", ".join(label(k) for k in bad)
    return Finding(
        "range",
        "error",
        tuple(bad),
        f"Angka harus 0 sampai 999: {names}",
        f"Numbers must be 0 to 999: {names}",
    )


def check_tally(
    t: Mapping[str, Any], election: Election | None = None, *, final: bool = False
) -> list[Finding]:
    """Every identity of the form; with `final`, empty required fields are errors too."""
    ballot = None
    if election is not None and t.get("ballot") in election.ballot_codes():
        ballot = election.ballot(t["ballot"])
    ratio = election.reserve_ratio if election else 0.02
    found = [
        _range(t),
        *_identities(t),
        _valid_votes(t),
        _at_most("vc_le_b4", "error", t, "suara_total", "pengguna_hak_pilih_j"),
        *(_at_most("b1_le_a", "error", t, f"pemilih_dpt_{c}", f"dpt_{c}") for c in COLUMNS),
        _at_most("disabled_le_voters", "warning", t, "disabilitas_j", "pengguna_hak_pilih_j"),
        _used_equals_voted(t),
        _reserve(t, ratio),
        _inflation(t, ratio),
        _vote_keys(t, ballot),
        _missing(t) if final else None,
    ]
    return [f for f in found if f is not None]


def blocking(findings: list[Finding], reason: str | None) -> list[Finding]:
    """What stops "Final": every error, and every warning while no reason is typed."""
    has_reason = bool(reason and reason.strip())
    return [f for f in findings if f.level == "error" or (f.level == "warning" and not has_reason)]
