"""`open-codes`: what `dev.py start` prints on every start is only the demo codes that still
enrol a device; a used one is never shown again."""

from __future__ import annotations

from pathlib import Path

from core import signing
from sync_server.admin import accounts
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.test_cli import JOMBANG, fails, ok


def test_open_codes_leaves_out_used_ones(tmp_path: Path):
    db, codes_file = tmp_path / "server.db", tmp_path / "demo-codes.txt"
    out = ok("seed-demo", "--db", db, "--region-csv", JOMBANG, "--records", "0")
    codes_file.write_text(out)
    lines = [line for line in out.splitlines() if "\t" in line]
    assert len(lines) >= 5
    assert ok("open-codes", codes_file, "--db", db).splitlines() == lines
    used = lines[0].split("\t")[0]
    store = SqliteStore(db)
    try:
        key = server_key(Settings(db_path=db))  # issue 11: codes are HMACs under the server key
        public = signing.public_key_of(signing.new_private_key())
        accounts.enrol(store, used, "hp", 1_700_000_000_000, key=key, public_key=public)
    finally:
        store.close()
    assert ok("open-codes", codes_file, "--db", db).splitlines() == lines[1:]


def test_open_codes_without_the_file_says_so(tmp_path: Path):
    assert "tidak ada" in fails("open-codes", tmp_path / "nope.txt", "--db", tmp_path / "s.db")
