"""Official recapitulation figures (D.Hasil per desa and kecamatan) against the counted TPS.

CSV: a header row with `tingkat` (`desa` or `kecamatan`), `kode` (the dotted Kemendagri code of
the desa or kecamatan), `ballot`, and a column per vote `suara.<no>` (`suara.2`, `suara.1.3`)
or total (`suara_sah`, `suara_tidak_sah`, `suara_total`). All rows are checked before anything
is written; the first bad row is named.

Each figure is compared with the sum of the counted TPS values below it (the same totals as the
dashboard: a value counts when verified, or agreed by two sources with no high flag). A recap
figure above that sum is flagged as possible inflation (penggelembungan): for certain when every
TPS below is counted, otherwise with the TPS still open, which may explain the difference.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.election import Election
from core.errors import DomainError
from core.wilayah import region_level
from sync_server.auth import Principal
from sync_server.review import reconcile
from sync_server.review.comparison import TOTAL_FIELDS, field_label
from sync_server.review.flags import HIGH, MEDIUM
from sync_server.review.reads import dotted
from sync_server.store.base import Store
from sync_server.store.models import ReadFilter, User
from sync_server.store.recon_base import Level, RecapRow
from sync_server.sync.scope import in_scope, read_filter

LEVELS: dict[str, Level] = {"desa": "desa", "kecamatan": "kecamatan"}
KEYS = frozenset(("suara_sah", "suara_tidak_sah", "suara_total"))
MAX_FIGURE = 10_000_000


def _bad(n: int, what_id: str, what_en: str) -> DomainError:
    return DomainError("invalid_row", f"Baris {n}: {what_id}", f"Row {n}: {what_en}")


def _figures(row: Mapping[str, Any], n: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, raw in row.items():
        if key in ("tingkat", "kode", "ballot", "nama", "catatan", "sumber"):
            continue
        if key not in KEYS and not (key or "").startswith(("suara.", "jumlah_partai.")):
            raise _bad(n, f"kolom '{key}' tidak dikenal", f"unknown column '{key}'")
        text = str(raw or "").strip().replace(".", "") if isinstance(raw, str) else str(raw)
        if not text:
            continue
        if not text.isdigit() or int(text) > MAX_FIGURE:
            raise _bad(n, f"{key} = '{raw}' bukan angka", f"{key} = '{raw}' is not a number")
        out[key] = int(text)
    return out


def parse_row(
    store: Store, row: Mapping[str, Any], n: int, election: Election | None, scope: User | None
) -> tuple[Level, str, str, dict[str, int]]:
    """Check one row; raise DomainError naming row `n` and what to fix."""
    level = LEVELS.get(str(row.get("tingkat") or "").strip().lower())
    if level is None:
        raise _bad(n, "tingkat harus 'desa' atau 'kecamatan'", "level must be desa or kecamatan")
    code = str(row.get("kode") or "").strip()
    want = "desa" if level == "desa" else "kecamatan"
    try:
        ok = region_level(code) == want
    except DomainError:
        ok = False
    below = store.recon().tps_in(ReadFilter((code.replace(".", ""),))) if ok else []
    if not below:
        raise _bad(n, f"kode {want} '{code}' tidak dikenal di wilayah ini",
                   f"unknown {want} code '{code}' in this region")  # fmt: skip
    if scope is not None and not in_scope(scope, below[0].id):
        raise _bad(n, f"{code} di luar wilayah tugas Anda", f"{code} is outside your area")
    ballot = str(row.get("ballot") or "").strip()
    if not ballot or (election is not None and ballot not in election.ballot_codes()):
        raise _bad(n, f"surat suara '{ballot}' tidak dikenal", f"unknown ballot '{ballot}'")
    values = _figures(row, n)
    if not values:
        raise _bad(n, "tidak ada angka", "no numbers")
    return level, code.replace(".", ""), ballot, values


def import_rows(
    store: Store, rows: Sequence[Mapping[str, Any]], now_ms: int, source_file: str,
    election: Election | None = None, first_row: int = 2, scope: User | None = None,
) -> int:  # fmt: skip
    """All or nothing: check every row, then store the figures (replacing older ones)."""
    parsed: dict[tuple[str, str], RecapRow] = {}
    for i, row in enumerate(rows):
        n = i + first_row
        level, area, ballot, values = parse_row(store, row, n, election, scope)
        if (area, ballot) in parsed:
            raise _bad(n, f"{row.get('kode')} {ballot} muncul dua kali",
                       f"{row.get('kode')} {ballot} appears twice")  # fmt: skip
        parsed[(area, ballot)] = RecapRow(level, area, ballot, values, source_file, now_ms)
    with store.transaction():
        store.recon().put_recap(list(parsed.values()))
    return len(parsed)


def import_text(
    store: Store, text: str, name: str, now_ms: int, election: Election | None = None,
    scope: User | None = None,
) -> int:  # fmt: skip
    """Import one CSV (from the CLI or the console) and log it in the change log."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise DomainError("empty_file", f"Berkas {name} tidak berisi baris data",
                          f"{name} holds no data rows")  # fmt: skip
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with store.transaction():
        n = import_rows(store, rows, now_ms, f"{name} sha256:{digest}", election, scope=scope)
        store.append_log({"kind": "recap_import", "file": name, "sha256": digest, "rows": n})
    return n


def import_file(store: Store, path: Path, now_ms: int, election_file: Path | None = None) -> int:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError("unreadable_file", f"Berkas {path} tidak bisa dibaca ({exc})",
                          f"Cannot read {path} ({exc})") from None  # fmt: skip
    return import_text(store, text, path.name, now_ms, reconcile.load_election(election_file))


def _flag(recap: int, counted: int, n_open: int) -> dict[str, Any] | None:
    if recap <= counted:
        return None
    over = recap - counted
    if n_open == 0:
        return {"severity": HIGH,
                "message_id": f"Rekap {over} di atas jumlah semua TPS di bawahnya: "
                              "kemungkinan penggelembungan suara",
                "message_en": f"Recap is {over} above the sum of all its TPS: possible "
                              "vote inflation"}  # fmt: skip
    return {"severity": MEDIUM,
            "message_id": f"Rekap {over} di atas jumlah TPS yang sudah pasti; {n_open} TPS "
                          "masih terbuka: kemungkinan penggelembungan, periksa TPS itu",
            "message_en": f"Recap is {over} above the counted TPS; {n_open} TPS still open: "
                          "possible inflation, check those TPS"}  # fmt: skip


def compare(store: Store, who: Principal, ballot: str | None = None) -> dict[str, Any]:
    """Every recap figure in the caller's region beside the sum of its counted TPS, with the
    selisih, the TPS below still open, and a flag where the recap is above the sum."""
    read = read_filter(who.user)
    rs = store.recon()
    figures = [r for r in rs.recaps(read) if ballot is None or r.ballot == ballot]
    sums: dict[tuple[str, str, str], int] = {}
    for level in {r.level for r in figures}:
        for area, b, key, total in rs.totals(read, level):
            sums[(area, b, key)] = total
    counted = rs.decided_tps(read)
    below: dict[str, list[str]] = defaultdict(list)
    for t in rs.tps_in(read):
        below[t.id[:10]].append(t.id)
        below[t.id[:6]].append(t.id)
    rows: list[dict[str, Any]] = []
    for r in figures:
        still_open = [t for t in below[r.area] if (t, r.ballot) not in counted]
        for key in _order(r.values):
            sum_tps = _sum(sums, r.area, r.ballot, key)
            rows.append({
                "level": r.level, "code": dotted(r.area), "ballot": r.ballot,
                "key": key, "label": field_label(key), "recap": r.values[key], "tps_sum": sum_tps,
                "selisih": r.values[key] - sum_tps, "tps": len(below[r.area]),
                "open_tps": still_open, "flag": _flag(r.values[key], sum_tps, len(still_open)),
                "source_file": r.source_file,
            })  # fmt: skip
    rows.sort(key=lambda x: (-_severity(x), x["code"], x["ballot"]))
    return {"ballot": ballot, "rows": rows}


def _severity(row: dict[str, Any]) -> int:
    flag = row["flag"]
    return int(flag["severity"]) if flag else 0


def _sum(sums: Mapping[tuple[str, str, str], int], area: str, ballot: str, key: str) -> int:
    """The counted TPS sum of one figure; a party's total (`jumlah_partai.1`) is its party vote
    plus its candidates' votes, summed from the counted votes."""
    if not key.startswith("jumlah_partai."):
        return sums.get((area, ballot, key), 0)
    party = key.split(".", 1)[1]
    return sum(v for (a, b, k), v in sums.items() if a == area and b == ballot
               and (k == f"suara.{party}" or k.startswith(f"suara.{party}.")))  # fmt: skip


def _order(values: Mapping[str, int]) -> list[str]:
    votes = sorted((k for k in values if k.startswith(("suara.", "jumlah_partai."))),
                   key=lambda k: tuple(int(p) for p in k.split(".")[1:]))  # fmt: skip
    return [*votes, *(k for k in TOTAL_FIELDS if k in values)]
