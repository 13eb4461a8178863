"""Catches reconciliation up with the change log in the background, once pushes pause.

A push only appends to the log (sync_service.push); this thread then runs
`reconcile.catch_up` when no push has arrived for `idle_s`, or at the latest `max_lag_s` after
the first push it has not caught up with, so a burst of ingest on election night is not slowed
by reconciliation, and the console is at most a few seconds behind. Review reads catch up
themselves first (routes/review.py), so they never show a stale row either way.

Catching up takes the write lock in short chunks (`reconcile.BUDGET_S`), and between chunks
`yield_to_pushes` waits while a push of this process is in flight (`pushing()`), so a push
waits for at most one chunk, never for a whole catch-up (election night: thousands of entries
behind after a burst). Under pushes that never pause it still reads a chunk every
`max_yield_s`, so it falls behind but never stops. A review read catches up through
`catch_up` too: one catch-up at a time per process, so a read and the worker never take turns
at the lock chunk by chunk (SQLite's busy wait would starve the one that waits).

Several server processes (`serve --workers N`, PostgreSQL) each run this thread; a catch-up
first takes `Store.exclusive(LEADER)` (an advisory lock on PostgreSQL): the worker only tries,
so whichever process holds it is the leader and the others skip; a review read waits for it,
then finds little left.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sync_server.review import reconcile
from sync_server.store.base import Store

log = logging.getLogger(__name__)
LEADER = "recon"  # Store.exclusive: one catch-up at a time across server processes


class ReconWorker:
    def __init__(
        self,
        open_store: Callable[[], Store],
        election_file: Path | None,
        idle_s: float = 0.3,
        max_lag_s: float = 3.0,
        max_yield_s: float = 1.0,
    ) -> None:
        self._open_store = open_store
        self._election_file = election_file
        self._idle_s, self._max_lag_s, self._max_yield_s = idle_s, max_lag_s, max_yield_s
        self._lock = threading.Lock()
        self._in_flight = 0
        self._none_in_flight = threading.Condition(self._lock)
        self._catching_up = threading.Lock()
        self._readers = 0  # review reads waiting for a catch-up
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

    @contextmanager
    def pushing(self) -> Iterator[None]:
        """Around a push's database work: catch-ups yield to it between chunks; afterwards
        the worker is poked."""
        with self._lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
                if not self._in_flight:
                    self._none_in_flight.notify_all()
            self.poke()

    def yield_to_pushes(self) -> None:
        """Between two catch-up chunks: wait while pushes are in flight and, unless a review
        read is waiting for this catch-up, until pushes pause for `idle_s` (a device sending
        batch after batch); never longer than `max_yield_s`."""
        deadline = time.monotonic() + self._max_yield_s
        with self._lock:
            while True:
                now = time.monotonic()
                quiet = now - self._last >= self._idle_s or self._readers > 0
                if (not self._in_flight and quiet) or now >= deadline:
                    return
                wait = deadline - now
                if not self._in_flight:  # until the pause is long enough
                    wait = min(wait, self._idle_s - (now - self._last))
                self._none_in_flight.wait(max(wait, 0.001))

    def catch_up(self, store: Store, *, reading: bool = False) -> int:
        """Catch `store` up with the log, one caller at a time in this process (the worker, or
        a review read that waits for it, hurries it along and then finds little left)."""
        election = reconcile.load_election(self._election_file)
        with self._lock:
            self._readers += reading
        try:
            with self._catching_up, store.exclusive(LEADER, wait=reading) as leader:
                if not leader:  # another server process is catching up: it leads
                    return 0
                return reconcile.catch_up(store, election, pause=self.yield_to_pushes)
        finally:
            with self._lock:
                self._readers -= reading

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
                    self.caught_up += self.catch_up(store)
                finally:
                    store.close()
            except Exception:  # a read will catch up instead; try again on the next push
                log.exception("reconciliation catch-up failed")
