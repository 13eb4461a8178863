"""The server's hybrid logical clock, shared by request threads (what push, pull and the console's
resolutions stamp with)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from core.hlc import Clock


class ServerClock:
    """A thread-safe HLC over a wall clock in ms (`Settings.now_ms`, or a test's)."""

    def __init__(self, wall: Callable[[], int]) -> None:
        self._clock = Clock(wall)
        self._lock = threading.Lock()
        self.wall = wall

    def now(self) -> int:
        with self._lock:
            return self._clock.now()

    def observe(self, remote: int) -> None:
        with self._lock:
            self._clock.observe(remote)
