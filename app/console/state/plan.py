"""The vulnerability map and the deployment plan: TPS points with category and coverage, the
incidents layer, and per kecamatan the TPS per category and the police and linmas needed."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.console.state.base import Loadable
from app.console.state.clusters import Cluster, Spot, cluster
from app.console.strings import t
from core.review import DeploymentPlan, IncidentRow, TpsCollection

CATEGORIES = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")
UNASSESSED = "belum_dinilai"  # its own colour: never drawn as "kurang rawan"
LEGEND = (UNASSESSED, *CATEGORIES)
COVERAGE = ("cov_0", "cov_1", "cov_2", "cov_3")


def coverage_key(sources: int) -> str:
    return COVERAGE[min(max(sources, 0), 3)]


@dataclass(frozen=True)
class Point:
    tps: str
    lat: float
    lon: float
    kecamatan: str
    category: str
    sources: int
    status: str
    assessed: bool = True

    @property
    def shown(self) -> str:
        """The legend key on the map: an unassessed TPS is not "kurang rawan" (a 9xx TPS is
        special by its number, assessed or not)."""
        return self.category if self.assessed or self.category == "khusus" else UNASSESSED


def points_of(geojson: TpsCollection) -> list[Point]:
    out = []
    for f in geojson.features:
        lon, lat = f.geometry.coordinates
        p = f.properties
        out.append(
            Point(p.tps, lat, lon, p.kecamatan, p.category, p.sources, p.status_code, p.assessed)
        )
    return out


def plan_csv(plan: DeploymentPlan, lang: str) -> bytes:
    """The deployment plan as a CSV a spreadsheet opens (BOM for Excel)."""
    cat_head = [plan.category_name(c, lang) for c in CATEGORIES]
    head = [
        t(lang, "col_kecamatan"),
        t(lang, "col_tps_n"),
        *cat_head,
        t(lang, "col_unassessed"),
        t(lang, "col_polisi"),
        t(lang, "col_linmas"),
    ]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(head)
    rows = plan.kecamatan
    for r in rows:
        cats = [r.categories.get(c, 0) for c in CATEGORIES]
        w.writerow([r.name, r.tps, *cats, r.belum_dinilai, r.polisi, r.linmas])
    cat_totals = [sum(r.categories.get(c, 0) for r in rows) for c in CATEGORIES]
    unassessed = sum(r.belum_dinilai for r in rows)
    total = plan.total
    w.writerow([t(lang, "total"), total.tps, *cat_totals, unassessed, total.polisi, total.linmas])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class PlanModel(Loadable):
    plan: DeploymentPlan = field(default_factory=DeploymentPlan)
    points: list[Point] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    colour_by: str = "category"  # category | coverage
    show_incidents: bool = True
    polisi_text: str = ""
    linmas_text: str = ""
    saved_path: str = ""
    loaded: int = 0
    zoom: int = 10  # whole zoom steps: the clusters are regrouped when it changes

    def available(self) -> tuple[int | None, int | None]:
        """(police, linmas) typed as available; None where the box is blank (unknown)."""
        return self._available()

    def _available(self) -> tuple[int | None, int | None]:
        def num(text: str) -> int | None:
            return int(text) if text.strip().isdigit() else None

        return num(self.polisi_text), num(self.linmas_text)

    def _fetch(
        self, with_map: bool
    ) -> tuple[DeploymentPlan, list[Point] | None, list[IncidentRow]]:
        client = self.backend.client
        plan = client.deployment(*self._available())
        if not with_map:
            return plan, None, []
        return plan, points_of(client.geojson()), client.incidents()

    async def load(self, with_map: bool = True) -> None:
        got = await self.call(self._fetch, with_map)
        if got is not None:
            self.plan = got[0]
            if got[1] is not None:
                self.points, self.incidents = got[1], got[2]
            self.loaded += 1

    async def recompute(self) -> None:
        await self.load(with_map=False)

    def column_totals(self) -> list[int]:
        """TPS per category and not assessed, summed over the kecamatan (the total row)."""
        rows = self.plan.kecamatan
        cats = [sum(r.categories.get(c, 0) for r in rows) for c in CATEGORIES]
        return [*cats, sum(r.belum_dinilai for r in rows)]

    def counts(self) -> dict[str, int]:
        """Markers per legend key, for the legend."""
        if self.colour_by == "coverage":
            return dict(Counter(coverage_key(p.sources) for p in self.points))
        return dict(Counter(p.shown for p in self.points))

    def set_zoom(self, zoom: float) -> None:
        if round(zoom) != self.zoom:
            self.zoom = round(zoom)

    def clusters(self) -> list[Cluster]:
        """The TPS markers at the current zoom, grouped where they would pile up."""
        if self.colour_by == "coverage":
            spots = [Spot(p.lat, p.lon, coverage_key(p.sources)) for p in self.points]
        else:
            spots = [Spot(p.lat, p.lon, p.shown) for p in self.points]
        return cluster(spots, self.zoom)

    def kecamatan_labels(self) -> list[tuple[str, float, float, int]]:
        """(name, lat, lon, TPS count) at the middle of each kecamatan's TPS points."""
        acc: dict[str, list[Point]] = defaultdict(list)
        for p in self.points:
            acc[p.kecamatan].append(p)
        return [
            (name, sum(p.lat for p in ps) / len(ps), sum(p.lon for p in ps) / len(ps), len(ps))
            for name, ps in sorted(acc.items())
        ]

    def position_of(self, tps: str) -> tuple[float, float] | None:
        return next(((p.lat, p.lon) for p in self.points if p.tps == tps), None)

    def _write_csv(self, lang: str) -> Path:
        folder = self.backend.export_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / ("deployment-plan.csv" if lang == "en" else "rencana-pengamanan.csv")
        path.write_bytes(plan_csv(self.plan, lang))
        return path

    async def export_csv(self, lang: str) -> Path | None:
        path = await self.call(self._write_csv, lang)
        if path is not None:
            self.saved_path = str(path)
            self.say((t("id", "exp_saved", path=path), t("en", "exp_saved", path=path)))
        return path
