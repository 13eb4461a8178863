"""Indonesia's time zones (WIB, WITA, WIT) per province, from data rows (pure).

Rows look like `assets/data/zona_waktu.csv` (kode_provinsi, zona, utc_offset_jam). A place is
any Kemendagri or TPS code; its first two digits name the province.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from core.errors import DomainError


@dataclass(frozen=True)
class Zone:
    name: str  # WIB / WITA / WIT
    offset_hours: int

    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.offset_hours), self.name)


UNKNOWN = Zone("UTC", 0)


@dataclass(frozen=True)
class Zones:
    by_province: Mapping[str, Zone]

    def of(self, place: str) -> Zone:
        """The zone of a place (`35.17.01`, `3517012001001`); UTC when its province is unknown."""
        digits = place.replace(".", "")[:2]
        return self.by_province.get(digits, UNKNOWN)

    def local_time(self, ms: int, place: str) -> str:
        """`2024-02-14 13:05 WITA`: a time as people at that place read a clock."""
        zone = self.of(place)
        at = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone.tz())
        return at.strftime(f"%Y-%m-%d %H:%M {zone.name}")


def zones_from_rows(rows: Iterable[Mapping[str, str]]) -> Zones:
    out: dict[str, Zone] = {}
    for n, row in enumerate(rows, start=2):
        code, name = (row.get("kode_provinsi") or "").strip(), (row.get("zona") or "").strip()
        offset = (row.get("utc_offset_jam") or "").strip()
        if len(code) != 2 or not code.isdigit() or not name or not offset.lstrip("-").isdigit():
            raise DomainError("invalid_row", f"Baris {n}: zona waktu tidak sah",
                              f"Row {n}: invalid time zone row")  # fmt: skip
        out[code] = Zone(name, int(offset))
    return Zones(out)
