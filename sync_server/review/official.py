"""Import official per-TPS figures (source `resmi`, e.g. the KPU's published numbers).

CSV: a header row with `tps`, `ballot` and any numeric C.Hasil field (`dpt_j`, `suara_sah`, ...)
or vote column `suara.<no>` (`suara.2`, `suara.1.3`) or DPR/DPRD party total
`jumlah_partai.<no>`. JSON: a list of objects with the same keys,
votes either flat (`"suara.2": 120`) or nested (`"suara": {"2": 120}`). All rows are checked
before anything is written; the first bad row is named in the error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.election import Election
from core.errors import DomainError
from core.records import validate_fields
from core.wilayah import parse_tps
from sync_server.review import reconcile
from sync_server.review.comparison import NUMERIC_FIELDS, unflatten
from sync_server.store.base import Store
from sync_server.store.recon_base import Official

IGNORED = frozenset({"catatan", "sumber", "nama_tps", "desa", "kecamatan", "kabupaten", "no_tps"})


def _bad(where: str, where_en: str, what_id: str, what_en: str) -> DomainError:
    return DomainError("invalid_row", f"{where}: {what_id}", f"{where_en}: {what_en}")


def _count(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.isdigit():
            raise ValueError(raw)
        return int(raw)
    if isinstance(raw, int):
        return raw
    raise ValueError(raw)


def _values(row: Mapping[str, Any], where: tuple[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, raw in row.items():
        if key in ("tps", "ballot") or key in IGNORED:
            continue
        if key == "suara" and isinstance(raw, Mapping):
            raw_votes = {f"suara.{k}": v for k, v in raw.items()}
        elif key in NUMERIC_FIELDS or key.startswith(("suara.", "jumlah_partai.")):
            raw_votes = {key: raw}
        else:
            raise _bad(*where, f"kolom '{key}' tidak dikenal", f"unknown column '{key}'")
        for name, value in raw_votes.items():
            try:
                n = _count(value)
            except ValueError:
                raise _bad(*where, f"{name} = '{value}' bukan angka 0-999",
                           f"{name} = '{value}' is not a number 0-999") from None  # fmt: skip
            if n is not None:
                out[name] = n
    return out


def parse_row(
    store: Store, row: Mapping[str, Any], n: int, election: Election | None
) -> tuple[str, str, dict[str, int]]:
    """Check one row; raise DomainError naming row `n` and what to fix."""
    where = (f"Baris {n}", f"Row {n}")
    tps = str(row.get("tps") or "").strip()
    try:
        parse_tps(tps)
    except DomainError as exc:
        raise _bad(*where, exc.message_id, exc.message_en) from None
    if not store.has_tps(tps):
        raise _bad(*where, f"TPS {tps} tidak terdaftar", f"TPS {tps} is not in the registry")
    ballot = str(row.get("ballot") or "").strip()
    if not ballot or (election is not None and ballot not in election.ballot_codes()):
        known = ", ".join(election.ballot_codes()) if election else "ppwp, dpr_ri, ..."
        raise _bad(*where, f"surat suara '{ballot}' tidak dikenal (pilih: {known})",
                   f"unknown ballot '{ballot}' (choose: {known})")  # fmt: skip
    values = _values(row, where)
    if not values:
        raise _bad(*where, "tidak ada angka", "no numbers")
    try:
        validate_fields("tally", unflatten(values))
    except DomainError as exc:
        raise _bad(*where, exc.message_id, exc.message_en) from None
    return tps, ballot, values


def import_rows(
    store: Store,
    rows: Sequence[Mapping[str, Any]],
    now_ms: int,
    source_file: str,
    election: Election | None = None,
    first_row: int = 2,
) -> int:
    """All or nothing: check every row, then store them and reconcile the TPS-ballots touched."""
    parsed: dict[tuple[str, str], Official] = {}
    for i, row in enumerate(rows):
        n = i + first_row
        tps, ballot, values = parse_row(store, row, n, election)
        if (tps, ballot) in parsed:
            raise _bad(f"Baris {n}", f"Row {n}", f"TPS {tps} {ballot} muncul dua kali",
                       f"TPS {tps} {ballot} appears twice")  # fmt: skip
        parsed[(tps, ballot)] = Official(tps, ballot, unflatten(values), source_file, now_ms)
    rs = store.recon()
    with store.transaction():
        reconcile.catch_up(store, election)  # the TPS-ballots below see every pushed tally
        rs.put_official(list(parsed.values()))
        for tps, ballot in sorted(parsed):
            reconcile.recompute_key(rs, tps, ballot, election)
    return len(parsed)


def read_file(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Rows of a CSV or JSON file and the number of its first data row (for messages)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError("unreadable_file", f"Berkas {path} tidak bisa dibaca ({exc})",
                          f"Cannot read {path} ({exc})") from None  # fmt: skip
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise DomainError("invalid_json", f"Berkas {path} bukan JSON yang sah ({exc})",
                              f"{path} is not valid JSON ({exc})") from None  # fmt: skip
        rows = data.get("rows") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise DomainError("invalid_json", "JSON harus berupa daftar objek, satu per TPS",
                              "JSON must be a list of objects, one per TPS")  # fmt: skip
        return rows, 1
    return list(csv.DictReader(io.StringIO(text))), 2


def import_file(store: Store, path: Path, now_ms: int, election_file: Path | None = None) -> int:
    rows, first = read_file(path)
    if not rows:
        raise DomainError("empty_file", f"Berkas {path} tidak berisi baris data",
                          f"{path} holds no data rows")  # fmt: skip
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    election = reconcile.load_election(election_file)
    with store.transaction():
        n = import_rows(store, rows, now_ms, f"{path.name} sha256:{digest}", election, first)
        entry = {"kind": "official_import", "file": path.name, "sha256": digest, "rows": n}
        store.append_log(entry)
    return n
