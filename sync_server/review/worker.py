"""Catches reconciliation up with the change log in the background, once pushes pause.

A push only appends to the log (sync_service.push); this thread then runs
`reconcile.catch_up` when no push has arrived for `idle_s`, or at the latest `max_lag_s` after
the first push it has not caught up with, so a burst of ingest on election night is not slowed
by reconciliation, and the console is at most a few seconds behind. Review reads catch up
themselves first (routes/review.py), so they never show a stale row either way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sync_server.review import reconcile
from sync_server.store.base import Store

log = logging.getLogger(__name__)


class ReconWorker:
    def __init__(
        self,
        open_store: Callable[[], Store],
        election_file: Path | None,
        idle_s: float = 0.3,
        max_lag_s: float = 3.0,
    ) -> None:
        self._open_store = open_store
        self._election_file = election_file
        self._idle_s, self._max_lag_s = idle_s, max_lag_s
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._first = self._last = 0.0
        self._thread: threading.Thread | None = None
        self.caught_up = 0  # log entries read so far (for tests and logs)

    def start(self) -> None:
        """Start, and catch up at once with whatever the log holds (e.g. after an upgrade
        rebuilt the reconciliation tables), so the first supervisor read does not wait."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="recon-worker", daemon=True)
        self._thread.start()
        self.poke()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def poke(self) -> None:
        """A push was stored: catch up once pushes pause."""
        now = time.monotonic()
        with self._lock:
            if not self._wake.is_set():
                self._first = now
            self._last = now
            self._wake.set()

    def _settle(self) -> None:
        """Wait for a pause in pushes, but never past `max_lag_s` after the first one."""
        while not self._stop.is_set():
            now = time.monotonic()
            with self._lock:
                quiet, waited = now - self._last, now - self._first
                if quiet >= self._idle_s or waited >= self._max_lag_s:
                    self._wake.clear()
                    return
            time.sleep(min(self._idle_s - quiet, self._max_lag_s - waited))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._settle()
            if self._stop.is_set():
                return
            try:
                store = self._open_store()
                try:
                    election = reconcile.load_election(self._election_file)
                    self.caught_up += reconcile.catch_up(store, election)
                finally:
                    store.close()
            except Exception:  # a read will catch up instead; try again on the next push
                log.exception("reconciliation catch-up failed")
