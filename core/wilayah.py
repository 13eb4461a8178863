"""Region and TPS identity: Kemendagri codes (`35.17.01.2001`) and KPU TPS ids (`3517012001001`).

BPS codes are another scheme and never appear here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.errors import DomainError

_DESA = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})$")
_KECAMATAN = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})$")
_KABUPATEN = re.compile(r"^(\d{2})\.(\d{2})$")
_PROVINSI = re.compile(r"^(\d{2})$")
_TPS = re.compile(r"^(\d{10})(\d{3})$")


@dataclass(frozen=True, order=True)
class TpsId:
    """One TPS: its desa (Kemendagri code) and its number (special locations are 9xx)."""

    desa: str
    number: int

    def __str__(self) -> str:
        return self.desa.replace(".", "") + f"{self.number:03d}"

    @property
    def kecamatan(self) -> str:
        return self.desa[:8]

    @property
    def kabupaten(self) -> str:
        return self.desa[:5]

    @property
    def is_special(self) -> bool:
        return self.number >= 900


def _bad_code(code: str, kind_id: str, kind_en: str, example: str) -> DomainError:
    return DomainError(
        "invalid_code",
        f"Kode {kind_id} '{code}' tidak sah; contoh yang benar: {example}",
        f"Invalid {kind_en} code '{code}'; a valid one looks like {example}",
    )


def region_level(code: str) -> str:
    """Return 'provinsi', 'kabupaten', 'kecamatan' or 'desa' for a dotted Kemendagri code."""
    for level, pattern in (
        ("desa", _DESA),
        ("kecamatan", _KECAMATAN),
        ("kabupaten", _KABUPATEN),
        ("provinsi", _PROVINSI),
    ):
        if pattern.match(code):
            return level
    raise _bad_code(code, "wilayah", "region", "35.17.01.2001")


def parse_desa(code: str) -> str:
    """Validate a desa code `PP.KK.CC.DDDD` and return it."""
    if not isinstance(code, str) or not _DESA.match(code):
        raise _bad_code(str(code), "desa", "village", "35.17.01.2001")
    return code


def parse_tps(value: str) -> TpsId:
    """Parse a KPU TPS id: desa code without dots followed by a 3-digit TPS number."""
    return _parse_tps(value if isinstance(value, str) else repr(value))


@lru_cache(maxsize=1 << 16)
def _parse_tps(value: str) -> TpsId:
    """Cached: a push checks the same TPS ids several times per op (TpsId is immutable)."""
    match = _TPS.match(value)
    if not match or int(match.group(2)) == 0:
        raise DomainError(
            "invalid_tps",
            f"ID TPS '{value}' tidak sah: harus 13 angka (kode desa + nomor TPS 3 angka), "
            "contoh 3517012001001",
            f"Invalid TPS id '{value}': it must be 13 digits (village code + 3-digit TPS "
            "number), e.g. 3517012001001",
        )
    d = match.group(1)
    return TpsId(f"{d[0:2]}.{d[2:4]}.{d[4:6]}.{d[6:10]}", int(match.group(2)))


def tps_id(desa: str, number: int) -> str:
    """Build the KPU TPS id for TPS `number` of `desa`."""
    if not 1 <= number <= 999:
        raise DomainError(
            "invalid_tps",
            f"Nomor TPS {number} tidak sah (1-999)",
            f"TPS number {number} is invalid (1-999)",
        )
    return str(TpsId(parse_desa(desa), number))


def within(tps: str, region: str) -> bool:
    """True when TPS `tps` lies in the region with dotted code `region` (or is that TPS)."""
    if region == tps:
        return True
    try:
        desa = parse_tps(tps).desa  # cached: a push asks this for every op
    except DomainError:
        return False
    return desa == region or desa.startswith(region + ".")
