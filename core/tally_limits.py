"""What cannot happen at a TPS, and the per-party totals of DPR/DPRD forms (pure).

Physically impossible relations are errors, worded for a witness: more ballots used than
received, more voters with disabilities than voters, more voters than DPT + DPTb + DPK, values
above the election's per-TPS caps (DPT above the cap; voters, ballots and votes above the cap
plus its reserve). A party's written total (`jumlah_partai`) must equal its party vote plus its
candidates' votes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core.records import COLUMNS
from core.tally_finding import Finding, label, num


def _impossible(rule: str, fields: tuple[str, ...], what_id: str, what_en: str) -> Finding:
    return Finding(
        rule,
        "error",
        fields,
        f"{what_id}. Itu tidak mungkin: periksa angkanya di formulir",
        f"{what_en}. That cannot happen: check the numbers on the form",
    )


def used_le_received(t: Mapping[str, Any]) -> Finding | None:
    used, received = num(t, "ss_digunakan"), num(t, "ss_diterima")
    if used is None or received is None or used <= received:
        return None
    return _impossible(
        "used_le_received",
        ("ss_digunakan", "ss_diterima"),
        f"Surat suara yang digunakan (II.2: {used}) lebih banyak dari yang diterima "
        f"(II.1: {received})",
        f"More ballots used (II.2: {used}) than received (II.1: {received})",
    )


def disabled_le_voters(t: Mapping[str, Any]) -> list[Finding]:
    out = []
    for c in COLUMNS:
        dis, voters = num(t, f"disabilitas_{c}"), num(t, f"pengguna_hak_pilih_{c}")
        if dis is None or voters is None or dis <= voters:
            continue
        out.append(
            _impossible(
                "disabled_le_voters",
                (f"disabilitas_{c}", f"pengguna_hak_pilih_{c}"),
                f"Pemilih disabilitas ({label(f'disabilitas_{c}')}: {dis}) lebih banyak dari "
                f"semua pemilih ({label(f'pengguna_hak_pilih_{c}')}: {voters})",
                f"More voters with disabilities ({label(f'disabilitas_{c}')}: {dis}) than "
                f"voters ({label(f'pengguna_hak_pilih_{c}')}: {voters})",
            )
        )
    return out


def voters_le_registered(t: Mapping[str, Any]) -> Finding | None:
    names = ("dpt_j", "pemilih_dptb_j", "pemilih_dpk_j")
    parts = [num(t, n) for n in names]
    voters = num(t, "pengguna_hak_pilih_j")
    if voters is None or any(p is None for p in parts):
        return None
    allowed = sum(p for p in parts if p is not None)
    if voters <= allowed:
        return None
    dpt, dptb, dpk = parts
    return _impossible(
        "voters_le_registered",
        ("pengguna_hak_pilih_j", *names),
        f"Pemilih yang datang (I.B.4: {voters}) lebih banyak dari DPT + DPTb + DPK "
        f"({dpt} + {dptb} + {dpk} = {allowed})",
        f"More voters (I.B.4: {voters}) than DPT + DPTb + DPK ({dpt} + {dptb} + {dpk} = {allowed})",
    )


CAPPED_WITH_RESERVE = ("pengguna_hak_pilih_j", "ss_diterima", "ss_digunakan", "suara_total")


def above_caps(t: Mapping[str, Any], cap: int, ratio: float) -> list[Finding]:
    """DPT above the per-TPS cap; voters, ballots and votes above the cap plus its reserve."""
    with_reserve = cap + math.ceil(cap * ratio)
    limits = {"dpt_j": cap, **dict.fromkeys(CAPPED_WITH_RESERVE, with_reserve)}
    out = []
    for name, limit in limits.items():
        value = num(t, name)
        if value is None or value <= limit:
            continue
        out.append(
            _impossible(
                "above_cap",
                (name,),
                f"{label(name)} ({value}) melebihi batas per TPS ({limit}; paling banyak "
                f"{cap} pemilih DPT per TPS)",
                f"{label(name)} ({value}) is above the per-TPS limit ({limit}; at most {cap} "
                "registered voters per TPS)",
            )
        )
    return out


def party_sums(t: Mapping[str, Any]) -> list[Finding]:
    """Each written party total = the party vote + the votes of its candidates."""
    totals = t.get("jumlah_partai") or {}
    votes = t.get("suara") or {}
    out = []
    for party, written in sorted(totals.items(), key=lambda kv: int(kv[0])):
        if not isinstance(written, int):
            continue
        prefix = f"{party}."
        parts = {k: v for k, v in votes.items() if k == party or k.startswith(prefix)}
        expected = sum(v for v in parts.values() if isinstance(v, int))
        if expected == written:
            continue
        shown = " + ".join(str(parts[k]) for k in sorted(parts, key=_vote_order)) or "0"
        out.append(
            Finding(
                "party_sum",
                "error",
                (f"jumlah_partai.{party}", "suara"),
                f"Jumlah suara partai {party} harus = suara partai + suara calonnya "
                f"({shown} = {expected}), tertulis {written}",
                f"Party {party}'s total must equal the party vote plus its candidates' votes "
                f"({shown} = {expected}), written {written}",
            )
        )
    return out


def _vote_order(key: str) -> tuple[int, ...]:
    return tuple(int(p) for p in key.split("."))
