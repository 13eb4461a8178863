"""A TPS's location: captured once by GPS, editable by hand, sent as a `location` record."""

from __future__ import annotations

from dataclasses import dataclass, field

import flet as ft

from app.ui.state.badge import Badge, badge
from app.ui.state.services import Services


@ft.observable
@dataclass
class LocationForm:
    services: Services = field(repr=False)
    tps: str
    record_id: str = ""
    lat: str = ""
    lon: str = ""
    error_id: str = ""
    error_en: str = ""

    @classmethod
    def load(cls, services: Services, tps: str) -> LocationForm:
        mine = services.store.records(kind="location", tps=tps, mine=True)
        if not mine:
            return cls(services, tps, services.store.new_id())
        f = mine[0].fields
        return cls(services, tps, mine[0].id, _text(f.get("lat")), _text(f.get("lon")))

    def badge(self) -> Badge:
        return badge(self.services.store.record(self.record_id))

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    def set_lat(self, text: str) -> None:
        self.lat = text.strip()

    def set_lon(self, text: str) -> None:
        self.lon = text.strip()

    def captured(self, lat: float | None, lon: float | None) -> None:
        """GPS answered: keep the position and save it."""
        if lat is None or lon is None:
            self.gps_failed()
            return
        self.lat, self.lon = f"{lat:.6f}", f"{lon:.6f}"
        self.save()

    def gps_failed(self) -> None:
        self.error_id = "GPS tidak tersedia; ketik lintang dan bujur secara manual"
        self.error_en = "GPS unavailable; type the latitude and longitude by hand"

    def save(self) -> bool:
        try:
            lat, lon = float(self.lat.replace(",", ".")), float(self.lon.replace(",", "."))
        except ValueError:
            lat = lon = 999.0
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.error_id = "Lintang -90..90 dan bujur -180..180, mis. -7.5460 dan 112.2330"
            self.error_en = "Latitude -90..90 and longitude -180..180, e.g. -7.5460 and 112.2330"
            return False
        self.error_id = self.error_en = ""
        self.services.store.save(
            self.record_id, "location", self.tps, {"tps": self.tps, "lat": lat, "lon": lon}
        )
        return True


def _text(value: object) -> str:
    return "" if value is None else str(value)
