"""The deployment plan under the map: per kecamatan the TPS per category and the police and
linmas needed, what is available (a blank box is unknown, not zero), the pattern in words."""

from __future__ import annotations

import flet as ft

from app.console.screens.widgets import later, table
from app.console.state.plan import CATEGORIES, PlanModel
from app.console.strings import t


def plan_table(p: PlanModel, lang: str) -> ft.Control:
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


def _verdict(p: PlanModel, lang: str) -> list[ft.Control]:
    """Per kind of personnel: short by n, enough, or unknown (a blank box is not zero)."""
    short = p.plan.shortfall.model_dump()
    available = p.plan.available.model_dump()  # as the server computed the plan with
    out: list[ft.Control] = []
    for who in ("polisi", "linmas"):
        name = t(lang, f"who_{who}")
        missing = short[who]
        if available[who] is None or missing is None:
            words, color = t(lang, "avail_unknown", who=name), ft.Colors.BROWN_800
        elif missing:
            words, color = t(lang, "avail_short", who=name, n=missing), ft.Colors.RED_800
        else:
            words, color = t(lang, "avail_ok", who=name), ft.Colors.GREEN_800
        out.append(
            ft.Semantics(
                identifier=f"plan-{who}",
                content=ft.Text(words, weight=ft.FontWeight.BOLD, color=color),
            )
        )
    return out


def _pattern(p: PlanModel, lang: str) -> ft.Control:
    lines = [
        t(lang, "pattern_line", name=p.plan.category_name(k, lang), **v.model_dump())
        for k, v in p.plan.pattern.items()
    ]
    return ft.Semantics(
        identifier="plan-pattern",
        content=ft.Column(
            [
                ft.Text(t(lang, "pattern_help"), size=12, italic=True),
                *(ft.Text(f"• {line}", size=12) for line in lines),
            ],
            spacing=2,
        ),
    )


def availability(p: PlanModel, lang: str) -> ft.Control:
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
            *_verdict(p, lang),
            _pattern(p, lang),
        ],
        spacing=6,
    )
