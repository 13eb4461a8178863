"""Peta: TPS markers coloured by category (or by how many sources reported), kecamatan names,
the incidents layer, a legend with counts; readable with no tiles. Below it the deployment
plan per kecamatan with police and linmas needed against what is available, and a CSV export."""

from __future__ import annotations

from typing import Any, cast

import flet as ft
import flet_map as fm

from app.console.screens.plan import availability, plan_table
from app.console.screens.widgets import header, later, status_line
from app.console.state.clusters import Cluster
from app.console.state.console import Models
from app.console.state.plan import CATEGORIES, COVERAGE, LEGEND, UNASSESSED, PlanModel
from app.console.strings import t

CATEGORY_STYLE = {  # colour and radius: the size differs too, not only the colour
    "kurang_rawan": (ft.Colors.GREEN_700, 3.0),
    "rawan": (ft.Colors.ORANGE_700, 4.5),
    "sangat_rawan": (ft.Colors.RED_700, 6.0),
    "khusus": (ft.Colors.PURPLE_700, 6.0),
    UNASSESSED: (ft.Colors.BLUE_GREY_400, 3.0),
}
# The wheel scrolls the page; zoom with the buttons, a pinch or a double tap.
NO_WHEEL = fm.InteractionFlag.ALL & ~fm.InteractionFlag.SCROLL_WHEEL_ZOOM
COVERAGE_STYLE = {
    "cov_0": (ft.Colors.BLUE_GREY_300, 2.5),
    "cov_1": (ft.Colors.AMBER_700, 4.0),
    "cov_2": (ft.Colors.LIGHT_BLUE_700, 4.5),
    "cov_3": (ft.Colors.INDIGO_900, 5.5),
}
JOMBANG = (-7.56, 112.25)


def _style(key: str) -> tuple[str, float]:
    return COVERAGE_STYLE.get(key) or CATEGORY_STYLE.get(key) or CATEGORY_STYLE[UNASSESSED]


def _cluster_marker(c: Cluster) -> fm.Marker:
    """Several TPS in one place: a disc with their number, in the worst category's colour."""
    color, _ = _style(c.key)
    size = 22 if c.n < 10 else 28 if c.n < 100 else 34
    return fm.Marker(
        coordinates=fm.MapLatitudeLongitude(c.lat, c.lon),
        width=size,
        height=size,
        content=ft.Container(
            ft.Text(str(c.n), size=11, color=ft.Colors.WHITE, weight=ft.FontWeight.BOLD),
            bgcolor=color,
            border=ft.Border.all(2, ft.Colors.WHITE),
            border_radius=size,
            alignment=ft.Alignment.CENTER,
        ),
    )


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


def _map(p: PlanModel, tile_url: str, ref: Any = None) -> ft.Control:
    layers: list[fm.MapLayer] = []
    if tile_url:
        layers.append(fm.TileLayer(url_template=tile_url, user_agent_package_name="id.pantautps"))
    circles, piles = [], []
    for c in p.clusters():
        if c.n > 1:
            piles.append(_cluster_marker(c))
            continue
        color, radius = _style(c.key)
        circles.append(
            fm.CircleMarker(
                coordinates=fm.MapLatitudeLongitude(c.lat, c.lon),
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
    layers += [
        fm.MarkerLayer(markers=piles),
        fm.MarkerLayer(markers=labels),
        fm.MarkerLayer(markers=incidents),
    ]
    centre = JOMBANG
    if p.points:
        centre = (
            sum(x.lat for x in p.points) / len(p.points),
            sum(x.lon for x in p.points) / len(p.points),
        )
    the_map: ft.Control = fm.Map(
        ref=ref,
        expand=True,
        initial_center=fm.MapLatitudeLongitude(*centre),
        initial_zoom=10.4,
        min_zoom=8,
        max_zoom=17,
        bgcolor=ft.Colors.BLUE_GREY_50,
        layers=layers,
        interaction_configuration=fm.InteractionConfiguration(flags=NO_WHEEL),
        on_position_change=lambda e: p.set_zoom(e.camera.zoom),
    )
    return the_map


def _legend(p: PlanModel, lang: str) -> ft.Control:
    counts = p.counts()
    rows: list[ft.Control] = []
    keys = LEGEND if p.colour_by == "category" else COVERAGE
    for key in keys:
        color, radius = _style(key)
        words = p.plan.category_name(key, lang) if key in CATEGORIES else t(lang, key)
        if key == UNASSESSED:
            words = t(lang, "col_unassessed")
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
    rows.append(ft.Text(t(lang, "map_clusters"), size=12, italic=True))
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
        spacing=6,  # no scroll of its own: the screen scrolls (a nested one has no height)
    )


@ft.component
def MapScreen(m: Models, p: PlanModel, lang: str) -> ft.Control:
    ref = ft.use_ref(cast(fm.Map | None, None))

    async def zoom(step: int) -> None:
        if ref.current is not None:
            await (ref.current.zoom_in() if step > 0 else ref.current.zoom_out())

    buttons = ft.Column(
        [
            ft.Semantics(
                identifier=f"map-zoom-{name}",
                content=ft.IconButton(
                    icon,
                    tooltip=t(lang, f"map_zoom_{name}"),
                    on_click=later(zoom, step),
                    bgcolor=ft.Colors.WHITE,
                ),
            )
            for name, icon, step in (("in", ft.Icons.ADD, 1), ("out", ft.Icons.REMOVE, -1))
        ],
        spacing=4,
        left=8,
        top=8,
    )
    the_map = ft.Semantics(
        identifier="peta",
        expand=True,
        content=ft.Stack([_map(p, m.backend.tile_url, ref), buttons], expand=True),
    )
    # Side by side on a laptop; on a narrow window the legend goes under the map.
    top = ft.ResponsiveRow(
        [
            ft.Container(
                the_map,
                height=430,
                border_radius=8,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                col={"xs": 12, "md": 8, "lg": 9},
            ),
            ft.Container(_controls(p, lang, m.backend.tile_url), col={"xs": 12, "md": 4, "lg": 3}),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )
    return ft.Column(
        [
            header(t(lang, "map_title"), lang, p.load),
            status_line(p, lang),
            top,
            ft.Text(t(lang, "plan_title"), size=18, weight=ft.FontWeight.BOLD),
            availability(p, lang),
            ft.Semantics(
                identifier="plan-table",
                content=ft.Row([plan_table(p, lang)], scroll=ft.ScrollMode.AUTO),
            ),
        ],
        spacing=10,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
