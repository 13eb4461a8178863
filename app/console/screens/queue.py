"""Antrean: TPS-ballots and incidents needing a decision, worst first, counts at the top;
filters (kecamatan, ballot, flag, status), sortable column headers, and pages with "n-m of t"."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console.screens.widgets import (
    count_card,
    dropdown,
    header,
    later,
    severity_chip,
    status_chip,
    status_line,
    table,
)
from app.console.state.console import Models
from app.console.state.queue import PAGE_SIZES, QueueModel
from app.console.strings import t
from core.review import IncidentItem, QueueItem


def _counts(q: QueueModel, lang: str) -> ft.Control:
    c = q.counts
    by = c.by_status
    cards = [
        count_card(t(lang, "queue_count"), c.queue, "count-queue"),
        count_card(
            t(lang, "count_conflict"), by.get("conflict", 0), "count-conflict", ft.Colors.RED_700
        ),
        count_card(t(lang, "count_one"), by.get("one_source", 0), "count-one"),
        count_card(t(lang, "count_agree"), by.get("agree", 0), "count-agree"),
        count_card(
            t(lang, "count_verified"), by.get("verified", 0), "count-verified", ft.Colors.GREEN_800
        ),
        count_card(t(lang, "count_incidents"), c.incidents_open, "count-incidents"),
        count_card(
            t(lang, "count_overdue"),
            c.incidents_overdue,
            "count-overdue",
            ft.Colors.RED_700,
        ),
    ]
    return ft.Row(cards, wrap=True, spacing=8, run_spacing=8)


def _filters(m: Models, lang: str) -> ft.Control:
    q = m.queue
    everything = [("all", t(lang, "all"))]
    kec = everything + m.backend.kecamatan()
    ballots = everything + [
        (b.code, b.name_en if lang == "en" else b.name_id) for b in m.backend.election.ballots
    ]
    rules = everything + [(k, v[1] if lang == "en" else v[0]) for k, v in q.legend.rules.items()]
    statuses = everything + [
        (k, q.status_words(k, lang)) for k in ("conflict", "one_source", "agree", "verified")
    ]
    statuses.append(("incident", t(lang, "type_incident")))
    return ft.Row(
        [
            dropdown(
                t(lang, "f_kecamatan"),
                q.kecamatan or "all",
                kec,
                lambda v: q.set_filter("kecamatan", v),
                ident="filter-kecamatan",
            ),
            dropdown(
                t(lang, "f_ballot"),
                q.ballot or "all",
                ballots,
                lambda v: q.set_filter("ballot", v),
                ident="filter-ballot",
                width=300,
            ),
            dropdown(
                t(lang, "f_flag"),
                q.flag or "all",
                rules,
                lambda v: q.set_filter("flag", v),
                ident="filter-flag",
                width=300,
            ),
            dropdown(
                t(lang, "f_status"),
                q.status or "all",
                statuses,
                lambda v: q.set_filter("status", v),
                ident="filter-status",
                width=220,
            ),
        ],
        wrap=True,
    )


def _row(m: Models, item: QueueItem, lang: str) -> list[ft.Control | str]:
    q = m.queue
    sev = severity_chip(item.severity, lang)
    if isinstance(item, IncidentItem):
        words = item.proses_label
        flag = t(lang, "inc_overdue") if item.overdue else str(item.kategori or "")
        tps = item.tps
        incident_id = item.id

        async def open_incident() -> None:
            m.incidents.select(incident_id)
            await m.go("incidents")

        go = ft.TextButton(t(lang, "open"), icon=ft.Icons.OPEN_IN_NEW, on_click=open_incident)
        return [
            sev,
            tps,
            t(lang, "type_incident"),
            words[1 if lang == "en" else 0],
            flag,
            "",
            ft.Semantics(identifier=f"open-incident-{item.id}", content=go),
        ]
    top = item.top_flag
    flag_words = (top.message(lang) if top else "") or ", ".join(
        q.rule_words(r, lang) for r in item.rules
    )
    label = m.backend.regions.get(item.tps)
    tps_words = f"{item.tps}\n{label.label}" if label else item.tps
    tps_id, ballot = item.tps, item.ballot

    async def open_tps() -> None:
        await m.open_tps(tps_id, ballot)

    button = ft.FilledButton(t(lang, "open"), icon=ft.Icons.COMPARE_ARROWS, on_click=open_tps)
    return [
        sev,
        tps_words,
        item.ballot.upper(),
        status_chip(item.status, q.status_words(item.status, lang)),
        ft.Text(flag_words, width=300, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
        str(item.n_sources),
        ft.Semantics(identifier=f"open-{item.tps}-{item.ballot}", content=button),
    ]


def _key(item: QueueItem) -> str:
    if isinstance(item, IncidentItem):
        return f"incident:{item.id}"
    return f"tps:{item.tps}:{item.ballot}"


# Column index -> the server's sort key (the flag column does not sort).
SORT_COLUMNS = {0: "severity", 1: "tps", 2: "ballot", 3: "status", 5: "sources"}


def _sorted_by(q: QueueModel) -> tuple[int, bool]:
    """The header arrow: severity's default (worst first) shows as descending."""
    index = next((i for i, k in SORT_COLUMNS.items() if k == q.sort), 0)
    ascending = q.descending if q.sort == "severity" else not q.descending
    return index, ascending


def _pager(q: QueueModel, lang: str, end: str = "") -> ft.Control:
    """Page buttons and "n-m of t"; `end` tells the copy below the table apart."""
    first, last, total = q.page_range()
    words = t(lang, "queue_range", first=first, last=last, total=total)
    sizes = [(str(n), str(n)) for n in PAGE_SIZES]

    def button(icon: ft.IconData, tip: str, go: Any, enabled: bool, ident: str) -> ft.Control:
        b = ft.IconButton(icon, tooltip=t(lang, tip), on_click=later(go), disabled=not enabled)
        return ft.Semantics(identifier=ident + end, content=b)

    return ft.Row(
        [
            button(ft.Icons.FIRST_PAGE, "page_first", q.first_page, q.has_prev(), "page-first"),
            button(ft.Icons.CHEVRON_LEFT, "page_prev", q.prev_page, q.has_prev(), "page-prev"),
            ft.Semantics(identifier="queue-range" + end, content=ft.Text(words, size=14)),
            button(ft.Icons.CHEVRON_RIGHT, "page_next", q.next_page, q.has_next(), "page-next"),
            button(ft.Icons.LAST_PAGE, "page_last", q.last_page, q.has_next(), "page-last"),
            dropdown(
                t(lang, "page_size"),
                str(q.page_size),
                sizes,
                lambda v: q.set_page_size(int(v)),
                160,
                "page-size" + end,
            ),
        ],
        spacing=4,
        wrap=True,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )


@ft.component
def QueueScreen(m: Models, q: QueueModel, lang: str) -> ft.Control:
    cols = [
        t(lang, k)
        for k in ("col_severity", "col_tps", "col_ballot", "col_status", "col_flag", "col_sources")
    ] + [""]

    async def sort(index: int, ascending: bool) -> None:
        key = SORT_COLUMNS[index]
        await q.sort_by(key, ascending if key == "severity" else not ascending)

    rows = [_row(m, item, lang) for item in q.items]
    body: ft.Control = (
        table(
            cols,
            rows,
            numeric=(5,),
            sortable=tuple(SORT_COLUMNS),
            sorted_by=_sorted_by(q),
            on_sort=sort,
            keys=[_key(i) for i in q.items],
        )
        if rows
        else ft.Text(t(lang, "queue_empty"), size=16, italic=True)
    )
    return ft.Column(
        [
            header(t(lang, "queue_title"), lang, q.load),
            _counts(q, lang),
            _filters(m, lang),
            status_line(q, lang),
            _pager(q, lang),
            ft.Semantics(
                identifier="queue-table",
                # A new table for every page load: Flutter web left moved rows' semantics
                # (what a screen reader and a test find) at their old places.
                content=ft.Row([body], scroll=ft.ScrollMode.AUTO, key=f"page-{q.loaded}"),
            ),
            _pager(q, lang, "-bottom") if len(q.items) > 10 else ft.Container(),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
