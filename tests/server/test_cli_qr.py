"""`enrol-code --qr` and `seed-demo --qr-dir`: PNGs a phone reads back to the same code."""

from __future__ import annotations

import re
from pathlib import Path

from app.ui.qr import read_enrolment
from sync_server.admin.enrol_qr import file_name, only_this_computer
from tests.server.test_cli import JOMBANG, fails, ok, run

TPS = "3517012001001"


def _user(db: Path) -> str:
    ok("import-region", JOMBANG, "--db", db)
    args = ["create-user", "--name", "Siti", "--role", "saksi", "--party", "1", "--scope", TPS]
    return ok(*args, "--db", db).strip()


def test_enrol_code_writes_a_qr_with_server_and_code(tmp_path: Path):
    db = tmp_path / "cli.db"
    user = _user(db)
    png = tmp_path / "qr" / "siti.png"
    out = ok("enrol-code", user, "--db", db, "--qr", png, "--server-url", "http://10.0.0.5:8765/")
    code = out.splitlines()[0].strip()
    assert len(code) == 24
    assert f"Kode QR disimpan: {png}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert read_enrolment(png.read_bytes()) == ("http://10.0.0.5:8765", code)


def test_enrol_code_qr_defaults_to_this_computer_and_says_so(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PANTAU_PORT", "9123")
    db = tmp_path / "cli.db"
    user = _user(db)
    result = run("enrol-code", user, "--db", db, "--qr", tmp_path / "a.png")
    assert result.exit_code == 0, result.output
    server, code = read_enrolment((tmp_path / "a.png").read_bytes())
    assert server == "http://127.0.0.1:9123"
    assert code == result.stdout.splitlines()[0].strip()
    assert "hanya bisa dijangkau dari komputer ini" in result.stderr  # a note, not output


def test_a_bad_server_url_fails_before_any_code_is_issued(tmp_path: Path):
    db = tmp_path / "cli.db"
    user = _user(db)
    out = fails(
        "enrol-code", user, "--db", db, "--qr", tmp_path / "a.png", "--server-url", "10.0.0.5"
    )
    assert "Alamat server" in out
    assert not (tmp_path / "a.png").exists()
    assert not re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", out)  # no code was issued


def test_an_unwritable_qr_path_fails_in_words(tmp_path: Path):
    db = tmp_path / "cli.db"
    user = _user(db)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = fails("enrol-code", user, "--db", db, "--qr", blocker / "qr.png")
    assert "tidak bisa ditulis" in out


def test_seed_demo_writes_one_qr_per_demo_user(tmp_path: Path):
    db, folder = tmp_path / "cli.db", tmp_path / "demo-qr"
    out = ok(
        "seed-demo", "--db", db, "--region-csv", JOMBANG, "--records", "0",
        "--qr-dir", folder, "--server-url", "http://192.168.1.20:8765",
    )  # fmt: skip
    codes = {
        name: code for code, name in (line.split("\t") for line in out.splitlines() if "\t" in line)
    }
    assert len(codes) == 5
    assert f"Gambar kode QR (http://192.168.1.20:8765): {folder}" in out
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert pngs == sorted(file_name(name) for name in codes)
    assert "saksi-pkb-tps-001.png" in pngs
    for name, code in codes.items():
        assert read_enrolment((folder / file_name(name)).read_bytes()) == (
            "http://192.168.1.20:8765",
            code,
        )


def test_helpers():
    assert file_name("[DEMO] Saksi PKB TPS 001") == "saksi-pkb-tps-001.png"
    assert file_name("[DEMO]  ") == "pengguna.png"
    assert only_this_computer("http://127.0.0.1:8765")
    assert only_this_computer("http://localhost")
    assert not only_this_computer("http://10.0.0.5:8765")
    assert not only_this_computer("https://pantau.example.id")
