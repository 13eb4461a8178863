"""The migration to one upload row per (photo, device) keeps every stored upload, on both
backends: a database written before it opens with its photos and their uploaders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from sqlite_utils import Database

from sync_server.store import pg_schema
from sync_server.store.blob_base import BlobRow
from sync_server.store.pg import PgStore
from sync_server.store.pg_rows import open_pool
from sync_server.store.sqlite import SqliteStore
from sync_server.store.sqlite_schema import migrations

A = "a" * 64
OLD = [
    (A, 100, "image/jpeg", "d1", 1, 2, 1, None),
    ("b" * 64, 50, "image/png", "d2", 3, 4, 0, "c" * 64),
]


def _expect_both_devices(store: Any) -> None:
    blobs = store.blobs()
    assert blobs.uploads(A) == [BlobRow(*OLD[0][:6], True, None)]
    assert blobs.get_upload("b" * 64, "d2") == BlobRow(*OLD[1][:6], False, "c" * 64)
    blobs.put_blob(BlobRow(A, 100, "image/jpeg", "d9", 5, 5, False))  # a second device's upload
    assert [b.device_id for b in blobs.uploads(A)] == ["d1", "d9"]
    assert blobs.open_uploads("d9") == 1


def test_sqlite_blobs_written_before_the_migration_survive_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m015_blob_uploads_per_device")
    for row in OLD:
        old.execute("INSERT INTO blobs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(row))
    old.conn.commit()
    old.close()
    store = SqliteStore(path)
    store.migrate()
    try:
        _expect_both_devices(store)
    finally:
        store.close()


def test_postgres_blobs_written_before_the_migration_survive_it(
    request: pytest.FixtureRequest,
) -> None:
    url = request.getfixturevalue("pg").new_database()
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute("CREATE TABLE migrations (name text PRIMARY KEY)")
        for name, sql in pg_schema.MIGRATIONS:
            if name == "m008_blob_uploads_per_device":
                break
            conn.execute(sql)
            conn.execute("INSERT INTO migrations (name) VALUES (%s)", [name])
        for row in OLD:
            conn.execute("INSERT INTO blobs VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", list(row))
    pool = open_pool(url, max_size=2)
    store = PgStore(pool)
    try:
        store.migrate()
        _expect_both_devices(store)
    finally:
        store.close()
        pool.close()
