"""The region registry: kecamatan, desa and every TPS, built from rows of a wilayah CSV.

Rows look like `assets/data/jombang_wilayah.csv` (kode, level, nama, kode_kecamatan, ...,
tps_reguler_pemilu2024, tps_lokasi_khusus_pemilu2024). Regular TPS are numbered 1..n,
special-location TPS 901.. (domain.md). Any kabupaten works; nothing assumes Jombang.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.errors import DomainError
from core.wilayah import parse_desa, region_level, tps_id


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    parent: str


@dataclass(frozen=True)
class Tps:
    id: str
    number: int
    desa: str
    desa_name: str
    kecamatan: str
    kecamatan_name: str

    @property
    def label(self) -> str:
        return f"TPS {self.number:03d} {self.desa_name}, {self.kecamatan_name}"


@dataclass(frozen=True)
class Registry:
    areas: tuple[Area, ...]
    tps: tuple[Tps, ...]

    def kecamatan(self) -> list[Area]:
        return [a for a in self.areas if a.level == "kecamatan"]

    def desa(self) -> list[Area]:
        return [a for a in self.areas if a.level == "desa"]


def _row_error(n: int, what_id: str, what_en: str) -> DomainError:
    return DomainError("invalid_row", f"Baris {n}: {what_id}", f"Row {n}: {what_en}")


def _count(row: Mapping[str, str], key: str, n: int) -> int:
    raw = (row.get(key) or "0").strip() or "0"
    if not raw.isdigit() or int(raw) > 999:
        raise _row_error(n, f"jumlah TPS '{raw}' tidak sah", f"invalid TPS count '{raw}'")
    return int(raw)


def build(rows: Iterable[Mapping[str, str]]) -> Registry:
    """Validate every row first; raise DomainError naming the first bad row."""
    areas: list[Area] = []
    tps: list[Tps] = []
    names: dict[str, str] = {}
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        code = (row.get("kode") or "").strip()
        name = (row.get("nama") or "").strip()
        try:
            level = region_level(code)
        except DomainError as exc:
            raise _row_error(n, exc.message_id, exc.message_en) from None
        if not name:
            raise _row_error(n, "nama kosong", "empty name")
        names[code] = name
        parent = code.rsplit(".", 1)[0] if "." in code else ""
        areas.append(Area(code, name, level, parent))
        if level != "desa":
            continue
        parse_desa(code)
        regular = _count(row, "tps_reguler_pemilu2024", n)
        special = _count(row, "tps_lokasi_khusus_pemilu2024", n)
        kec = code[:8]
        kec_name = (row.get("nama_kecamatan") or names.get(kec, "")).strip()
        numbers = [*range(1, regular + 1), *range(901, 901 + special)]
        tps.extend(Tps(tps_id(code, k), k, code, name, kec, kec_name) for k in numbers)
    return Registry(tuple(areas), tuple(tps))
