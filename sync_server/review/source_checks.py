"""Every form check of `core.tally_checks`, run again on the server for each source (pure).

A source's findings are kept with it (shown per source in the comparison and the exports) and
become flags on its TPS-ballot: a broken hard identity (`identity`) or an impossible number
(`impossible`) is high; one the witness says the signed paper itself carries ("tertulis di
formulir demikian", `as_written`) is high too, as evidence; votes above DPT + 2% and above the
per-TPS cap are high; a warning (`form_warning`) is low and carries the witness's reason.
"""

from __future__ import annotations

import math
from typing import Any

from core.election import Election
from core.tally_checks import Finding, check_tally, vote_total
from sync_server.review.comparison import Source, source_label, unflatten
from sync_server.review.flags import HIGH, LOW, SEVERITY_NAMES, Flag

IMPOSSIBLE = frozenset(
    {"used_le_received", "disabled_le_voters", "voters_le_registered", "above_cap", "range"}
)


def findings(s: Source, ballot: str, election: Election | None) -> list[Finding]:
    """What core.tally_checks finds in one source's numbers (its form as the server holds it)."""
    t: dict[str, Any] = {**unflatten(s.values), "ballot": ballot}
    return check_tally(t, election)


def severity(f: Finding) -> int:
    return LOW if f.level == "warning" else HIGH


def _rule(f: Finding, s: Source) -> str:
    if f.level == "warning":
        return "form_warning"
    if f.level == "flag":
        return f.rule
    if s.paper and f.paper:
        return "as_written"
    return "impossible" if f.rule in IMPOSSIBLE else "identity"


def _why(f: Finding, s: Source) -> tuple[str, str]:
    """What the witness said about it: the reason of a warning, or that the paper reads so."""
    reason = s.alasan.strip()
    if f.level == "warning":
        return (
            f" (alasan saksi: {reason})" if reason else " (tanpa alasan)",
            f" (witness's reason: {reason})" if reason else " (no reason given)",
        )
    if f.level == "error" and s.paper and f.paper:
        return (
            f" (tertulis di formulir demikian; alasan: {reason})",
            f" (the signed form reads so; reason: {reason})",
        )
    return "", ""


def source_flags(s: Source, ballot: str, election: Election | None) -> list[Flag]:
    who = source_label(s.source, election)
    who_en = source_label(s.source, election, "en")
    flags = []
    for f in findings(s, ballot, election):
        why_id, why_en = _why(f, s)
        flags.append(
            Flag(_rule(f, s), severity(f), f.fields, s.source,
                 f"{who}: {f.message_id}{why_id}", f"{who_en}: {f.message_en}{why_en}")
        )  # fmt: skip
    limit_flag = _above_max(s, who, who_en, election)
    return [*flags, *([limit_flag] if limit_flag else [])]


def finding_docs(s: Source, ballot: str, election: Election | None) -> list[dict[str, Any]]:
    """One source's findings for the console and exports, worst first."""
    out = []
    for f in findings(s, ballot, election):
        why_id, why_en = _why(f, s)
        sev = severity(f)
        out.append({
            "rule": f.rule, "flag_rule": _rule(f, s), "level": f.level, "severity": sev,
            "severity_label": list(SEVERITY_NAMES[sev]), "fields": list(f.fields),
            "message_id": f.message_id + why_id, "message_en": f.message_en + why_en,
        })  # fmt: skip
    return sorted(out, key=lambda d: -int(d["severity"]))


def _above_max(s: Source, who: str, who_en: str, election: Election | None) -> Flag | None:
    cap = election.max_dpt_per_tps if election else 300
    ratio = election.reserve_ratio if election else 0.02
    limit = math.floor(cap * (1 + ratio))
    t = unflatten(s.values)
    total = vote_total(t) if "suara" in t else s.values.get("suara_sah")
    if total is None or total <= limit:
        return None
    return Flag(
        "votes_above_max",
        HIGH,
        ("suara",),
        s.source,
        f"{who}: jumlah suara {total} melebihi batas {cap} pemilih + 2% ({limit}) per TPS",
        f"{who_en}: {total} votes exceed the limit of {cap} voters + 2% ({limit}) per TPS",
    )
