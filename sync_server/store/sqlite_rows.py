"""Row helpers shared by the SQLite store and its sub-stores (records, blobs, reconciliation):
one place for how a record row reads back and how a ReadFilter becomes SQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from pydantic_core import from_json, to_json

from core.stamps import pack, unpack
from sync_server.store.models import ReadFilter, StoredRecord

IN_CHUNK = 500  # ids per `IN (...)` query, well under SQLite's variable limit


def stamp(raw: Any) -> tuple[int, str]:
    return (int(raw[0]), str(raw[1]))


def record_of(row: dict[str, Any]) -> StoredRecord:
    """A `records` row as a StoredRecord."""
    # pydantic-core's parser: about 2.5x the stdlib's on a tally's per-field stamps (a pull
    # decodes every row it sends; the JSON parser already gave ints and strings)
    stamps = {k: (v[0], v[1]) for k, v in from_json(row["stamps"]).items()}
    return StoredRecord(
        id=row["id"],
        kind=row["kind"],
        tps=row["tps"],
        author=row["author"],
        author_role=row["author_role"],
        author_party=row["author_party"],
        fields=from_json(row["fields"]),
        stamps=stamps,
        seq=row["seq"],
    )


def packed_text(record: StoredRecord) -> str:
    """The record's stamps in their wire form (core/stamps.py), kept beside the per-field map
    so a pull sends them as stored."""
    return json_text(pack(record.fields, record.stamps))


def served_record(row: dict[str, Any]) -> StoredRecord:
    """A `records` row as pulls see it, for verify-log: when its packed stamps (what a pull
    sends) say other than its per-field map, the packed ones, so the difference from the
    log is found whichever column was edited."""
    record = record_of(row)
    if row.get("packed") is None:
        return record
    served = unpack(record.fields, from_json(row["packed"]))
    return record if served == record.stamps else replace(record, stamps=served)


# A pull's columns: the packed stamps, or the per-field map only where they were not kept yet
WIRE_COLUMNS = (
    "r.id, r.kind, r.tps, r.author, r.fields, r.packed, "
    "CASE WHEN r.packed IS NULL THEN r.stamps END AS stamps, r.seq"
)


def filter_sql(read: ReadFilter, alias: str) -> tuple[str, list[Any]]:
    """The WHERE clause of a ReadFilter over `records` as `alias`; `matches` in models.py is
    its Python twin (the contract suite checks they agree)."""
    if not read.tps_prefixes:
        return "0", []
    likes = " OR ".join(f"substr({alias}.tps, 1, ?) = ?" for _ in read.tps_prefixes)
    params: list[Any] = [x for p in read.tps_prefixes for x in (len(p), p)]
    sql = f"({likes})"
    if read.author is not None:
        sql += f" AND {alias}.author = ?"
        params.append(read.author)
    if read.hidden_roles:
        sql += f" AND {alias}.author_role NOT IN ({', '.join('?' for _ in read.hidden_roles)})"
        params.extend(read.hidden_roles)
    return sql, params


def chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    """Distinct ids in order, `IN_CHUNK` at a time."""
    unique = list(dict.fromkeys(ids))
    for i in range(0, len(unique), IN_CHUNK):
        yield unique[i : i + IN_CHUNK]


def json_text(value: Any) -> str:
    """Compact JSON for stored columns; pydantic-core's Rust encoder, about 5x the stdlib's on
    a C.Hasil."""
    return to_json(value).decode()
