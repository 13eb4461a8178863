"""Exports: tables as CSV/XLSX, TPS as GeoJSON, evidence bundles as ZIP, saved into a folder
the supervisor sees (the app data folder's `ekspor`, or PANTAU_EXPORT_DIR), path shown."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.console.state.base import Loadable
from app.console.strings import t
from app.sync.review import Download

TABLES = ("tallies", "reconciliation", "incidents")


def stamped(name: str, now: float | None = None) -> str:
    """`tallies.csv` -> `tallies-20240214-1530.csv`, so an earlier export is never overwritten."""
    stem, dot, ext = name.rpartition(".")
    tag = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"{stem}-{tag}.{ext}" if dot else f"{name}-{tag}"


@dataclass
class ExportsModel(Loadable):
    saved: list[str] = field(default_factory=list)
    tps_text: str = ""
    incident_text: str = ""
    geo_ballot: str = "ppwp"  # the ballot whose status and coverage the GeoJSON carries

    @property
    def folder(self) -> Path:
        return self.backend.export_dir

    def _save(self, download: Download) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / stamped(download.filename)
        path.write_bytes(download.data)
        return path

    def set_geo_ballot(self, code: str) -> None:
        if code in self.backend.election.ballot_codes():
            self.geo_ballot = code

    async def export(self, what: str, fmt: str = "csv", lang: str = "id") -> Path | None:
        """Download one export with progress in KB, save it, and remember where."""
        c = self.backend.client
        loop = asyncio.get_running_loop()
        name = f"{what}.{fmt}"

        def progress(done: int, _total: int | None) -> None:
            loop.call_soon_threadsafe(
                lambda: self.show_progress("exp_progress", name=name, kb=done // 1024)
            )

        def work() -> Path:
            if what in TABLES:
                got = c.export(what, fmt, lang, progress)
            elif what == "geojson":
                got = c.export_geojson(self.geo_ballot, progress)
            elif what == "evidence_tps":
                got = c.evidence_tps(self.tps_text.strip(), progress)
            else:
                got = c.evidence_incident(self.incident_text.strip(), progress)
            return self._save(got)

        if (what == "evidence_tps" and not self.tps_text.strip()) or (
            what == "evidence_incident" and not self.incident_text.strip()
        ):
            self.fail((t("id", "exp_need_id"), t("en", "exp_need_id")))
            return None
        self.show_progress("exp_progress", name=name, kb=0)
        path = await self.call(work)
        if path is not None:
            self.saved = [str(path), *self.saved][:10]
            self.say((t("id", "exp_saved", path=path), t("en", "exp_saved", path=path)))
        return path
