"""Who may read and write which records (sync-design 7 and 10).

- saksi: only their own records, only at TPS in their scope; never another party's.
- ptps / polisi: every non-saksi record at TPS in their scope (their own included).
- supervisor / admin: every record in their region; they create verifications and may change
  the workflow fields of someone else's incident. Evidence (a tally) is changed by its author only.
"""

from __future__ import annotations

from core.errors import DomainError
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
    return any(within(tps, region) for region in user.scope)


def _denied(message_id: str, message_en: str) -> DomainError:
    return DomainError("forbidden", message_id, message_en)


def check_write(
    user: User, kind: str, tps: str, fields: set[str], existing: StoredRecord | None
) -> None:
    """Raise DomainError('forbidden', reason) unless `user` may make this write."""
    if not in_scope(user, tps):
        raise _denied(
            f"TPS {tps} di luar wilayah tugas Anda; hubungi admin bila penugasan Anda berubah",
            f"TPS {tps} is outside your assigned area; ask an admin if your assignment changed",
        )
    if existing is None:
        if kind not in CREATE_KINDS[user.role]:
            raise _denied(
                f"Peran {user.role} tidak boleh membuat data jenis '{kind}'",
                f"Role {user.role} may not create records of kind '{kind}'",
            )
        return
    if existing.author == user.id:
        return
    if user.role in SUPERVISORS and kind == "incident" and fields <= INCIDENT_WORKFLOW:
        return
    if user.role in SUPERVISORS and kind == "incident":
        extra = ", ".join(sorted(fields - INCIDENT_WORKFLOW))
        raise _denied(
            f"Pada kejadian milik orang lain Anda hanya boleh mengubah proses, diteruskan_ke, "
            f"ditugaskan dan komentar (bukan: {extra})",
            f"On someone else's incident you may change only the workflow fields (not: {extra})",
        )
    raise _denied(
        "Data ini dibuat oleh pengguna lain dan hanya pembuatnya yang boleh mengubahnya",
        "This record was made by another user; only its author may change it",
    )
