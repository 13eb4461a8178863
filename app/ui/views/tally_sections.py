"""The sections of the C.Hasil form, in the paper form's order and numbering (I.A ... V.C)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import flet as ft

from app.i18n import t
from app.ui.components import number_field, section
from app.ui.state.tally_form import TallyForm
from core.election import Ballot
from core.records import BALLOT_ROWS, COLUMNS, VOTER_ROWS
from core.tally_checks import LABELS, ROW_LABELS, Finding, party_total

SECTION_FIELDS: dict[str, set[str]] = {
    "I": {f"{r}_{c}" for r in VOTER_ROWS for c in COLUMNS},
    "II": set(BALLOT_ROWS),
    "III": {f"disabilitas_{c}" for c in COLUMNS},
    "IV": {"suara"},
    "V": {"suara_sah", "suara_tidak_sah", "suara_total"},
}
ORDER = list(SECTION_FIELDS)


def home_section(finding: Finding) -> str:
    """Each finding shows once, under the last section whose fields it names."""
    touched = [s for s in ORDER if SECTION_FIELDS[s] & set(finding.fields)]
    return touched[-1] if touched else "V"


def bad_fields(findings: list[Finding]) -> set[str]:
    return {f for x in findings if x.level == "error" for f in x.fields}


def _computed_hint(form: TallyForm, name: str, lang: str) -> ft.Control:
    """The computed sum beside a typed one; an empty line when they agree (no layout jump)."""
    value = form.computed().get(name)
    text = "" if value is None or value == form.values.get(name) else t(lang, "computed", n=value)
    return ft.Text(text, size=13, color=ft.Colors.BLUE_900)


def _lpj_row(form: TallyForm, row: str, lang: str, bad: set[str]) -> ft.Control:
    fields: list[ft.Control] = [
        number_field(
            f"{ROW_LABELS[row]} {c.upper()}",
            form.values.get(f"{row}_{c}"),
            form.setter(f"{row}_{c}"),
            enabled=form.editable,
            error=f"{row}_{c}" in bad,
            expand=True,
        )
        for c in COLUMNS
    ]
    comp = form.computed()
    names = [(c, f"{row}_{c}") for c in COLUMNS]
    diff = [
        f"{c.upper()} {comp[n]}" for c, n in names if n in comp and comp[n] != form.values.get(n)
    ]
    # Always one hint line (maybe empty): fields must not jump while the user types.
    shown = [
        ft.Text(
            t(lang, "computed", n=", ".join(diff)) if diff else "",
            size=13,
            color=ft.Colors.BLUE_900,
        )
    ]
    return ft.Column([ft.Text(t(lang, f"row_{row}")), ft.Row(fields), *shown], spacing=4)


def voters(form: TallyForm, lang: str, bad: set[str]) -> list[ft.Control]:
    legend = ft.Text(t(lang, "legend_lpj"), size=13)
    return [legend, *(_lpj_row(form, row, lang, bad) for row in VOTER_ROWS)]


def _wide(form: TallyForm, name: str, lang: str, bad: set[str]) -> ft.Control:
    """A box as wide as the card: its long label fits on one line on a phone."""
    field = number_field(
        f"{LABELS[name]} {t(lang, name)}",
        form.values.get(name),
        form.setter(name),
        enabled=form.editable,
        error=name in bad,
        expand=True,
    )
    return ft.Row([field])


def ballots(form: TallyForm, lang: str, bad: set[str]) -> list[ft.Control]:
    return [_wide(form, name, lang, bad) for name in BALLOT_ROWS]


def disability(form: TallyForm, lang: str, bad: set[str]) -> list[ft.Control]:
    return [_lpj_row(form, "disabilitas", lang, bad)]


def _named_vote(form: TallyForm, no: int, name: str, bad: set[str]) -> ft.Control:
    """A candidate's box: the long name on its own line above, the box labelled "IV.n" (a long
    label would wrap over the typed number on a phone)."""
    return ft.Column(
        [
            ft.Text(f"IV.{no} {name}", weight=ft.FontWeight.W_600),
            _vote_field(form, str(no), f"IV.{no}", bad),
        ],
        spacing=4,
    )


def _vote_field(form: TallyForm, key: str, label: str, bad: set[str]) -> ft.Control:
    return number_field(
        label,
        form.votes.get(key),
        form.setter(f"suara:{key}"),
        enabled=form.editable,
        error="suara" in bad,
    )


def votes(
    form: TallyForm,
    ballot: Ballot,
    lang: str,
    bad: set[str],
    open_party: int | None,
    toggle: Callable[[int], None],
) -> list[ft.Control]:
    if ballot.kind == "pasangan":
        return [_named_vote(form, c.no, c.nama, bad) for c in ballot.pasangan]
    if ballot.kind == "perseorangan":
        return [_named_vote(form, c.no, c.nama, bad) for c in ballot.calon]
    out: list[ft.Control] = []
    for p in ballot.partai:
        total = party_total(form.fields(), p.no)
        label = f"IV.{p.no} {p.singkatan} ({t(lang, 'party_vote')})"
        icon = ft.Icons.EXPAND_LESS if open_party == p.no else ft.Icons.EXPAND_MORE
        written = number_field(
            t(lang, "party_written", no=p.no),
            form.party_totals.get(str(p.no)),
            form.setter(f"jumlah:{p.no}"),
            enabled=form.editable,
            error=f"jumlah_partai.{p.no}" in bad,
        )
        out.append(
            ft.Row(
                [
                    ft.Container(_vote_field(form, str(p.no), label, bad), expand=True),
                    ft.Container(written, width=150),
                    ft.IconButton(icon, tooltip=p.nama, on_click=partial(toggle, p.no)),
                ]
            )
        )
        out.append(ft.Text(t(lang, "party_total", n=total), size=13))
        if open_party == p.no:
            out += [
                ft.Container(
                    _vote_field(form, f"{p.no}.{c.no}", f"IV.{p.no}.{c.no} {c.nama}", bad),
                    padding=ft.Padding.only(left=24),
                )
                for c in p.caleg
            ]
    return out


def totals(form: TallyForm, lang: str, bad: set[str]) -> list[ft.Control]:
    out: list[ft.Control] = []
    for name in ("suara_sah", "suara_tidak_sah", "suara_total"):
        out.append(_wide(form, name, lang, bad))
        if name != "suara_tidak_sah":
            out.append(_computed_hint(form, name, lang))
    return out


def findings_text(findings: list[Finding], lang: str) -> ft.Text:
    """All of a section's findings in one Text that is always there (maybe empty): the form's
    structure stays the same while the user types, only words change."""
    colors = {
        "error": ft.Colors.RED_900,
        "warning": ft.Colors.ORANGE_900,
        "flag": ft.Colors.BLUE_900,
    }
    spans = [
        ft.TextSpan(
            f"{'' if i == 0 else chr(10)}{t(lang, 'lvl_' + f.level)}: {f.message(lang)}",
            style=ft.TextStyle(color=colors[f.level], weight=ft.FontWeight.W_600),
        )
        for i, f in enumerate(findings)
    ]
    return ft.Text(spans=spans, size=14)


def with_findings(
    key: str, title: str, body: list[ft.Control], findings: list[Finding], lang: str
) -> ft.Control:
    mine = [f for f in findings if home_section(f) == key]
    return ft.Semantics(
        key=ft.ScrollKey(f"sec-{key}"),  # type: ignore[call-arg]
        identifier=f"sec-{key}",
        content=section(title, [*body, findings_text(mine, lang)]),
    )
