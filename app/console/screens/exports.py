"""Ekspor: tables as CSV/XLSX, GeoJSON for QGIS, evidence bundles as ZIP, saved into a folder
shown on screen, with download progress in KB and the saved path of each file."""

from __future__ import annotations

import flet as ft

from app.console.screens.widgets import (
    ballot_menu,
    ballot_options,
    dropdown,
    header,
    later,
    status_line,
)
from app.console.state.console import Models
from app.console.state.exports import TABLES, ExportsModel
from app.console.strings import t


def _button(
    s: ExportsModel, lang: str, what: str, fmt: str, needs: str | None = None
) -> ft.Control:
    """`needs`: the typed ID an evidence bundle needs; the button waits for it."""
    button = ft.OutlinedButton(
        fmt.upper(),
        icon=ft.Icons.DOWNLOAD,
        disabled=s.loading or (needs is not None and not needs.strip()),
        on_click=later(s.export, what, fmt, lang),
    )
    return ft.Semantics(identifier=f"export-{what}-{fmt}", content=button)


def _tables(m: Models, s: ExportsModel, lang: str) -> list[ft.Control]:
    rows: list[ft.Control] = []
    for what in TABLES:
        rows.append(
            ft.Row(
                [
                    ft.Text(t(lang, f"exp_{what}"), width=260, size=15),
                    _button(s, lang, what, "csv"),
                    _button(s, lang, what, "xlsx"),
                ]
            )
        )
    ballots, menu = ballot_options(m.backend.election, lang), ballot_menu(m.backend.election, lang)
    choice = dropdown(t(lang, "f_ballot"), s.geo_ballot, ballots, s.set_geo_ballot, 300,
                      "export-geojson-ballot", menu)  # fmt: skip
    rows.append(
        ft.Row(
            [
                ft.Text(t(lang, "exp_geojson"), width=260, size=15),
                choice,
                _button(s, lang, "geojson", "geojson"),
            ]
        )
    )
    return rows


def _evidence(s: ExportsModel, lang: str) -> list[ft.Control]:
    tps = ft.TextField(
        label=t(lang, "tps_id"),
        value=s.tps_text,
        width=260,
        dense=True,
        on_change=lambda e: setattr(s, "tps_text", e.control.value),
    )
    inc = ft.TextField(
        label=t(lang, "exp_incident_id"),
        value=s.incident_text,
        width=260,
        dense=True,
        on_change=lambda e: setattr(s, "incident_text", e.control.value),
    )
    return [
        ft.Row(
            [
                ft.Text(t(lang, "exp_evidence_tps"), width=260, size=15),
                tps,
                _button(s, lang, "evidence_tps", "zip", s.tps_text),
            ]
        ),
        ft.Row(
            [
                ft.Text(t(lang, "exp_evidence_incident"), width=260, size=15),
                inc,
                _button(s, lang, "evidence_incident", "zip", s.incident_text),
            ]
        ),
    ]


@ft.component
def ExportsScreen(m: Models, s: ExportsModel, lang: str) -> ft.Control:
    folder = ft.Semantics(
        identifier="export-folder",
        content=ft.Text(t(lang, "exp_folder", path=s.folder), weight=ft.FontWeight.BOLD),
    )
    saved = [
        ft.Semantics(identifier=f"saved-{i}", content=ft.Text(p, size=13))
        for i, p in enumerate(s.saved)
    ]
    return ft.Column(
        [
            header(t(lang, "exp_title"), lang),
            folder,
            *_tables(m, s, lang),
            ft.Divider(),
            *_evidence(s, lang),
            status_line(s, lang),
            ft.Divider(),
            ft.Text(t(lang, "exp_recent"), size=16, weight=ft.FontWeight.BOLD),
            *saved,
        ],
        spacing=10,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
