"""PostgreSQL schema as numbered migrations; never edit one once released, add the next.

The same tables as the SQLite schema (sqlite_schema.py), in PostgreSQL's types: JSON stays
`text` where its exact bytes matter (the change log's hash chain covers them) and is read with
`::jsonb`; milliseconds and stamps are `bigint`. The server sequence is its own one-row table
(pg.py: why). Migrations run under an advisory lock, so workers starting together apply each
once.
"""

from __future__ import annotations

from typing import Any

import psycopg

MIGRATIONS: list[tuple[str, str]] = [
    (
        "m001_accounts",
        """
        CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE server_seq (id int PRIMARY KEY CHECK (id = 1), value bigint NOT NULL);
        INSERT INTO server_seq VALUES (1, 0);
        CREATE TABLE users (id text PRIMARY KEY, name text NOT NULL, role text NOT NULL,
            party int, scope text NOT NULL);
        CREATE TABLE devices (id text PRIMARY KEY, user_id text NOT NULL REFERENCES users,
            name text, token_hash text NOT NULL UNIQUE, created_ms bigint NOT NULL,
            revoked_ms bigint, pulled_seq bigint);
        CREATE TABLE enrol_codes (code_hash text PRIMARY KEY,
            user_id text NOT NULL REFERENCES users, expires_ms bigint NOT NULL, used_ms bigint,
            device_id text);
        """,
    ),
    (
        "m002_sync",
        """
        CREATE TABLE ops (device_id text, op_id text, seq bigint NOT NULL,
            record_id text NOT NULL, status text NOT NULL, code text, reason text,
            reason_en text, PRIMARY KEY (device_id, op_id));
        CREATE INDEX ops_device_seq ON ops (device_id, seq);
        CREATE TABLE device_acks (device_id text PRIMARY KEY, acked_seq bigint NOT NULL);
        CREATE TABLE records (id text PRIMARY KEY, kind text NOT NULL, tps text NOT NULL,
            author text NOT NULL, author_role text NOT NULL, author_party int,
            fields text NOT NULL, stamps text NOT NULL, seq bigint NOT NULL UNIQUE);
        CREATE INDEX records_tps ON records (tps);
        CREATE TABLE conflicts (id bigserial PRIMARY KEY, record_id text NOT NULL,
            field text NOT NULL, current_value text, current_stamp text, incoming_value text,
            incoming_stamp text, seq bigint NOT NULL, resolved int NOT NULL);
        CREATE INDEX conflicts_record ON conflicts (record_id);
        CREATE TABLE changelog (id bigint PRIMARY KEY, entry text NOT NULL,
            prev_hash text NOT NULL, hash text NOT NULL);
        CREATE INDEX changelog_record_id ON changelog (((entry::jsonb) ->> 'record_id'));
        CREATE FUNCTION changelog_append_only() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'changelog is append-only'; END $$;
        CREATE TRIGGER changelog_no_change BEFORE UPDATE OR DELETE ON changelog
            FOR EACH ROW EXECUTE FUNCTION changelog_append_only();
        CREATE TABLE areas (code text PRIMARY KEY, name text NOT NULL, level text NOT NULL,
            parent text);
        CREATE TABLE tps (id text PRIMARY KEY, number int NOT NULL, desa text NOT NULL,
            desa_name text, kecamatan text, kecamatan_name text);
        """,
    ),
    (
        "m003_reconcile",
        """
        CREATE TABLE recon_snapshot (record_id text PRIMARY KEY, tps text NOT NULL,
            ballot text, final int NOT NULL, fields text NOT NULL, changes text NOT NULL,
            stamps text);
        CREATE INDEX recon_snapshot_tps ON recon_snapshot (tps);
        CREATE TABLE recon_photo (sha256 text, record_id text, tps text NOT NULL, ballot text,
            PRIMARY KEY (sha256, record_id));
        CREATE INDEX recon_photo_record ON recon_photo (record_id);
        CREATE TABLE recon_state (tps text, ballot text, status text NOT NULL,
            severity int NOT NULL, n_sources int NOT NULL, rules text NOT NULL,
            doc text NOT NULL, is_open int NOT NULL DEFAULT 0,
            is_decided int NOT NULL DEFAULT 0, PRIMARY KEY (tps, ballot));
        CREATE INDEX recon_state_severity ON recon_state (severity);
        CREATE TABLE recon_value (tps text, ballot text, key text, value bigint NOT NULL,
            PRIMARY KEY (tps, ballot, key));
        CREATE TABLE official (tps text, ballot text, fields text NOT NULL,
            source_file text NOT NULL, imported_ms bigint NOT NULL, PRIMARY KEY (tps, ballot));
        INSERT INTO meta (key, value) VALUES ('recon_cursor', '0'), ('recon_rules', '');
        """,
    ),
    (
        "m004_blobs",
        """
        CREATE TABLE blobs (sha256 text PRIMARY KEY, size bigint NOT NULL,
            content_type text NOT NULL, device_id text, created_ms bigint NOT NULL,
            updated_ms bigint NOT NULL, complete int NOT NULL, original_sha256 text);
        CREATE INDEX blobs_stale ON blobs (complete, updated_ms);
        CREATE INDEX blobs_original ON blobs (original_sha256);
        CREATE TABLE blob_refs (sha256 text, record_id text, kind text NOT NULL,
            tps text NOT NULL, PRIMARY KEY (sha256, record_id));
        CREATE INDEX blob_refs_record ON blob_refs (record_id);
        """,
    ),
    (
        "m005_op_content_and_epochs",
        """
        ALTER TABLE ops ADD COLUMN content_hash text;
        CREATE TABLE device_epochs (device_id text PRIMARY KEY, epoch int NOT NULL);
        """,
    ),
    (
        "m006_coverage_recap_prints",
        """
        ALTER TABLE recon_state ADD COLUMN is_counted int NOT NULL DEFAULT 0;
        ALTER TABLE recon_state ADD COLUMN n_single int NOT NULL DEFAULT 0;
        CREATE TABLE recap (level text NOT NULL, area text, ballot text,
            "values" text NOT NULL, source_file text NOT NULL, imported_ms bigint NOT NULL,
            PRIMARY KEY (area, ballot));
        CREATE TABLE blob_print (sha256 text PRIMARY KEY, print text NOT NULL);
        CREATE TABLE photo_twin (sha256 text, twin text, distance int NOT NULL,
            PRIMARY KEY (sha256, twin));
        """,
    ),
    (
        "m007_signatures",
        """
        CREATE TABLE device_keys (device_id text, key_id text, public_key text NOT NULL,
            from_ms bigint NOT NULL, until_ms bigint, added bigserial,
            PRIMARY KEY (device_id, key_id));
        CREATE TABLE checkpoints (log_id bigint PRIMARY KEY, hash text NOT NULL,
            time_ms bigint NOT NULL, server_key text NOT NULL, signature text NOT NULL);
        CREATE INDEX changelog_batch ON changelog (((entry::jsonb) ->> 'batch_of'));
        INSERT INTO meta (key, value)
            SELECT 'unsigned_until_log', coalesce(max(id), 0)::text FROM changelog
            ON CONFLICT (key) DO UPDATE SET value = excluded.value;
        """,
    ),
    (
        "m008_blob_uploads_per_device",
        """
        UPDATE blobs SET device_id = '' WHERE device_id IS NULL;
        ALTER TABLE blobs DROP CONSTRAINT blobs_pkey;
        ALTER TABLE blobs ALTER COLUMN device_id SET NOT NULL;
        ALTER TABLE blobs ADD PRIMARY KEY (sha256, device_id);
        CREATE INDEX blobs_device_open ON blobs (device_id, complete);
        """,
    ),
    (
        "m009_enrol_failures",
        """
        CREATE TABLE enrol_failures (selector text NOT NULL, at_ms bigint NOT NULL);
        CREATE INDEX enrol_failures_selector ON enrol_failures (selector, at_ms);
        CREATE INDEX enrol_failures_at ON enrol_failures (at_ms);
        """,
    ),
    (  # a pull sends stamps as stored; rows written before stay NULL and are packed on read
        "m010_packed_stamps",
        "ALTER TABLE records ADD COLUMN packed text;",
    ),
]

MIGRATE_LOCK = 0x70616E74  # advisory lock key held while migrating ("pant")


def migrate(conn: psycopg.Connection[dict[str, Any]]) -> None:
    """Apply every migration not yet applied, in order, in one transaction (dict rows)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATE_LOCK])
        conn.execute("CREATE TABLE IF NOT EXISTS migrations (name text PRIMARY KEY)")
        done = {row["name"] for row in conn.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            conn.execute(sql)  # our own constant DDL
            conn.execute("INSERT INTO migrations (name) VALUES (%s)", [name])
