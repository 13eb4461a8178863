"""Hybrid logical clock: 48-bit milliseconds and a 16-bit counter packed in one int.

A stamp is `(hlc, device_id)`; comparing stamps as tuples breaks ties by device id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

COUNTER_BITS = 16
MAX_FUTURE_MS = 10 * 60 * 1000

Stamp = tuple[int, str]


def pack(ms: int, counter: int = 0) -> int:
    return (ms << COUNTER_BITS) | counter


def wall_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


@dataclass
class Clock:
    """A device's or the server's HLC; `wall` returns milliseconds since the epoch."""

    wall: Callable[[], int]
    last: int = field(default=0)

    def now(self) -> int:
        """A stamp greater than every stamp this clock has issued or observed."""
        candidate = pack(self.wall())
        self.last = candidate if candidate > self.last else self.last + 1
        return self.last

    def observe(self, remote: int) -> None:
        """Advance past a stamp seen from elsewhere (a pull, a push)."""
        if remote > self.last:
            self.last = remote


def is_too_far_ahead(hlc: int, server_ms: int) -> bool:
    """True for a stamp more than ten minutes ahead of the server's wall clock."""
    return wall_ms(hlc) > server_ms + MAX_FUTURE_MS
