"""What a C.Hasil check finds, and the form's numbering of its fields (pure).

Shared by `core.tally_checks` (the identities) and `core.tally_limits` (what cannot happen).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from core.records import COLUMNS

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
    "jumlah_partai": "IV jumlah partai",
    "suara_sah": "V.A",
    "suara_tidak_sah": "V.B",
    "suara_total": "V.C",
}
# Errors the paper itself may show (a hard identity or an impossible relation written so on the
# signed C.Hasil): a witness may finalise such a form as evidence, with a reason and a photo.
# Empty fields, numbers outside 0..999 and unknown candidates are always typing matters.
NOT_ON_PAPER = frozenset({"missing", "range", "unknown_candidate"})


@dataclass(frozen=True)
class Finding:
    rule: str
    level: Level
    fields: tuple[str, ...]
    message_id: str
    message_en: str

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id

    @property
    def paper(self) -> bool:
        """An error the signed paper itself may carry ("tertulis di formulir demikian")."""
        return self.level == "error" and self.rule not in NOT_ON_PAPER


def label(field: str) -> str:
    if field.startswith("suara."):
        return f"IV no. {field.split('.', 1)[1]}"
    if field.startswith("jumlah_partai."):
        return f"IV jumlah partai {field.split('.', 1)[1]}"
    return LABELS.get(field, field)


def num(t: Mapping[str, Any], name: str) -> int | None:
    value = t.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def at_most(rule: str, level: Level, t: Mapping[str, Any], small: str, big: str) -> Finding | None:
    """`small` must not exceed `big`; silent while either is empty."""
    a, b = num(t, small), num(t, big)
    if a is None or b is None or a <= b:
        return None
    return Finding(
        rule,
        level,
        (small, big),
        f"{label(small)} ({a}) tidak boleh lebih dari {label(big)} ({b}), selisih {a - b}",
        f"{label(small)} ({a}) must not exceed {label(big)} ({b}), over by {a - b}",
    )
