"""Dasbor for the ballot the supervisor picks: votes per pair, candidate or party with the share
of TPS decided and verified, the top flags, and reporting progress (per hour of the day from the
server, and the current state per kecamatan)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import flet as ft
import flet_charts as fch

from app.console.screens.widgets import (
    ballot_menu,
    ballot_options,
    dropdown,
    header,
    severity_chip,
    status_line,
)
from app.console.state.console import Models
from app.console.state.dashboard import DashboardModel
from app.console.strings import t
from core.review import RecapRow

BAR_COLORS = (ft.Colors.TEAL_700, ft.Colors.INDIGO_700, ft.Colors.RED_700)


def nice_max(value: float) -> float:
    """The axis top: 1, 2, 2.5 or 5 times a power of ten, above the value."""
    step = int(10 ** max(len(str(int(value))) - 1, 0))
    for k in (1, 2, 2.5, 5, 10):
        if k * step >= value * 1.05:
            return float(k * step)
    return value * 1.1


def _bars(values: list[tuple[str, int]], color: str | None = None, height: int = 240) -> ft.Control:
    top = nice_max(max([v for _, v in values] + [1]))
    many = len(values) > 10  # e.g. the 18 parties of a DPR ballot: thinner bars, smaller names
    groups = [
        fch.BarChartGroup(
            x=i,
            rods=[
                fch.BarChartRod(
                    to_y=v,
                    width=16 if many else 28,
                    border_radius=3,
                    color=color or BAR_COLORS[i % len(BAR_COLORS)],
                )
            ],
        )
        for i, (_, v) in enumerate(values)
    ]
    labels = [
        fch.ChartAxisLabel(value=i, label=ft.Text(name, size=9 if many else 11, no_wrap=True))
        for i, (name, _) in enumerate(values)
    ]
    chart: ft.Control = fch.BarChart(
        groups=groups,
        height=height,
        max_y=top * 1.15,
        bottom_axis=fch.ChartAxis(labels=labels, label_size=34),
        left_axis=fch.ChartAxis(label_size=44),
        horizontal_grid_lines=fch.ChartGridLines(color=ft.Colors.OUTLINE_VARIANT, width=0.5),
    )
    return chart


def _card(title: str, body: list[ft.Control], ident: str, width: int | None = None) -> ft.Control:
    box = ft.Container(
        ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.BOLD), *body], spacing=8),
        padding=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=10,
        width=width,
        expand=width is None,
    )
    return ft.Semantics(identifier=ident, content=box)


def _votes(d: DashboardModel, lang: str) -> ft.Control:
    cands = d.candidates()
    decided, verified, total = d.share()
    pct = round(100 * decided / total, 1) if total else 0
    lines: list[ft.Control] = [
        ft.Text(f"{no} {name}: {v:,}".replace(",", "."), size=13, width=320)
        for no, name, v in cands
    ]
    chart = (
        _bars([(no, v) for no, _, v in cands])
        if any(v for *_, v in cands)
        else (ft.Text(t(lang, "dash_no_votes"), italic=True))
    )
    share = ft.Column(
        [
            ft.Semantics(
                container=True,
                content=ft.ProgressBar(value=decided / total if total else 0, bar_height=10),
            ),
            ft.Text(
                t(lang, "dash_decided", d=decided, n=total, p=pct, v=verified),
                weight=ft.FontWeight.BOLD,
            ),
        ],
        spacing=4,
    )
    names = ft.Row(lines, wrap=True, spacing=12, run_spacing=2)
    title = t(lang, "dash_votes", ballot=d.ballot_name(lang))
    return _card(title, [chart, names, share], "dash-votes", width=700)


def _meter(words: str, n: int, top: int, color: str) -> ft.Control:
    """One labelled bar: the words in full beside it (no numbered legend to look up)."""
    return ft.Row(
        [
            ft.Text(words, size=13, expand=3),
            ft.ProgressBar(value=n / top if top else 0, expand=2, bar_height=10, color=color),
            ft.Text(str(n), size=13, width=44, text_align=ft.TextAlign.RIGHT),
        ],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


def _flags(d: DashboardModel, lang: str) -> ft.Control:
    top = d.top_flags(lang)
    most = max([n for _, n in top] + [1])
    body: list[ft.Control] = [_meter(w, n, most, ft.Colors.DEEP_ORANGE_700) for w, n in top]
    if not top:
        body = [ft.Text(t(lang, "no_flags"), italic=True)]
    return _card(t(lang, "dash_flags"), body, "dash-flags", width=380)


def _incidents(d: DashboardModel, lang: str) -> ft.Control:
    ranked, open_, closed = d.incident_counts(lang)
    most = max([n for _, n in ranked] + [1])
    body: list[ft.Control] = [
        ft.Text(
            t(lang, "dash_incident_status", open=open_, closed=closed), weight=ft.FontWeight.BOLD
        ),
        *(_meter(w, n, most, ft.Colors.RED_700) for w, n in ranked),
    ]
    if not ranked:
        body = [ft.Text(t(lang, "dash_no_incidents"), italic=True)]
    return _card(t(lang, "dash_incidents"), body, "dash-incidents", width=380)


def _kerawanan(d: DashboardModel, lang: str) -> ft.Control:
    counts = d.kerawanan_counts()
    most = max([n for _, n in counts] + [1])
    body = [
        _meter(
            t(lang, "col_unassessed") if k == "belum_dinilai" else d.plan.category_name(k, lang),
            n,
            most,
            ft.Colors.BLUE_GREY_400 if k == "belum_dinilai" else ft.Colors.ORANGE_700,
        )
        for k, n in counts
    ]
    return _card(t(lang, "dash_kerawanan"), body, "dash-kerawanan", width=380)


def _personnel(d: DashboardModel, lang: str) -> ft.Control:
    lines: list[ft.Control] = []
    for who, need, have in d.personnel():
        shown = t(lang, "dash_unknown") if have is None else str(have)
        color = (
            ft.Colors.BROWN_800
            if have is None
            else (ft.Colors.RED_800 if have < need else ft.Colors.GREEN_800)
        )
        words = t(lang, "dash_need", who=t(lang, f"who_{who}"), need=need, have=shown)
        lines.append(ft.Text(words, color=color, weight=ft.FontWeight.W_600))
    return _card(t(lang, "dash_personnel"), lines, "dash-personnel", width=380)


def _progress(d: DashboardModel, lang: str) -> ft.Control:
    rows: list[ft.Control] = []
    for name, n, decided, conflict in d.progress_rows():
        rows.append(
            ft.Row(
                [
                    ft.Text(  # whole names: "Bandarkedungmulyo" never breaks mid-word
                        name,
                        width=170,
                        size=13,
                        no_wrap=True,
                        overflow=ft.TextOverflow.ELLIPSIS,
                        tooltip=name,
                    ),
                    ft.ProgressBar(
                        value=(decided + conflict) / n if n else 0,
                        expand=True,
                        bar_height=8,
                        color=ft.Colors.TEAL_700,
                    ),
                    ft.Text(
                        f"{decided + conflict}/{n}",
                        width=70,
                        size=13,
                        text_align=ft.TextAlign.RIGHT,
                    ),
                ]
            )
        )
    note = ft.Text(t(lang, "dash_progress_note", zone=d.zone or "UTC"), size=12, italic=True)
    over_day: list[ft.Control] = [_bars(d.timeline, ft.Colors.TEAL_700, 180)] if d.timeline else []
    reported = ft.Text(f"{t(lang, 'dash_reported')}: {d.reported()}", weight=ft.FontWeight.BOLD)
    title = t(lang, "dash_progress", ballot=d.ballot_name(lang))
    return _card(title, [reported, note, *over_day, *rows], "dash-progress")


def _recap_line(r: RecapRow, lang: str) -> ft.Control:
    words = t(lang, "recap_row", code=r.code, label=r.label, recap=r.recap, tps_sum=r.tps_sum,
              selisih=r.selisih, n_open=len(r.open_tps), tps=r.tps)  # fmt: skip
    if r.flag is None:
        return ft.Text(words, size=13)
    return ft.Row(
        [
            severity_chip(r.flag.severity, lang),
            ft.Column(
                [
                    ft.Text(words, size=13, weight=ft.FontWeight.W_600, color=ft.Colors.RED_900),
                    ft.Text(r.flag.message(lang), size=13),
                ],
                spacing=0,
                expand=True,
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


@ft.component
def RecapCard(d: DashboardModel, lang: str) -> ft.Control:
    """Recap figures (D.Hasil) beside their counted TPS, flagged ones first; a CSV import."""
    picker = ft.use_memo(lambda: ft.FilePicker(), [])  # a strong ref keeps the service alive

    async def pick() -> None:
        files = await picker.pick_files(
            with_data=True, file_type=ft.FilePickerFileType.CUSTOM, allowed_extensions=["csv"]
        )
        for f in files or []:
            data = f.bytes or (await asyncio.to_thread(Path(f.path).read_bytes) if f.path else b"")
            if data:
                await d.import_recap(f.name, data)

    button = ft.OutlinedButton(t(lang, "recap_import"), icon=ft.Icons.UPLOAD_FILE, on_click=pick)
    rows = [_recap_line(r, lang) for r in d.recap] or [
        ft.Text(t(lang, "dash_recap_none"), italic=True)
    ]
    title = t(lang, "dash_recap", ballot=d.ballot_name(lang))
    return _card(title, [ft.Semantics(identifier="recap-import", content=button), *rows],
                 "dash-recap")  # fmt: skip


def _ballot_choice(m: Models, d: DashboardModel, lang: str) -> ft.Control:
    election = m.backend.election
    options, menu = ballot_options(election, lang), ballot_menu(election, lang)
    return dropdown(t(lang, "f_ballot"), d.ballot, options, d.set_ballot, 300, "dash-ballot", menu)


@ft.component
def DashboardScreen(m: Models, d: DashboardModel, lang: str) -> ft.Control:
    return ft.Column(
        [
            header(t(lang, "dash_title"), lang, d.load),
            _ballot_choice(m, d, lang),
            status_line(d, lang),
            ft.Row(
                [_votes(d, lang), _flags(d, lang)],
                vertical_alignment=ft.CrossAxisAlignment.START,
                wrap=True,
            ),
            ft.Row(
                [_incidents(d, lang), _kerawanan(d, lang), _personnel(d, lang)],
                vertical_alignment=ft.CrossAxisAlignment.START,
                wrap=True,
            ),
            RecapCard(d, lang),
            _progress(d, lang),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
