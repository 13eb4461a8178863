"""Who made a record: the `pembuat` card a phone writes on its incidents and assessments at
creation (the server accepts it only as the pushing user's own), and the words a reader sees."""

from __future__ import annotations

from typing import Any

from app.i18n import t
from app.store import LocalRecord
from app.ui.state.services import Services
from core.records import pembuat


def maker(services: Services) -> dict[str, Any]:
    """{"pembuat": card} for this phone's user, or {} before enrolment."""
    ident = services.store.identity()
    if ident is None:
        return {}
    return {"pembuat": pembuat(ident.role, ident.name, ident.party)}


def party_name(services: Services, no: int | None) -> str:
    """ "1 Partai Kebangkitan Bangsa" for party number 1 of this election, "" for none."""
    if no is None:
        return ""
    party = services.election.party(no)
    return f"{party.no} {party.nama}" if party else str(no)


def author_of(services: Services, rec: LocalRecord, me: str, lang: str) -> str:
    """ "" for my own record; else "PTPS [name]" (a saksi's party too) from the record's
    `pembuat`, the reporter's name of an older record without one, or "another user"."""
    if rec.author == me:
        return ""
    card = rec.fields.get("pembuat")
    if isinstance(card, dict) and card.get("nama"):
        role = t(lang, f"role_{card.get('peran')}")
        party = party_name(services, card.get("partai"))
        return " · ".join(x for x in (role, str(card["nama"]), party) if x)
    return str(rec.fields.get("pelapor_nama") or "") or t(lang, "other_user")
