"""Peta: TPS markers coloured by category (or by how many sources reported), kecamatan names,
the incidents layer, a legend with counts; readable with no tiles. Below it the deployment
plan per kecamatan with police and linmas needed against what is available, and a CSV export."""

from __future__ import annotations

import flet as ft
import flet_map as fm

from app.console.screens.widgets import header, later, status_line, table
from app.console.state.console import Models
from app.console.state.plan import CATEGORIES, COVERAGE, PlanModel, coverage_key
from app.console.strings import t

CATEGORY_STYLE = {  # colour and radius: the size differs too, not only the colour
    "kurang_rawan": (ft.Colors.GREEN_700, 3.0),
    "rawan": (ft.Colors.ORANGE_700, 4.5),
    "sangat_rawan": (ft.Colors.RED_700, 6.0),
    "khusus": (ft.Colors.PURPLE_700, 6.0),
}
COVERAGE_STYLE = {
    "cov_0": (ft.Colors.BLUE_GREY_300, 2.5),
    "cov_1": (ft.Colors.AMBER_700, 4.0),
    "cov_2": (ft.Colors.LIGHT_BLUE_700, 4.5),
    "cov_3": (ft.Colors.INDIGO_900, 5.5),
}
JOMBANG = (-7.56, 112.25)


def _style(p: PlanModel, category: str, sources: int) -> tuple[str, float]:
    if p.colour_by == "coverage":
        return COVERAGE_STYLE[coverage_key(sources)]
    return CATEGORY_STYLE.get(category, CATEGORY_STYLE["kurang_rawan"])


def _label(name: str) -> ft.Control:
    return ft.Container(
        ft.Text(
            name,
            size=11,
            weight=ft.FontWeight.BOLD,
            color=ft.Colors.BLACK,
            text_align=ft.TextAlign.CENTER,
            no_wrap=True,
        ),
        bgcolor=ft.Colors.with_opacity(0.75, ft.Colors.WHITE),
        border_radius=4,
        padding=ft.Padding.symmetric(horizontal=3),
    )


def _map(p: PlanModel, tile_url: str) -> ft.Control:
    layers: list[fm.MapLayer] = []
    if tile_url:
        layers.append(fm.TileLayer(url_template=tile_url, user_agent_package_name="id.pantautps"))
    circles = []
    for pt in p.points:
        color, radius = _style(p, pt.category, pt.sources)
        circles.append(
            fm.CircleMarker(
                coordinates=fm.MapLatitudeLongitude(pt.lat, pt.lon),
                radius=radius,
                color=color,
                border_color=ft.Colors.WHITE,
                border_stroke_width=0.5,
            )
        )
    layers.append(fm.CircleLayer(circles=circles))
    labels = [
        fm.Marker(
            coordinates=fm.MapLatitudeLongitude(lat, lon),
            content=_label(name),
            width=110,
            height=18,
        )
        for name, lat, lon, _ in p.kecamatan_labels()
    ]
    incidents = []
    if p.show_incidents:
        for r in p.incidents:
            at = p.position_of(r.tps)
            if at is not None:
                color = ft.Colors.RED_900 if r.overdue else ft.Colors.DEEP_ORANGE_700
                incidents.append(
                    fm.Marker(
                        coordinates=fm.MapLatitudeLongitude(*at),
                        width=24,
                        height=24,
                        content=ft.Icon(ft.Icons.REPORT, color=color, size=22),
                    )
                )
    layers += [fm.MarkerLayer(markers=labels), fm.MarkerLayer(markers=incidents)]
    centre = JOMBANG
    if p.points:
        centre = (
            sum(x.lat for x in p.points) / len(p.points),
            sum(x.lon for x in p.points) / len(p.points),
        )
    the_map: ft.Control = fm.Map(
        expand=True,
        initial_center=fm.MapLatitudeLongitude(*centre),
        initial_zoom=10.4,
        min_zoom=8,
        max_zoom=17,
        bgcolor=ft.Colors.BLUE_GREY_50,
        layers=layers,
    )
    return the_map


def _legend(p: PlanModel, lang: str) -> ft.Control:
    counts = p.counts()
    rows: list[ft.Control] = []
    keys = CATEGORIES if p.colour_by == "category" else COVERAGE
    for key in keys:
        color, radius = _style(p, key, COVERAGE.index(key) if key in COVERAGE else 0)
        words = p.plan.category_name(key, lang) if key in CATEGORIES else t(lang, key)
        rows.append(
            ft.Row(
                [
                    ft.Container(
                        width=radius * 3, height=radius * 3, bgcolor=color, border_radius=20
                    ),
                    ft.Text(f"{words}: {counts.get(key, 0)}", size=13),
                ],
                spacing=8,
            )
        )
    rows.append(
        ft.Row(
            [
                ft.Icon(ft.Icons.REPORT, color=ft.Colors.DEEP_ORANGE_700, size=18),
                ft.Text(f"{t(lang, 'nav_incidents')}: {len(p.incidents)}", size=13),
            ]
        )
    )
    return ft.Semantics(identifier="map-legend", content=ft.Column(rows, spacing=4))


def _controls(p: PlanModel, lang: str, tile_url: str) -> ft.Control:
    mode = ft.RadioGroup(
        value=p.colour_by,
        on_change=lambda e: setattr(p, "colour_by", e.control.value),
        content=ft.Column(
            [
                ft.Radio(value="category", label=t(lang, "by_category")),
                ft.Radio(value="coverage", label=t(lang, "by_coverage")),
            ],
            spacing=0,
        ),
    )
    tiles = t(lang, "tiles_from", url=tile_url) if tile_url else t(lang, "no_tiles")
    return ft.Column(
        [
            ft.Text(t(lang, "map_colour"), weight=ft.FontWeight.BOLD),
            mode,
            _legend(p, lang),
            ft.Checkbox(
                label=t(lang, "incidents_layer"),
                value=p.show_incidents,
                on_change=lambda e: setattr(p, "show_incidents", bool(e.control.value)),
            ),
            ft.Text(tiles, size=12, italic=True),
            ft.Text(t(lang, "demo_positions"), size=12, italic=True),
        ],
        width=250,
        spacing=6,
        scroll=ft.ScrollMode.AUTO,
    )


def _plan(p: PlanModel, lang: str) -> ft.Control:
    cols = [
        t(lang, "col_kecamatan"),
        t(lang, "col_tps_n"),
        *[p.plan.category_name(c, lang) for c in CATEGORIES],
        t(lang, "col_unassessed"),
        t(lang, "col_polisi"),
        t(lang, "col_linmas"),
    ]
    rows: list[list[ft.Control | str]] = [
        [
            r.name,
            str(r.tps),
            *[str(r.categories.get(c, 0)) for c in CATEGORIES],
            str(r.belum_dinilai),
            str(r.polisi),
            str(r.linmas),
        ]
        for r in p.plan.kecamatan
    ]
    total = p.plan.total
    bold = ft.FontWeight.BOLD
    rows.append(
        [
            ft.Text(t(lang, "total"), weight=bold),
            ft.Text(str(total.tps), weight=bold),
            *[ft.Text(str(n), weight=bold) for n in p.column_totals()],
            ft.Text(str(total.polisi), weight=bold),
            ft.Text(str(total.linmas), weight=bold),
        ]
    )
    return table(cols, rows, numeric=range(1, 9))


def _availability(p: PlanModel, lang: str) -> ft.Control:
    short = p.plan.shortfall
    pattern = ", ".join(
        f"{p.plan.category_name(k, lang)} {v.polisi}-{v.tps}-{v.linmas}"
        for k, v in p.plan.pattern.items()
    )
    if short.polisi is None and short.linmas is None:
        verdict = ""
    elif not short.polisi and not short.linmas:
        verdict = t(lang, "enough")
    else:
        verdict = t(lang, "shortfall", p=short.polisi or 0, l=short.linmas or 0)
    return ft.Column(
        [
            ft.Row(
                [
                    ft.TextField(
                        label=t(lang, "plan_polisi_avail"),
                        value=p.polisi_text,
                        width=170,
                        dense=True,
                        on_change=lambda e: setattr(p, "polisi_text", e.control.value),
                    ),
                    ft.TextField(
                        label=t(lang, "plan_linmas_avail"),
                        value=p.linmas_text,
                        width=170,
                        dense=True,
                        on_change=lambda e: setattr(p, "linmas_text", e.control.value),
                    ),
                    ft.OutlinedButton(
                        t(lang, "plan_apply"), icon=ft.Icons.CALCULATE, on_click=p.recompute
                    ),
                    ft.FilledButton(
                        t(lang, "plan_csv"),
                        icon=ft.Icons.DOWNLOAD,
                        on_click=later(p.export_csv, lang),
                    ),
                ],
                wrap=True,
            ),
            ft.Text(
                verdict,
                weight=ft.FontWeight.BOLD,
                color=ft.Colors.RED_800
                if "Kekurangan" in verdict or "Shortfall" in verdict
                else ft.Colors.GREEN_800,
            ),
            ft.Text(t(lang, "pattern", p=pattern), size=12),
        ],
        spacing=6,
    )


@ft.component
def MapScreen(m: Models, p: PlanModel, lang: str) -> ft.Control:
    the_map = ft.Semantics(identifier="peta", expand=True, content=_map(p, m.backend.tile_url))
    top = ft.Row(
        [
            ft.Container(
                the_map,
                expand=True,
                height=430,
                border_radius=8,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            ),
            _controls(p, lang, m.backend.tile_url),
        ],
        height=430,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    return ft.Column(
        [
            header(t(lang, "map_title"), lang, p.load),
            status_line(p, lang),
            top,
            ft.Text(t(lang, "plan_title"), size=18, weight=ft.FontWeight.BOLD),
            _availability(p, lang),
            ft.Semantics(
                identifier="plan-table", content=ft.Row([_plan(p, lang)], scroll=ft.ScrollMode.AUTO)
            ),
        ],
        spacing=10,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
