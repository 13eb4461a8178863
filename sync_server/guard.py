"""Wrong enrolment codes, counted per client address (in this process's memory) and per code
(in the database, shared by every server process and kept across restarts).

Per address, a full table evicts (expired entries first, then the oldest unlocked one); it is
never cleared, so spraying addresses cannot unlock a locked one. These counters are per process:
with `serve --workers N` a guesser gets up to N times the attempts per address, and a restart
forgets them. A locked address may still try one code every `locked_interval_ms`, so a valid
code from a shared address (a police post behind one NAT) gets through while guessing from there
stays slow. A code (named by its public selector) with `code_limit` wrong guesses within
`code_window_ms` is locked, whichever worker counted them: the admin issues a new one.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sync_server.store.base import Store


@dataclass(frozen=True)
class Window:
    limit: int  # wrong guesses before the key locks
    window_ms: int  # how long failures count, and how long a lock lasts
    capacity: int  # keys tracked at most


class Failures:
    """Failure counts per key with locks; bounded by eviction, never reset."""

    def __init__(self, window: Window) -> None:
        self.w = window
        self._open: OrderedDict[str, list[int]] = OrderedDict()  # key -> failure times
        self._locked: OrderedDict[str, int] = OrderedDict()  # key -> locked until
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._open) + len(self._locked)

    def locked(self, key: str, now_ms: int) -> bool:
        with self._lock:
            until = self._locked.get(key)
            return until is not None and now_ms < until

    def fail(self, key: str, now_ms: int) -> None:
        with self._lock:
            if key in self._locked and now_ms < self._locked[key]:
                return
            self._locked.pop(key, None)
            times = [t for t in self._open.pop(key, []) if now_ms - t < self.w.window_ms]
            times.append(now_ms)
            if len(times) >= self.w.limit:
                self._locked[key] = now_ms + self.w.window_ms
            else:
                self._open[key] = times
            self._evict(now_ms)

    def _evict(self, now_ms: int) -> None:
        while self._open and now_ms - next(iter(self._open.values()))[-1] >= self.w.window_ms:
            self._open.popitem(last=False)
        while self._locked and next(iter(self._locked.values())) <= now_ms:
            self._locked.popitem(last=False)
        while len(self) > self.w.capacity:  # unlocked keys go first; a lock is kept longest
            (self._open or self._locked).popitem(last=False)


class EnrolGuard:
    def __init__(
        self,
        per_address: Window = Window(10, 10 * 60_000, 100_000),
        code_limit: int = 5,
        code_window_ms: int = 7 * 24 * 3_600_000,
        locked_interval_ms: int = 3_000,
    ) -> None:
        self.addresses = Failures(per_address)  # this process's memory
        self.code_limit, self.code_window_ms = code_limit, code_window_ms  # in the database
        self.locked_interval_ms = locked_interval_ms
        self._last_try: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def may_try(self, client: str, now_ms: int) -> bool:
        """False when a locked address tries again sooner than `locked_interval_ms`."""
        if not self.addresses.locked(client, now_ms):
            return True
        with self._lock:
            last = self._last_try.get(client)
            if last is not None and now_ms - last < self.locked_interval_ms:
                return False
            self._tried(client, now_ms)
            return True

    def _tried(self, client: str, now_ms: int) -> None:
        self._last_try[client] = now_ms
        self._last_try.move_to_end(client)
        while len(self._last_try) > self.addresses.w.capacity:
            self._last_try.popitem(last=False)

    def code_locked(self, store: Store, selector: str, now_ms: int) -> bool:
        since = now_ms - self.code_window_ms
        return store.code_failures(selector, since) >= self.code_limit

    def failed(self, store: Store, client: str, selector: str, now_ms: int) -> None:
        self.addresses.fail(client, now_ms)
        with store.transaction():
            store.add_code_failure(selector, now_ms, now_ms - self.code_window_ms)
        if self.addresses.locked(client, now_ms):
            with self._lock:
                self._tried(client, now_ms)


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: list[str]) -> str:
    """The client's address: `X-Forwarded-For` counts only when the peer is a trusted proxy,
    and then its right-most address that is not itself a trusted proxy."""
    if not forwarded_for or not _trusted(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted_proxies):
            return hop[:64]
    return peer


def _trusted(address: str, proxies: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(p, strict=False) for p in proxies)
