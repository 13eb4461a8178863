"""The admin CLI: clear Indonesian errors and non-zero exits, never a traceback."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from core import signing
from sync_server.admin import accounts
from sync_server.admin.cli import cli
from sync_server.secret import server_key
from sync_server.settings import Settings
from sync_server.store.models import ReadFilter
from sync_server.store.sqlite import SqliteStore
from sync_server.sync.chain import verify_chain
from tests.server.conftest import TPS

ROOT = Path(__file__).resolve().parents[2]
JOMBANG = ROOT / "assets/data/jombang_wilayah.csv"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def fails(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Gagal:" in result.output
    return str(result.output)


def test_init_and_import_the_real_jombang_region(db: Path):
    assert "Database siap" in ok("init", "--db", db)
    out = ok("import-region", JOMBANG, "--db", db)
    assert "3858 TPS" in out
    store = SqliteStore(db)
    assert store.count_tps() == 3858
    assert store.has_tps(TPS)
    store.close()


def test_import_region_is_all_or_nothing(db: Path, tmp_path: Path):
    ok("import-region", JOMBANG, "--db", db)
    bad = tmp_path / "bad.csv"
    lines = JOMBANG.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].replace(lines[40].split(",")[0], "35.17.XX", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = fails("import-region", bad, "--db", db)
    assert "Baris 41" in out
    store = SqliteStore(db)
    assert store.count_tps() == 3858  # the earlier import is untouched
    store.close()


def test_import_region_of_a_missing_file_fails_in_words(db: Path, tmp_path: Path):
    assert "tidak bisa dibaca" in fails("import-region", tmp_path / "nope.csv", "--db", db)


def test_users_codes_devices_and_revocation(db: Path):
    ok("import-region", JOMBANG, "--db", db)
    user_id = ok(
        "create-user", "--name", "Siti", "--role", "saksi", "--party", "1", "--scope", TPS,
        "--db", db,
    ).strip()  # fmt: skip
    assert user_id.startswith("u-")
    code = ok("enrol-code", user_id, "--db", db).strip()
    assert len(code) == 24
    assert code[4] == "-"
    assert user_id in ok("list-users", "--db", db)
    store = SqliteStore(db)
    public = signing.public_key_of(signing.new_private_key())
    key = server_key(Settings(db_path=db))
    response = accounts.enrol(store, code, "hp", now_ms=0, key=key, public_key=public)
    store.close()
    listed = ok("list-devices", "--db", db)
    assert response.device_id in listed
    assert "aktif" in listed
    assert "dicabut" in ok("revoke", response.device_id, "--db", db)
    assert "dicabut" in ok("list-devices", "--db", db)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["create-user", "--name", "A", "--role", "raja", "--scope", TPS], "Peran 'raja'"),
        (["create-user", "--name", "A", "--role", "saksi", "--scope", TPS], "nomor urut partai"),
        (["create-user", "--name", "A", "--role", "ptps", "--scope", "35.1"], "tidak sah"),
        (["enrol-code", "u-nobody"], "tidak ada"),
        (["revoke", "d-nothing"], "tidak ada"),
    ],
)
def test_bad_commands_fail_in_indonesian(db: Path, args, words):
    assert words in fails(*args, "--db", db)


def test_a_database_that_cannot_be_opened_fails_in_words(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert "tidak bisa dibuka" in fails("init", "--db", blocker / "sub" / "x.db")


def test_seed_demo_prints_labelled_codes(db: Path):
    out = ok("seed-demo", "--db", db, "--region-csv", JOMBANG, "--records", "0")
    assert "DEMO" in out
    lines = [line for line in out.splitlines() if "\t" in line]
    assert len(lines) == 5
    assert all("[DEMO]" in line for line in lines)
    store = SqliteStore(db)
    roles = sorted(u.role for u in store.list_users())
    parties = sorted(u.party or 0 for u in store.list_users() if u.role == "saksi")
    store.close()
    assert roles == ["polisi", "ptps", "saksi", "saksi", "supervisor"]
    assert parties == [1, 2]


def demo_photos_of(store: SqliteStore, blobs: Path) -> dict[str, str]:
    """Record id -> photo hash of the demo tallies with a photo; each one stored complete as an
    upload, its file's SHA-256 its name, a JPEG, and cited by the record (so it can be read)."""
    found = {}
    for row in store.db.execute("SELECT id, fields FROM records WHERE kind = 'tally'"):
        shas = json.loads(row[1]).get("photos") or []
        for sha in shas:
            data = (blobs / sha[:2] / sha).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha
            assert data[:3] == b"\xff\xd8\xff"
            [blob] = store.blobs().uploads(sha)
            assert blob.complete
            assert blob.size == len(data)
            found[row[0]] = sha
    return found


def test_verify_log_reports_tampering(db: Path):
    ok("init", "--db", db)
    store = SqliteStore(db)
    store.append_log({"n": 1})
    store.append_log({"n": 2})
    assert "utuh" in ok("verify-log", "--db", db)
    store.db.execute("DROP TRIGGER changelog_no_delete")
    store.db.execute("DELETE FROM changelog WHERE id = 1")
    store.close()
    assert "entri 2" in fails("verify-log", "--db", db)


def test_the_entry_point_runs_as_a_module(db: Path):
    python = sys.executable
    res = subprocess.run(
        [python, "-m", "sync_server.admin.cli", "init", "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    bad = subprocess.run(
        [python, "-m", "sync_server.admin.cli", "enrol-code", "u-x", "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert "Gagal:" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_seed_demo_records_go_through_the_push_path_with_their_flags(db: Path, tmp_path: Path):
    blobs = tmp_path / "blobs"
    out = ok(
        "seed-demo", "--db", db, "--region-csv", JOMBANG, "--records", "40", "--blob-dir", blobs
    )
    assert "data contoh" in out
    store = SqliteStore(db)
    try:
        states = {(r["tps"], r["ballot"]): r for r in store.db.table("recon_state").rows}
        rules = {rule for r in states.values() for rule in r["rules"].strip(",").split(",") if rule}
        kinds = dict(
            store.db.execute("SELECT kind, count(*) FROM records GROUP BY kind").fetchall()
        )
        assert verify_chain(store.log_entries()) is None
        photos = demo_photos_of(store, blobs)
    finally:
        store.close()
    assert len(states) == 40
    assert 4 <= len(photos) <= 12
    assert len(set(photos.values())) == len(photos)
    assert {"vote_conflict", "votes_above_max"} <= rules  # a 99->44 misread and a 948
    assert kinds["tally"] >= 80
    assert kinds["assessment"] == 160
    assert kinds["incident"] == 12
    assert all("[DEMO]" in line for line in out.splitlines() if "\t" in line)


def test_several_workers_need_postgresql(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PANTAU_DATABASE_URL", raising=False)
    out = fails("serve", "--db", db, "--workers", "2", "--port", "1")
    assert "PANTAU_DATABASE_URL" in out


def test_import_recap_is_all_or_nothing_and_logged(db: Path, tmp_path: Path):
    ok("init", "--db", db)
    ok("import-region", JOMBANG, "--db", db)
    good = tmp_path / "dhasil.csv"
    good.write_text("tingkat,kode,ballot,suara.1,suara.2\nkecamatan,35.17.01,ppwp,1.250,980\n"
                    "desa,35.17.01.2001,ppwp,310,240\n", encoding="utf-8")  # fmt: skip
    assert "Diimpor 2 baris rekap (D.Hasil)." in ok("import-recap", good, "--db", db)
    bad = tmp_path / "bad.csv"
    bad.write_text("tingkat,kode,ballot,suara.1\nkecamatan,35.17.01,ppwp,5\n"
                   "desa,35.17.01.9999,ppwp,7\n", encoding="utf-8")  # fmt: skip
    assert "Baris 3" in fails("import-recap", bad, "--db", db)
    store = SqliteStore(db)
    try:
        rows = {(r.area, r.ballot): r.values for r in store.recon().recaps(ReadFilter(("",)))}
        entries = [
            e.entry for e in store.log_since(0, 1000) if e.entry.get("kind") == "recap_import"
        ]
    finally:
        store.close()
    assert rows == {("351701", "ppwp"): {"suara.1": 1250, "suara.2": 980},
                    ("3517012001", "ppwp"): {"suara.1": 310, "suara.2": 240}}  # fmt: skip
    assert [e["file"] for e in entries] == ["dhasil.csv"]
