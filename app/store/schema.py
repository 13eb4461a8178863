"""Migrations of the device database, as named functions; never edit one once released."""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from app.store.rows import dumps
from core.stamps import is_packed, pack

migrations = Migrations("pantau_app")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("records").create(
        {
            "id": str,
            "kind": str,
            "tps": str,
            "author": str,
            "fields": str,  # JSON: name -> value
            "stamps": str,  # JSON: name -> [hlc, device]
            "status": str,  # draft | final (from the record's own `status` field)
            "shared": int,  # 1 once any op of it entered the outbox or it came from a pull
            "deleted": int,
            "updated_ms": int,
        },
        pk="id",
    )
    db.table("records").create_index(["tps", "kind"])
    db.table("records").create_index(["kind", "updated_ms"])
    db.table("outbox").create(
        {
            "seq": int,
            "op_id": str,
            "record_id": str,
            "kind": str,
            "tps": str,
            "fields": str,
            "hlc": int,
            "base": str,
            "attempted": int,  # once sent, an op is frozen: its op_id may already be applied
            "state": str,  # pending | failed
            "code": str,
            "reason": str,
            "reason_en": str,
        },
        pk="seq",
    )
    db.table("outbox").create_index(["record_id"])
    db.table("outbox").create_index(["state", "seq"])
    db.table("conflicts").create(
        {
            "id": int,
            "record_id": str,
            "field": str,
            "current_value": str,
            "incoming_value": str,
            "winner": str,
            "seen": int,
        },
        pk="id",
    )
    db.table("areas").create({"code": str, "name": str, "level": str, "parent": str}, pk="code")
    db.table("tps").create(
        {
            "id": str,
            "number": int,
            "desa": str,
            "desa_name": str,
            "kecamatan": str,
            "kecamatan_name": str,
        },
        pk="id",
    )


@migrations()
def m002_photos(db: Database) -> None:
    # sha256 = the stored (re-encoded) file, which records cite and the server verifies;
    # original_sha256 = the bytes the camera or file picker gave us.
    db.table("photos").create(
        {
            "sha256": str,
            "original_sha256": str,
            "size": int,
            "content_type": str,
            "width": int,
            "height": int,
            "taken": str,  # EXIF DateTimeOriginal, when present
            "has_gps": int,
            "state": str,  # pending | complete | failed
            "sent": int,  # bytes the server holds (its offset) at the last answer
            "code": str,
            "reason": str,
            "reason_en": str,
            "added_ms": int,
        },
        pk="sha256",
    )
    db.table("photos").create_index(["original_sha256"], unique=True)
    db.table("photos").create_index(["state", "added_ms"])
    # Which records cite which photo, read straight from the records: never out of date.
    db.execute(
        """
        CREATE VIEW photo_refs AS
        SELECT j.value AS sha256, r.id AS record_id, r.kind, r.tps, r.shared, r.deleted
          FROM records r, json_each(r.fields, '$.photos') j WHERE j.type = 'text'
        UNION ALL
        SELECT j.value, r.id, r.kind, r.tps, r.shared, r.deleted
          FROM records r, json_each(r.fields, '$.bukti') j WHERE j.type = 'text'
        """
    )


@migrations()
def m003_drop_region_tables(db: Database) -> None:
    """The region index is built in memory from the packaged CSV (app/store/regions.py)."""
    db.table("tps").drop(ignore=True)
    db.table("areas").drop(ignore=True)


@migrations()
def m004_packed_stamps(db: Database) -> None:
    """Stamps packed (one record stamp, the fields that differ apart) and fields as compact
    JSON: the same values and stamps, a third of the bytes. Every row is rewritten in this
    one migration's transaction, so a phone upgraded mid-way keeps the old rows whole."""
    rows = db.execute("select id, fields, stamps from records").fetchall()
    changed = []
    for record_id, fields_raw, stamps_raw in rows:
        fields = json.loads(fields_raw)
        stamps = json.loads(stamps_raw)
        if is_packed(stamps):
            continue
        per_field = {k: (int(v[0]), str(v[1])) for k, v in stamps.items()}
        changed.append((dumps(fields), dumps(pack(fields, per_field)), record_id))
    db.conn.executemany("update records set fields = ?, stamps = ? where id = ?", changed)


@migrations()
def m005_refusals_and_server_copy(db: Database) -> None:
    """Refused ops leave the outbox for a list the user reads (their fields are never sent
    again); the last state the server is known to hold per record, to undo a refused write."""
    db.table("refusals").create(
        {
            "id": int,
            "record_id": str,
            "fields": str,  # JSON: the refused values, name -> value
            "code": str,
            "reason": str,
            "reason_en": str,
        },
        pk="id",
    )
    db.table("refusals").create_index(["record_id"])
    db.execute(
        "insert into refusals (record_id, fields, code, reason, reason_en) "
        "select record_id, fields, code, reason, reason_en from outbox where state = 'failed'"
    )
    db.execute("delete from outbox where state = 'failed'")
    db.table("server_copy").create({"record_id": str, "fields": str, "stamps": str}, pk="record_id")


@migrations()
def m006_checkpoints(db: Database) -> None:
    """Signed checkpoints of the server's change log, as pulled (app/store/keys.py)."""
    db.table("checkpoints").create(
        {"log_id": int, "v": int, "server_key": str, "hash": str, "time_ms": int,
         "signature": str},
        pk="log_id",
    )  # fmt: skip
