"""The TPS location card: GPS once where available, latitude/longitude editable by hand."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import keep, section, use_model
from app.ui.gps import current_position, use_geolocator
from app.ui.state.location_form import LocationForm
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle
from app.ui.views.record_row import LiveChip


@ft.component
def LocationCard(session: Session, live: SyncHandle) -> ft.Control:
    lang = session.lang
    form = use_model(lambda: LocationForm.load(session.services, session.tps_id))
    geo = use_geolocator()
    if not session.can("location"):
        return section(t(lang, "location"), [ft.Text(t(lang, "location_by_others"))])

    async def gps() -> None:
        pos = await current_position(geo)
        form.captured(*(pos or (None, None)))

    return section(
        t(lang, "location"),
        keep(
            LiveChip(live.sync, lang, form.record_id, "location-chip"),
            ft.Row(
                [
                    ft.TextField(
                        label=t(lang, "lat"),
                        value=form.lat,
                        expand=True,
                        on_change=lambda e: form.set_lat(e.control.value or ""),
                    ),
                    ft.TextField(
                        label=t(lang, "lon"),
                        value=form.lon,
                        expand=True,
                        on_change=lambda e: form.set_lon(e.control.value or ""),
                    ),
                ]
            ),
            ft.Text(form.error(lang), color=ft.Colors.RED_900) if form.error(lang) else None,
            ft.Row(
                [
                    ft.OutlinedButton(t(lang, "gps"), icon=ft.Icons.MY_LOCATION, on_click=gps),
                    ft.FilledButton(t(lang, "save_location"), on_click=form.save),
                ],
                wrap=True,
            ),
        ),
    )
