"""SQLite schema as named migrations (sqlite-utils `Migrations`); never edit one once released."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("pantau_server")


@migrations()
def m001_accounts(db: Database) -> None:
    db.table("meta").create({"key": str, "value": int}, pk="key")
    db.table("users").create(
        {"id": str, "name": str, "role": str, "party": int, "scope": str},
        pk="id",
        not_null={"name", "role", "scope"},
    )
    db.table("devices").create(
        {
            "id": str,
            "user_id": str,
            "name": str,
            "token_hash": str,
            "created_ms": int,
            "revoked_ms": int,
        },
        pk="id",
        not_null={"user_id", "token_hash", "created_ms"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("devices").create_index(["token_hash"], unique=True)
    db.table("enrol_codes").create(
        {
            "code_hash": str,
            "user_id": str,
            "expires_ms": int,
            "used_ms": int,
            "device_id": str,
        },
        pk="code_hash",
        not_null={"user_id", "expires_ms"},
        foreign_keys=[("user_id", "users", "id")],
    )


@migrations()
def m002_sync(db: Database) -> None:
    db.table("ops").create(
        {
            "device_id": str,
            "op_id": str,
            "seq": int,
            "record_id": str,
            "status": str,
            "code": str,
            "reason": str,
            "reason_en": str,
        },
        pk=("device_id", "op_id"),
        not_null={"seq", "record_id", "status"},
    )
    db.table("ops").create_index(["device_id", "seq"])
    db.table("device_acks").create({"device_id": str, "acked_seq": int}, pk="device_id")
    db.table("records").create(
        {
            "id": str,
            "kind": str,
            "tps": str,
            "author": str,
            "author_role": str,
            "author_party": int,
            "fields": str,
            "stamps": str,
            "seq": int,
        },
        pk="id",
        not_null={"kind", "tps", "author", "author_role", "fields", "stamps", "seq"},
    )
    db.table("records").create_index(["seq"], unique=True)
    db.table("records").create_index(["tps"])
    db.table("conflicts").create(
        {
            "id": int,
            "record_id": str,
            "field": str,
            "current_value": str,
            "current_stamp": str,
            "incoming_value": str,
            "incoming_stamp": str,
            "seq": int,
            "resolved": int,
        },
        pk="id",
        not_null={"record_id", "field", "seq", "resolved"},
    )
    db.table("conflicts").create_index(["record_id"])


@migrations()
def m003_changelog(db: Database) -> None:
    db.table("changelog").create(
        {"id": int, "entry": str, "prev_hash": str, "hash": str},
        pk="id",
        not_null={"entry", "prev_hash", "hash"},
    )
    # Append-only by construction, not by convention: edits must go through a new entry.
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER changelog_no_{action.lower()} BEFORE {action} ON changelog "
            "BEGIN SELECT RAISE(ABORT, 'changelog is append-only'); END"
        )


@migrations()
def m004_region(db: Database) -> None:
    db.table("areas").create(
        {"code": str, "name": str, "level": str, "parent": str},
        pk="code",
        not_null={"name", "level"},
    )
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
        not_null={"number", "desa"},
    )


@migrations()
def m005_reconcile(db: Database) -> None:
    """Reconciliation state (sync_server.review.reconcile). Filled inside each push when this
    was written; since m008 derived from the change log behind a cursor, never in a push."""
    db.table("recon_snapshot").create(
        {"record_id": str, "tps": str, "ballot": str, "final": int, "fields": str, "changes": str},
        pk="record_id",
        not_null={"tps", "final", "fields", "changes"},
    )
    db.table("recon_snapshot").create_index(["tps"])
    db.table("recon_photo").create(
        {"sha256": str, "record_id": str, "tps": str, "ballot": str},
        pk=("sha256", "record_id"),
        not_null={"tps"},
    )
    db.table("recon_photo").create_index(["record_id"])
    db.table("recon_state").create(
        {
            "tps": str,
            "ballot": str,
            "status": str,
            "severity": int,
            "n_sources": int,
            "rules": str,
            "doc": str,
        },
        pk=("tps", "ballot"),
        not_null={"status", "severity", "n_sources", "rules", "doc"},
    )
    db.table("recon_state").create_index(["severity"])
    db.table("recon_value").create(
        {"tps": str, "ballot": str, "key": str, "value": int},
        pk=("tps", "ballot", "key"),
        not_null={"value"},
    )
    db.table("official").create(
        {"tps": str, "ballot": str, "fields": str, "source_file": str, "imported_ms": int},
        pk=("tps", "ballot"),
        not_null={"fields", "source_file", "imported_ms"},
    )
    # The history of one record is read from the change log by its record id.
    db.execute("CREATE INDEX changelog_record_id ON changelog (json_extract(entry, '$.record_id'))")


@migrations()
def m006_blobs(db: Database) -> None:
    """Photo metadata (bytes live on disk under blob_dir) and which record cites which photo."""
    db.table("blobs").create(
        {
            "sha256": str,
            "size": int,
            "content_type": str,
            "device_id": str,
            "created_ms": int,
            "updated_ms": int,
            "complete": int,
            "original_sha256": str,
        },
        pk="sha256",
        not_null={"size", "content_type", "created_ms", "updated_ms", "complete"},
    )
    db.table("blobs").create_index(["complete", "updated_ms"])
    db.table("blobs").create_index(["original_sha256"])
    db.table("blob_refs").create(
        {"sha256": str, "record_id": str, "kind": str, "tps": str},
        pk=("sha256", "record_id"),
        not_null={"kind", "tps"},
    )
    db.table("blob_refs").create_index(["record_id"])
    for name in ("photos", "bukti"):  # records pushed before this migration
        db.execute(
            "INSERT OR REPLACE INTO blob_refs (sha256, record_id, kind, tps) "
            "SELECT j.value, r.id, r.kind, r.tps "
            f"FROM records r, json_each(r.fields, '$.{name}') j "
            "WHERE j.type = 'text' AND coalesce(json_extract(r.fields, '$.deleted'), 0) = 0"
        )


@migrations()
def m007_device_cursors(db: Database) -> None:
    """How far each device has pulled: tombstones older than every cursor can go."""
    db.table("devices").add_column("pulled_seq", int)


@migrations()
def m008_recon_from_log(db: Database) -> None:
    """Reconciliation reads the change log behind a cursor instead of running inside each push;
    snapshots keep their stamps. Derived rows are rebuilt from the log on the next read."""
    db.table("recon_snapshot").add_column("stamps", str)
    for table in ("recon_snapshot", "recon_photo", "recon_state", "recon_value"):
        db.execute(f"DELETE FROM {table}")
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('recon_cursor', 0)")


@migrations()
def m009_op_content_and_epochs(db: Database) -> None:
    """An op id names one content (its hash is kept); a restored device gets a new epoch."""
    db.table("ops").add_column("content_hash", str)
    db.table("device_epochs").create({"device_id": str, "epoch": int}, pk="device_id")


@migrations()
def m010_recon_open_decided(db: Database) -> None:
    """Whether a TPS-ballot is open or decided is stored with its row (computed once, in
    review), not written again as SQL; the rows are rebuilt under the current rules."""
    db.table("recon_state").add_column("is_open", int, not_null_default=0)
    db.table("recon_state").add_column("is_decided", int, not_null_default=0)
    for table in ("recon_snapshot", "recon_photo", "recon_state", "recon_value"):
        db.execute(f"DELETE FROM {table}")
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('recon_cursor', 0)")
    db.execute("DELETE FROM meta WHERE key = 'recon_rules'")  # the next catch-up restarts


@migrations()
def m011_recon_coverage(db: Database) -> None:
    """How many fields of a TPS-ballot rest on one source (coverage in the totals)."""
    db.table("recon_state").add_column("n_single", int, not_null_default=0)
    db.table("recon_state").add_column("is_counted", int, not_null_default=0)


@migrations()
def m012_recap(db: Database) -> None:
    """Official recapitulation figures (D.Hasil) per desa and kecamatan, as imported."""
    db.table("recap").create(
        {"level": str, "area": str, "ballot": str, "values": str, "source_file": str,
         "imported_ms": int},
        pk=("area", "ballot"),
        not_null={"level", "values", "imported_ms"},
    )  # fmt: skip


@migrations()
def m013_photo_prints(db: Database) -> None:
    """Perceptual fingerprints of complete photos, and the pairs that look like one sheet."""
    db.table("blob_print").create({"sha256": str, "print": str}, pk="sha256", not_null={"print"})
    db.table("photo_twin").create(
        {"sha256": str, "twin": str, "distance": int}, pk=("sha256", "twin"),
        not_null={"distance"},
    )  # fmt: skip


@migrations()
def m014_signatures(db: Database) -> None:
    """Device signing keys over time (rotation, revocation), signed checkpoints of the log
    head, and an index to find the signed batch an op entry cites (core/signing.py)."""
    db.table("device_keys").create(
        {"device_id": str, "key_id": str, "public_key": str, "from_ms": int, "until_ms": int},
        pk=("device_id", "key_id"),
        not_null={"public_key", "from_ms"},
    )
    db.table("checkpoints").create(
        {"log_id": int, "hash": str, "time_ms": int, "server_key": str, "signature": str},
        pk="log_id",
        not_null={"hash", "time_ms", "server_key", "signature"},
    )
    db.execute("CREATE INDEX changelog_batch ON changelog (json_extract(entry, '$.batch_of'))")
    # Entries logged before signing began carry no signature; verify-log counts them apart.
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) "
        "SELECT 'unsigned_until_log', coalesce(max(id), 0) FROM changelog"
    )


@migrations()
def m015_blob_uploads_per_device(db: Database) -> None:
    """One row per (photo, device) upload: an upload belongs to the device that opened it, and
    a photo may have several uploaders (issue 11). Unfinished uploads restart from zero (their
    partial files now live per device)."""
    db.execute("UPDATE blobs SET device_id = '' WHERE device_id IS NULL")
    db.table("blobs").transform(pk=("sha256", "device_id"), not_null={"device_id"})
    db.table("blobs").create_index(["device_id", "complete"])


@migrations()
def m016_enrol_failures(db: Database) -> None:
    """Wrong guesses per enrolment code selector, shared by every server process (issue 11)."""
    db.execute("CREATE TABLE enrol_failures (selector TEXT NOT NULL, at_ms INTEGER NOT NULL)")
    db.execute("CREATE INDEX enrol_failures_selector ON enrol_failures (selector, at_ms)")
    db.execute("CREATE INDEX enrol_failures_at ON enrol_failures (at_ms)")


@migrations()
def m017_packed_stamps(db: Database) -> None:
    """Each record's stamps also in their wire form (core/stamps.py), so a pull sends them as
    stored. Rows written before are left NULL: a pull packs those as it reads them."""
    db.table("records").add_column("packed", str)
