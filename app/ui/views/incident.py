"""Incident / violation report: laporan or temuan, category, time, place, people, severity."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.i18n import t
from app.ui.components import footer, form_screen, header, keep, outside_scope, section, use_model
from app.ui.gps import current_position, use_geolocator
from app.ui.state.incident_form import CATEGORIES, LEVELS, REQUIRED, IncidentForm
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle
from app.ui.views.correction import final_button, final_note, reason_field
from app.ui.views.photos import PhotoStrip
from app.ui.views.record_row import LiveChip


def field_label(name: str, lang: str) -> str:
    """Required fields carry a * from the start (not only after a refused Final)."""
    return t(lang, "required_mark", label=t(lang, name)) if name in REQUIRED else t(lang, name)


def _text(form: IncidentForm, name: str, lang: str, **kw: Any) -> ft.TextField:
    value = form.values.get(name)
    return ft.TextField(
        label=field_label(name, lang),
        value="" if value is None else str(value),
        read_only=not form.editable,
        on_change=lambda e: form.set(name, e.control.value or ""),
        **kw,
    )


def _radios(form: IncidentForm, name: str, options: tuple[str, ...], lang: str) -> ft.Control:
    return ft.Column(
        [
            ft.Text(t(lang, name), weight=ft.FontWeight.W_600),
            ft.RadioGroup(
                value=form.values.get(name),
                on_change=lambda e: form.set(name, e.control.value),
                content=ft.Row(
                    [
                        ft.Radio(value=o, label=t(lang, o), disabled=not form.editable)
                        for o in options
                    ],
                    wrap=True,
                ),
            ),
        ],
        spacing=2,
    )


def _category(form: IncidentForm, lang: str) -> ft.Control:
    return ft.Semantics(
        identifier="incident-category",
        expand=True,
        content=ft.Dropdown(
            label=field_label("kategori", lang),
            value=form.values.get("kategori"),
            disabled=not form.editable,
            expand=True,
            options=[ft.DropdownOption(key=c, text=t(lang, f"cat_{c}")) for c in CATEGORIES],
            on_select=lambda e: form.set("kategori", e.control.value),
        ),
    )


@ft.component
def IncidentScreen(session: Session, live: SyncHandle) -> ft.Control:
    lang, services = session.lang, session.services
    ident = session.identity
    form = use_model(
        lambda: IncidentForm.load(
            services,
            session.record_id,
            session.report_tps(),
            ident.name if ident else "",
            session.role,
        )
    )
    writes = session.writes_at(form.tps)
    geo = use_geolocator()
    place = services.regions.get(form.tps)

    async def gps() -> None:
        pos = await current_position(geo)
        if pos:
            form.set("lat", str(pos[0]))
            form.set("lon", str(pos[1]))

    page = ft.context.page

    def confirmed() -> None:
        page.pop_dialog()
        form.finalize()

    def ask_final() -> None:
        """Final is a deliberate step, as on the tally: a summary to confirm."""
        if not form.ready():
            return
        page.show_dialog(
            ft.AlertDialog(
                modal=True,
                title=ft.Text(t(lang, "incident_confirm_title")),
                content=ft.Column(
                    [ft.Text(t(lang, "final_confirm_body")), *_summary(form, lang)],
                    tight=True,
                    scroll=ft.ScrollMode.AUTO,
                ),
                actions=[
                    ft.TextButton(t(lang, "cancel"), on_click=lambda: page.pop_dialog()),
                    ft.FilledButton(t(lang, "confirm"), on_click=confirmed),
                ],
            )
        )

    missing = ", ".join(t(lang, k) for k in form.missing)
    body = keep(
        LiveChip(live.sync, lang, form.record_id, "incident-chip"),
        None if writes else outside_scope(lang),
        final_note(form, lang),
        _radios(form, "jenis", ("laporan", "temuan"), lang),
        ft.Row([_category(form, lang)]),
        _text(form, "waktu", lang),
        ft.Text(f"{t(lang, 'tps')}: {place.label if place else form.tps}"),
        _text(form, "tempat", lang),
        ft.Row(
            [
                _text(form, "lat", lang, expand=True),
                _text(form, "lon", lang, expand=True),
                ft.IconButton(ft.Icons.MY_LOCATION, tooltip=t(lang, "gps"), on_click=gps),
            ]
        ),
        _text(form, "uraian", lang, multiline=True, min_lines=3),
        _text(form, "pelapor_nama", lang),
        _text(form, "pelapor_alamat", lang),
        _text(form, "terlapor", lang),
        ft.TextField(
            label=t(lang, "saksi"),
            value=form.witnesses_text(),
            multiline=True,
            read_only=not form.editable,
            on_change=lambda e: form.set("saksi", e.control.value),
        ),
        section(t(lang, "bukti"), [PhotoStrip(form.evidence, lang, "incident-photos")]),
        _radios(form, "tingkat", LEVELS, lang),
        reason_field(form, lang),
    )
    foot = footer(
        ft.Text(t(lang, "required_note"), size=13) if form.editable and writes else None,
        ft.Semantics(
            identifier="incident-missing",
            content=ft.Text(t(lang, "missing", names=missing), color=ft.Colors.RED_900),
        )
        if missing
        else None,
        ft.Row([final_button(form, lang, ask_final)]) if writes else None,
    )
    return ft.Column(
        [header(t(lang, "incident_title"), session.back, lang), form_screen(body, foot)],
        expand=True,
        spacing=4,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )


def _summary(form: IncidentForm, lang: str) -> list[ft.Control]:
    v = form.values
    lines = [
        f"{t(lang, 'jenis')}: {t(lang, str(v.get('jenis') or 'laporan'))}",
        f"{t(lang, 'kategori')}: {t(lang, 'cat_' + str(v.get('kategori') or 'lainnya'))}",
        f"{t(lang, 'waktu')}: {v.get('waktu') or '-'}",
        f"{t(lang, 'uraian')}: {v.get('uraian') or '-'}",
        t(lang, "photo_count", n=len(form.evidence.shas)),
    ]
    return [ft.Text(line) for line in lines]
