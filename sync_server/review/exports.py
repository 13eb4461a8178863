"""Exports for Bawaslu / Gakkumdu / QGIS: tallies, reconciliation and incidents as CSV or XLSX
(Indonesian headers, English with `lang=en`), and TPS as GeoJSON with category and status.

Everything a person reads is in the form's words: headers name the field as C.Hasil does
("I.A DPT (L)", "IV no. 2"), values name the ballot, the source, the category and the state;
the codes stay only in columns whose header says so (`*_code`), for machines."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from core.election import Election
from core.kerawanan import CATEGORY_NAMES
from core.words import word
from sync_server.auth import Principal
from sync_server.review import planning
from sync_server.review.comparison import (
    NUMERIC_FIELDS,
    STATUS_NAMES,
    field_label,
    flatten,
    source_label,
    source_of,
)
from sync_server.review.incidents import incident_rows
from sync_server.review.reconcile import _ballot
from sync_server.store.base import Store
from sync_server.store.recon_base import QueueFilter
from sync_server.sync.scope import read_filter

Column = tuple[str, str, str]  # key, Bahasa Indonesia header, English header
Table = tuple[list[str], list[list[Any]]]

PLACE: list[Column] = [
    ("tps", "ID TPS", "Polling station id"),
    ("kecamatan", "Kecamatan", "District"),
    ("desa", "Kelurahan/Desa", "Village"),
    ("ballot", "Surat suara", "Ballot"),
]


def _headers(columns: Sequence[Column], lang: str) -> list[str]:
    return [c[2] if lang == "en" else c[1] for c in columns]


def _place(store: Store, tps: str) -> dict[str, Any]:
    t = store.recon().get_tps(tps)
    return {
        "tps": tps,
        "kecamatan": t.kecamatan_name if t else "",
        "desa": t.desa_name if t else "",
    }


SHEETS = {
    "tallies": ("C.Hasil", "Tallies"),
    "reconciliation": ("Rekonsiliasi", "Reconciliation"),
    "incidents": ("Kejadian", "Incidents"),
}
STATE_WORDS = {"agree": "state_agree", "conflict": "state_conflict", "single": "state_single"}


def sheet_name(table: str, lang: str) -> str:
    pair = SHEETS.get(table, (table, table))
    return pair[1] if lang == "en" else pair[0]


def ballot_name(election: Election | None, code: str, lang: str) -> str:
    if election is None or code not in election.ballot_codes():
        return code
    b = election.ballot(code)
    return b.name_en if lang == "en" else b.name_id


def _number_columns(keys: set[str]) -> list[Column]:
    """The form's numbering, in its order: I-III, the votes of IV, then V."""
    votes = sorted((k for k in keys if k.startswith("suara.")), key=_vote_key)
    head, totals = list(NUMERIC_FIELDS[:-3]), list(NUMERIC_FIELDS[-3:])
    return [(k, field_label(k), field_label(k)) for k in [*head, *votes, *totals]]


def _vote_key(k: str) -> tuple[int, ...]:
    return tuple(int(p) for p in k.split(".")[1:] if p.isdigit())


def tally_table(
    store: Store, who: Principal, lang: str = "id", election: Election | None = None
) -> Table:
    """One row per tally record in scope: place, source, status, every number of the form."""
    records = store.recon().records_of("tally", read_filter(who.user))
    flat = {r.id: flatten(r.fields) for r in records}
    columns = [
        *PLACE,
        ("source", "Sumber", "Source"),
        ("record_id", "ID data", "Record id"),
        ("status", "Status", "Status"),
        ("deleted", "Dihapus", "Deleted"),
        *_number_columns({k for v in flat.values() for k in v}),
        ("photos", "Foto (SHA-256)", "Photos (SHA-256)"),
    ]
    rows = []
    for r in records:
        src = source_of(r.author_role, r.author_party) or r.author_role
        row = {**_place(store, r.tps), **flat[r.id],
               "ballot": ballot_name(election, _ballot(r.fields), lang),
               "source": source_label(src, election, lang),
               "record_id": r.id, "status": r.fields.get("status", ""),
               "deleted": bool(r.fields.get("deleted")),
               "photos": " ".join(r.fields.get("photos") or [])}  # fmt: skip
        rows.append([row.get(c[0], "") for c in columns])
    return _headers(columns, lang), rows


def reconciliation_table(
    store: Store, who: Principal, lang: str = "id", election: Election | None = None
) -> Table:
    """One row per TPS-ballot-field: state, decided value, what each source said, flags."""
    columns = [
        *PLACE,
        ("status", "Status TPS", "TPS status"),
        ("field", "Isian", "Field"),
        ("state", "Keadaan", "State"),
        ("value", "Nilai ditetapkan", "Decided value"),
        ("verified", "Diverifikasi", "Verified"),
        ("values", "Nilai per sumber", "Value per source"),
        ("flags", "Tanda", "Flags"),
    ]
    states = store.recon().states(QueueFilter(read_filter(who.user)))
    rows = []
    for s in states:
        place = {**_place(store, s.tps), "ballot": ballot_name(election, s.ballot, lang)}
        status = STATUS_NAMES[s.status][1 if lang == "en" else 0]
        msg = "message_en" if lang == "en" else "message_id"
        flags = "; ".join(f[msg] for f in s.doc["flags"])
        for f in s.doc["fields"] or [{"field": "", "state": "", "value": None, "values": {}}]:
            said = ", ".join(
                f"{source_label(k, election, lang)}={v}" for k, v in f["values"].items()
            )
            name = field_label(f["field"]) if f["field"] else ""
            state = word("state", f["state"], lang) if f["state"] else ""
            row = {**place, "status": status, "field": name, "state": state,
                   "value": f["value"], "verified": bool(f.get("verified")), "values": said,
                   "flags": flags}  # fmt: skip
            rows.append([row.get(c[0], "") for c in columns])
    return _headers(columns, lang), rows


def incident_table(store: Store, who: Principal, now_ms: int, lang: str = "id") -> Table:
    columns: list[Column] = [
        ("id", "ID kejadian", "Incident id"),
        ("tps", "ID TPS", "Polling station id"),
        ("jenis", "Jenis (laporan/temuan)", "Type (report/finding)"),
        ("kategori", "Kategori", "Category"),
        ("jalur", "Jalur penanganan", "Route"),
        ("waktu", "Waktu kejadian", "Time of incident"),
        ("tingkat", "Tingkat", "Level"),
        ("proses", "Status proses", "Process status"),
        ("diteruskan_ke", "Diteruskan ke", "Forwarded to"),
        ("ditugaskan", "Ditugaskan kepada", "Assigned to"),
        ("deadline", "Batas waktu (7 hari)", "Deadline (7 days)"),
        ("overdue", "Lewat batas waktu", "Overdue"),
        ("uraian", "Uraian", "Description"),
        ("bukti", "Bukti (SHA-256)", "Evidence (SHA-256)"),
    ]
    rows = []
    coded = ("jenis", "kategori", "jalur", "tingkat", "proses", "diteruskan_ke")
    for i in incident_rows(store, who, now_ms):
        row = {**i, "bukti": " ".join(i["bukti"])}
        row.update({k: word(k, i.get(k), lang) if i.get(k) else None for k in coded})
        rows.append([row.get(c[0]) if row.get(c[0]) is not None else "" for c in columns])
    return _headers(columns, lang), rows


# Control characters (tab, CR and LF aside) break XLSX files and hide text; shown escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(value: str) -> str:
    """Text a person typed, made inert: control characters escaped, formulas neutralised."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    if text.lstrip(" ").startswith(_FORMULA_START):
        return "'" + text  # the apostrophe spreadsheets use for "this is text"
    return text


def _cell(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    return safe_text(value if isinstance(value, str) else str(value))


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(v) for v in table[0]])
    writer.writerows([_cell(v) for v in row] for row in table[1])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the accents right


def to_xlsx(table: Table, sheet: str) -> bytes:
    """One sheet named `sheet` (a person's word, see sheet_name), header row frozen."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]
    for values in (table[0], *table[1]):
        ws.append([_cell(v) for v in values])
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def geojson(store: Store, who: Principal, election: Election, ballot: str) -> dict[str, Any]:
    """Every TPS in scope as a point with its category, reconciliation status and coverage."""
    cats = planning.categories(store, who, election)
    where = planning.positions(store, who)
    states = {
        s.tps: s for s in store.recon().states(QueueFilter(read_filter(who.user), ballot=ballot))
    }
    features = []
    for t in store.recon().tps_in(read_filter(who.user)):
        lat, lon, demo = where[t.id]
        category, assessed = cats[t.id]
        s = states.get(t.id)
        code = s.status if s else "no_data"
        props = {"tps": t.id, "label": t.label, "kecamatan": t.kecamatan_name, "desa": t.desa_name,
                 "category": category, "category_name": CATEGORY_NAMES[category][0],
                 "assessed": assessed, "ballot": ballot,
                 "ballot_name": ballot_name(election, ballot, "id"),
                 "status": STATUS_NAMES[code][0], "status_code": code,
                 "sources": s.n_sources if s else 0,
                 "severity": s.severity if s else 0, "flags": list(s.rules) if s else [],
                 "demo_position": demo}  # fmt: skip
        geometry = {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}
