"""The app shell: enrolment until enrolled, then status strip + screen + bottom navigation."""

from __future__ import annotations

import flet as ft

from app.i18n import t
from app.ui.components import use_model
from app.ui.state.services import Services
from app.ui.state.session import Session
from app.ui.state.sync_state import SyncHandle, SyncStatus
from app.ui.views.assessment import AssessmentScreen
from app.ui.views.enrol import EnrolScreen
from app.ui.views.incident import IncidentScreen
from app.ui.views.me import MeScreen
from app.ui.views.reports import ReportsScreen
from app.ui.views.status_strip import StatusStrip
from app.ui.views.sync_screen import SyncScreen
from app.ui.views.tally import TallyScreen
from app.ui.views.tps_home import TpsHomeScreen
from app.ui.views.tps_pick import TpsPickScreen

NAV = (
    ("nav_tps", ft.Icons.HOW_TO_VOTE),
    ("nav_laporan", ft.Icons.REPORT),
    ("nav_kirim", ft.Icons.SYNC),
    ("nav_saya", ft.Icons.PERSON),
)


def _screen(session: Session, sync: SyncStatus, live: SyncHandle) -> ft.Control:
    screen = session.screen
    key = f"{session.tps_id}:{session.ballot}:{session.record_id}"
    if screen == "tally":
        return TallyScreen(session, live, key=f"tally:{key}")  # type: ignore[call-arg]
    if screen == "incident":
        return IncidentScreen(session, live, key=f"incident:{key}")  # type: ignore[call-arg]
    if screen == "assessment":
        return AssessmentScreen(session, live, key=f"assess:{key}")  # type: ignore[call-arg]
    if screen == "tps" and session.tab == 0:
        return TpsHomeScreen(session, live, key=f"tps:{key}")  # type: ignore[call-arg]
    if session.tab == 1:
        return ReportsScreen(session, sync)
    if session.tab == 2:
        return SyncScreen(session, sync)
    if session.tab == 3:
        return MeScreen(session)
    return TpsPickScreen(session, sync)


def _nav(session: Session) -> ft.NavigationBar:
    return ft.NavigationBar(
        selected_index=session.tab,
        on_change=lambda e: session.go_tab(int(e.control.selected_index)),
        destinations=[
            ft.NavigationBarDestination(icon=icon, label=t(session.lang, key)) for key, icon in NAV
        ],
    )


@ft.component
def App(services: Services) -> list[ft.View]:
    session = use_model(lambda: Session.start(services))
    sync = ft.use_memo(lambda: SyncStatus(services.store), [])
    live = ft.use_memo(lambda: SyncHandle(sync), [])

    async def background() -> None:
        sync.refresh()
        await sync.loop(services.sync_interval_s)

    ft.use_effect(background, [])
    if session.identity is None:
        return [ft.View(route="/", padding=0, controls=[ft.SafeArea(EnrolScreen(session))])]
    other = services.console_for(session.identity.role) if services.console_for else None
    if other is not None:  # supervisors review on a laptop: the console (wired by app.main)
        return other
    body = ft.Container(_screen(session, sync, live), expand=True, padding=ft.Padding.all(10))
    return [
        ft.View(
            route="/",
            padding=0,
            controls=[
                ft.SafeArea(
                    ft.Column(
                        [StatusStrip(sync, session.lang), body],
                        expand=True,
                        spacing=0,
                        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                    ),
                    expand=True,
                )
            ],
            navigation_bar=_nav(session),
        )
    ]
