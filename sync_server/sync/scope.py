"""Who may read and write which records (sync-design 7 and 10).

- saksi: only their own records, only at TPS in their scope; never another party's.
- ptps / polisi: every non-saksi record at TPS in their scope (their own included).
- supervisor / admin: every record in their region; they create verifications and may change
  the workflow fields of someone else's incident. Evidence (a tally) is changed by its author only.

Which field each role may write is one table, FIELD_RULES: (kind, field) -> FieldRule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from core.errors import DomainError
from core.records import KINDS, pembuat
from core.wilayah import within
from sync_server.store.models import ReadFilter, StoredRecord, User

CREATE_KINDS: dict[str, frozenset[str]] = {
    "saksi": frozenset({"tally", "incident"}),
    "ptps": frozenset({"tally", "incident", "assessment", "location"}),
    "polisi": frozenset({"tally", "incident", "assessment", "location"}),
    "supervisor": frozenset({"verification", "incident", "assessment", "location"}),
    "admin": frozenset({"verification", "incident", "assessment", "location"}),
}
SUPERVISORS = frozenset({"supervisor", "admin"})
INCIDENT_WORKFLOW = frozenset({"proses", "diteruskan_ke", "ditugaskan", "komentar"})


def read_filter(user: User) -> ReadFilter:
    prefixes = tuple(sorted({code.replace(".", "") for code in user.scope}))
    if user.role == "saksi":
        return ReadFilter(prefixes, author=user.id)
    if user.role in ("ptps", "polisi"):
        return ReadFilter(prefixes, hidden_roles=("saksi",))
    return ReadFilter(prefixes)


def in_scope(user: User, tps: str) -> bool:
    return _in_scope(user.scope, tps)


@lru_cache(maxsize=1 << 16)
def _in_scope(scope: tuple[str, ...], tps: str) -> bool:  # asked for every op of a push
    return any(within(tps, region) for region in scope)


@dataclass(frozen=True)
class FieldRule:
    """Who may write one field: on a record they made (`own`), on anybody's (`others`)."""

    own: frozenset[str]
    others: frozenset[str]


# Workflow fields decide what happens to a record; only supervisors set them, even on their own.
WORKFLOW: dict[str, frozenset[str]] = {"incident": INCIDENT_WORKFLOW}


def _field_rules() -> dict[tuple[str, str], FieldRule]:
    """The one table of (kind, field) x role: every field of every record kind is in it."""
    table: dict[tuple[str, str], FieldRule] = {}
    for kind, model in KINDS.items():
        authors = frozenset(role for role, kinds in CREATE_KINDS.items() if kind in kinds)
        for name in model.model_fields:
            if name in WORKFLOW.get(kind, ()):
                table[kind, name] = FieldRule(own=authors & SUPERVISORS, others=SUPERVISORS)
            else:  # evidence and reports: their author's words, changed by nobody else
                table[kind, name] = FieldRule(own=authors, others=frozenset())
    return table


FIELD_RULES = _field_rules()


def may_write(role: str, kind: str, name: str, own: bool) -> bool:
    rule = FIELD_RULES.get((kind, name))
    return rule is not None and role in (rule.own if own else rule.others)


@cache
def writable(role: str, kind: str, own: bool) -> frozenset[str]:
    """The fields of `kind` a role may write (FIELD_RULES read once per role, kind and owner)."""
    return frozenset(f for k, f in FIELD_RULES if k == kind and may_write(role, kind, f, own))


def _denied(message_id: str, message_en: str) -> DomainError:
    return DomainError("forbidden", message_id, message_en)


def check_visible(user: User, existing: StoredRecord | None) -> None:
    """A record the user may not read is refused before anything about it (kind, TPS) is said."""
    if existing is not None and not read_filter(user).matches(existing):
        raise _denied(
            "Data ini dibuat oleh pengguna lain dan hanya pembuatnya yang boleh mengubahnya",
            "This record was made by another user; only its author may change it",
        )


def check_write(
    user: User, kind: str, tps: str, fields: set[str], existing: StoredRecord | None
) -> None:
    """Raise DomainError('forbidden', reason) unless `user` may make this write."""
    check_visible(user, existing)
    if not in_scope(user, tps):
        raise _denied(
            f"TPS {tps} di luar wilayah tugas Anda; hubungi admin bila penugasan Anda berubah",
            f"TPS {tps} is outside your assigned area; ask an admin if your assignment changed",
        )
    if existing is None and kind not in CREATE_KINDS[user.role]:
        raise _denied(
            f"Peran {user.role} tidak boleh membuat data jenis '{kind}'",
            f"Role {user.role} may not create records of kind '{kind}'",
        )
    own = existing is None or existing.author == user.id
    refused = sorted(fields - writable(user.role, kind, own))
    if not refused:
        return
    names = ", ".join(refused)
    if own:
        raise _denied(
            f"Isian {names} hanya boleh diubah oleh supervisor",
            f"Only a supervisor may change: {names}",
        )
    if writable(user.role, kind, False):
        allowed = ", ".join(sorted(WORKFLOW.get(kind, ())))
        raise _denied(
            f"Pada data milik orang lain Anda hanya boleh mengubah {allowed} (bukan: {names})",
            f"On someone else's record you may change only {allowed} (not: {names})",
        )
    raise _denied(
        "Data ini dibuat oleh pengguna lain dan hanya pembuatnya yang boleh mengubahnya",
        "This record was made by another user; only its author may change it",
    )


def check_pembuat(user: User, fields: dict[str, Any]) -> None:
    """A record's `pembuat` names the user who writes it (their role, name and party), so a
    reader can trust who made it; only the author may write it at all (FIELD_RULES)."""
    card = fields.get("pembuat")
    if card is None or card == pembuat(user.role, user.name, user.party):
        return
    raise _denied(
        "Isian pembuat tidak sesuai dengan akun ini (peran, nama, partai); daftarkan ulang HP "
        "ini lalu kirim lagi",
        "The pembuat field does not match this account (role, name, party); enrol this phone "
        "again and send again",
    )
