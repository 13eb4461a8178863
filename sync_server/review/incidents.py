"""Incidents for the console: status flow, and Bawaslu's 7-day deadline with overdue marked.

The clock starts at registration (the first change that set `proses` to `registrasi`), or at
receipt (the record's first change) while the report is not registered yet. Both come from the
change log, so a device cannot move them.
"""

from __future__ import annotations

from typing import Any

from core.hlc import wall_ms
from sync_server.auth import Principal
from sync_server.review.flags import HIGH, LOW, MEDIUM
from sync_server.review.zones import local_time
from sync_server.store.base import Store
from sync_server.store.models import StoredRecord
from sync_server.sync.scope import read_filter

DEADLINE_DAYS = 7
DAY_MS = 86_400_000
CLOSED = frozenset({"tidak_diregistrasi", "terbukti", "tidak_terbukti", "diteruskan"})
PROSES_NAMES = {
    "diterima": ("Diterima", "Received"),
    "registrasi": ("Diregistrasi", "Registered"),
    "tidak_diregistrasi": ("Tidak diregistrasi", "Not registered"),
    "kajian": ("Dikaji", "Under review"),
    "terbukti": ("Terbukti", "Proven"),
    "tidak_terbukti": ("Tidak terbukti", "Not proven"),
    "diteruskan": ("Diteruskan", "Forwarded"),
}
LEVELS = {"tinggi": HIGH, "sedang": MEDIUM, "rendah": LOW}


def _times(store: Store, record_id: str) -> tuple[int | None, int | None]:
    """(received ms, registered ms) from the record's change log."""
    received = registered = None
    for item in store.recon().history(record_id):
        at = wall_ms(int(item.entry.get("hlc", 0)))
        received = at if received is None else received
        if registered is None and item.entry.get("fields", {}).get("proses") == "registrasi":
            registered = at
    return received, registered


def incident_row(store: Store, r: StoredRecord, now_ms: int) -> dict[str, Any]:
    f = r.fields
    proses = str(f.get("proses") or "diterima")
    received, registered = _times(store, r.id)
    start = registered if registered is not None else received
    deadline = None if start is None else start + DEADLINE_DAYS * DAY_MS
    is_open = proses not in CLOSED and not f.get("deleted")
    overdue = bool(is_open and deadline is not None and now_ms > deadline)
    severity = HIGH if overdue else LEVELS.get(str(f.get("tingkat")), LOW)
    return {
        "id": r.id,
        "tps": r.tps,
        "jenis": f.get("jenis"),
        "kategori": f.get("kategori"),
        "jalur": f.get("jalur"),
        "waktu": f.get("waktu"),
        "uraian": f.get("uraian"),
        "tingkat": f.get("tingkat"),
        "proses": proses,
        "proses_label": list(PROSES_NAMES.get(proses, (proses, proses))),
        "diteruskan_ke": f.get("diteruskan_ke"),
        "ditugaskan": f.get("ditugaskan"),
        "komentar": f.get("komentar") or [],
        "bukti": f.get("bukti") or [],
        "received_ms": received,
        "registered_ms": registered,
        "deadline_ms": deadline,
        "deadline": None if deadline is None else local_time(deadline, r.tps),
        "days_left": None if deadline is None else (deadline - now_ms) // DAY_MS,
        "open": is_open,
        "overdue": overdue,
        "severity": severity,
        "author": r.author,
    }


def incident_rows(store: Store, who: Principal, now_ms: int) -> list[dict[str, Any]]:
    records = store.recon().records_of("incident", read_filter(who.user))
    rows = [incident_row(store, r, now_ms) for r in records if not r.fields.get("deleted")]
    return sorted(rows, key=lambda i: (not i["overdue"], -i["severity"], i["deadline_ms"] or 0))
