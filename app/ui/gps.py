"""GPS through flet-geolocator where the platform has it; None when it does not answer."""

from __future__ import annotations

import asyncio
import logging

import flet as ft

try:
    import flet_geolocator as ftg
except ImportError:  # the phone build always has it; a bare dev install may not
    ftg = None

log = logging.getLogger(__name__)


def use_geolocator() -> object | None:
    """One long-lived Geolocator per screen (a service needs a strong reference)."""
    return ft.use_memo(lambda: ftg.Geolocator() if ftg else None, [])


async def current_position(geo: object | None) -> tuple[float, float] | None:
    if geo is None or ftg is None:
        return None
    try:
        pos = await asyncio.wait_for(geo.get_current_position(), timeout=15)  # type: ignore[attr-defined]
    except Exception:  # permission refused, no GPS, timeout: the user types it instead
        log.info("no GPS position", exc_info=True)
        return None
    if pos.latitude is None or pos.longitude is None:
        return None
    return float(pos.latitude), float(pos.longitude)
