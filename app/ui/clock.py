"""Times people read on the phone: local wall clock with its Indonesian zone name."""

from __future__ import annotations

import time

ZONES = {7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT"}


def zone_name(offset_s: int) -> str:
    """WIB / WITA / WIT for Indonesia's offsets, else UTC+h (e.g. a laptop abroad)."""
    if offset_s in ZONES:
        return ZONES[offset_s]
    hours, rest = divmod(abs(offset_s), 3600)
    sign = "+" if offset_s >= 0 else "-"
    return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")


def clock_text(epoch_s: float | None = None) -> str:
    """`2026-11-30 14:54 WIB`: the zone is always said."""
    local = time.localtime(time.time() if epoch_s is None else epoch_s)
    return f"{time.strftime('%Y-%m-%d %H:%M', local)} {zone_name(local.tm_gmtoff)}"
