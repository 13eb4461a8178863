"""Flags on a TPS-ballot for a supervisor, each with a severity and words in both languages (pure).

Rules: the form checks of each source (`identity`, `impossible`, `as_written`, `form_warning`,
`votes_above_dpt`, `votes_above_max`: sync_server.review.source_checks),
`votes_above_max` (above 300 + 2% = 306), `vote_conflict` (sources disagree on a candidate's or
party's votes), `field_conflict` (they disagree on another number), `photo_reused` (one photo
for two TPS), `changed_after_final` (a final tally changed afterwards),
`changed_after_verification` (a source the verification did not see, new or changed since,
contradicts a verified value: the TPS-ballot needs a decision again).

Severity `HIGH` means the numbers cannot be taken as they are: agreed values carrying such a
flag do not count towards totals until a supervisor verifies them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from core.election import Election
from core.hlc import wall_ms
from core.tally_checks import check_tally
from sync_server.review.comparison import Comparison, field_label, source_label, unflatten
from sync_server.review.zones import local_time

HIGH, MEDIUM, LOW = 3, 2, 1
SEVERITY_NAMES = {HIGH: ("tinggi", "high"), MEDIUM: ("sedang", "medium"), LOW: ("rendah", "low")}
# In the order a supervisor should read them (within one severity): what contradicts a decision,
# who said what, impossible numbers, then the rest. The first flag is the one the queue shows.
RULES: dict[str, tuple[str, str]] = {
    "changed_after_verification": (
        "Berbeda dari hasil verifikasi",
        "Contradicts the verified values",
    ),
    "vote_conflict": ("Sumber berbeda pada suara calon", "Sources disagree on votes"),
    "votes_above_max": ("Suara melebihi 300 + 2%", "Votes above 300 + 2%"),
    "votes_above_dpt": ("Suara melebihi DPT + 2%", "Votes above DPT + 2%"),
    "impossible": ("Angka mustahil", "Impossible number"),
    "photo_reused": ("Foto dipakai untuk TPS lain", "Photo used for another TPS"),
    "as_written": ("Tertulis di formulir demikian", "The signed form reads so"),
    "identity": ("Rumus C.Hasil tidak terpenuhi", "C.Hasil identity broken"),
    "changed_after_final": ("Diubah setelah final", "Changed after final"),
    "field_conflict": ("Sumber berbeda pada angka lain", "Sources disagree on a number"),
    "form_warning": ("Peringatan formulir (dengan alasan)", "Form warning (with a reason)"),
}
_RANK = {rule: i for i, rule in enumerate(RULES)}
REOPENS = "changed_after_verification"  # the rule that sends a verified TPS-ballot back


def is_open(status: str, rules: Collection[str]) -> bool:
    """A TPS-ballot needs a decision: sources disagree, or a flag stands on an unverified one,
    or something the verification did not see contradicts it (stored as KeyState.open)."""
    if status == "verified":
        return REOPENS in rules
    return status == "conflict" or bool(rules)


def is_decided(status: str, severity: int, rules: Collection[str]) -> bool:
    """Counts towards totals: verified and undisputed, or agreed with no high-severity flag
    (two copies of an impossible form agree, and are still impossible); KeyState.decided."""
    if status == "verified":
        return REOPENS not in rules
    return status == "agree" and severity < HIGH


def is_counted(status: str, severity: int, rules: Collection[str]) -> bool:
    """Its values go into totals: decided, or partly agreed with no high-severity flag (only
    the fields two sources agree on are among its values then); KeyState.counted."""
    return is_decided(status, severity, rules) or (status == "partial" and severity < HIGH)


@dataclass(frozen=True)
class Flag:
    rule: str
    severity: int
    fields: tuple[str, ...]
    source: str
    message_id: str
    message_en: str
    photos: tuple[str, ...] = ()  # photo_reused: this TPS's photo, then the other one

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "fields": list(self.fields), "photos": list(self.photos)}

    @staticmethod
    def from_json(raw: dict[str, Any]) -> Flag:
        photos = tuple(raw.get("photos") or ())
        return Flag(**{**raw, "fields": tuple(raw["fields"]), "photos": photos})


@dataclass(frozen=True)
class Change:
    """A final tally that received another change: which fields, when, from which device."""

    record_id: str
    source: str
    fields: tuple[str, ...]
    hlc: int
    device_id: str
    tps: str = ""


@dataclass(frozen=True)
class Reuse:
    """A photo of this TPS-ballot's tally that a record of another TPS also cites (a tally, or
    an incident as its evidence)."""

    sha256: str
    source: str
    other_tps: tuple[str, ...]
    twin: str = ""  # the other TPS's photo when it is another file of the same sheet
    via: str = "sha256"  # sha256: the same file | original: same camera original | similar
    distance: int = 0


def conflict_flags(c: Comparison, election: Election | None) -> list[Flag]:
    flags = []
    for f in c.fields:
        if not f.open:
            continue
        said = ", ".join(f"{source_label(k, election)} {v}" for k, v in f.values.items())
        said_en = ", ".join(f"{source_label(k, election, 'en')} {v}" for k, v in f.values.items())
        vote = f.field.startswith("suara")
        flags.append(
            Flag(
                "vote_conflict" if vote else "field_conflict",
                HIGH if vote else LOW,
                (f.field,),
                "",
                f"Sumber berbeda pada {field_label(f.field)}: {said}",
                f"Sources disagree on {field_label(f.field)}: {said_en}",
            )
        )
    return flags


def dispute_flags(c: Comparison, election: Election | None) -> list[Flag]:
    """Verified fields that a source the decision did not see (new, or changed) contradicts."""
    if c.decision is None:
        return []
    flags = []
    for f in c.fields:
        if not f.disputed:
            continue
        said = ", ".join(f"{source_label(k, election)} {v}" for k, v in f.disputed.items())
        said_en = ", ".join(f"{source_label(k, election, 'en')} {v}" for k, v in f.disputed.items())
        name = field_label(f.field)
        flags.append(
            Flag(
                REOPENS,
                HIGH,
                (f.field,),
                ",".join(f.disputed),
                f"{name} diverifikasi {f.value}, tetapi sumber yang datang atau berubah sesudah "
                f"verifikasi menulis: {said}; periksa dan verifikasi ulang",
                f"{name} was verified as {f.value}, but a source that arrived or changed after "
                f"the verification says: {said_en}; check and verify again",
            )
        )
    return flags


def decision_flags(c: Comparison, ballot: str, election: Election | None) -> list[Flag]:
    """A verification's own numbers must still satisfy the form's identities."""
    if c.decision is None:
        return []
    found = check_tally({**unflatten(c.values), "ballot": ballot}, election)
    return [
        Flag("identity", MEDIUM, f.fields, "verifikasi", f"Hasil verifikasi: {f.message_id}",
             f"Verified values: {f.message_en}")
        for f in found if f.level == "error"
    ]  # fmt: skip


_HOW = {
    "sha256": ("", ""),
    "original": (" (foto asli kamera yang sama, disimpan ulang: {twin})",
                 " (the same camera original, re-encoded: {twin})"),
    "similar": (" (lembar yang sama, difoto ulang/dipotong/diubah ukuran: {twin}, beda {d} bit)",
                " (the same sheet photographed again, cropped or resized: {twin}, {d} bits "
                "apart)"),
}  # fmt: skip


def reuse_flag(r: Reuse, election: Election | None) -> Flag:
    others = ", ".join(r.other_tps)
    how_id, how_en = (h.format(twin=r.twin[:12], d=r.distance) for h in _HOW[r.via])
    return Flag(
        "photo_reused",
        HIGH,
        ("photos",),
        r.source,
        f"{source_label(r.source, election)}: foto {r.sha256[:12]} juga dipakai untuk TPS "
        f"{others}{how_id}",
        f"{source_label(r.source, election, 'en')}: photo {r.sha256[:12]} is also used for "
        f"TPS {others}{how_en}",
        (r.sha256, r.twin or r.sha256),
    )


def change_flag(ch: Change, election: Election | None) -> Flag:
    names = ", ".join(field_label(n) for n in ch.fields)
    at = local_time(wall_ms(ch.hlc), ch.tps)  # in the TPS's own zone (WIB/WITA/WIT)
    return Flag(
        "changed_after_final",
        MEDIUM,
        ch.fields,
        ch.source,
        f"{source_label(ch.source, election)}: data {ch.record_id} diubah setelah final "
        f"({names}; {at}, perangkat {ch.device_id})",
        f"{source_label(ch.source, election, 'en')}: record {ch.record_id} changed after it was "
        f"final ({names}; {at}, device {ch.device_id})",
    )


def all_flags(
    c: Comparison,
    ballot: str,
    election: Election | None,
    reuses: list[Reuse],
    changes: list[Change],
    checks: list[Flag],
) -> list[Flag]:
    """Every flag of a TPS-ballot; `checks` are its sources' form checks (review.source_checks)."""
    flags = [*checks, *conflict_flags(c, election), *dispute_flags(c, election)]
    flags += decision_flags(c, ballot, election)
    flags += [reuse_flag(r, election) for r in reuses]
    flags += [change_flag(ch, election) for ch in changes]
    return sorted(flags, key=_reading_order)


def _reading_order(f: Flag) -> tuple[int, int, str, str, tuple[str, ...]]:
    return (-f.severity, _RANK.get(f.rule, len(_RANK)), f.rule, f.source, f.fields)
