"""SyncClient: one `sync_once()` pushes the outbox in batches, then pulls until done.

Exceptions (drawn here, as httpx does):

    SyncError            something stopped this sync; nothing local is lost
    ├── Offline          the server could not be reached (after retries)
    └── AuthError        the server refused this device (401/403 on the whole request)

Transport failures become `Offline` in one place (`call`). A refused op is not an exception:
it is marked failed with the server's reason and never blocks the rest of the outbox.
"""

from __future__ import annotations

import gzip
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.store import Store
from app.store.exchange import apply_pull, apply_push, cursor, next_batch, save_conflicts
from core.protocol import (
    PROTOCOL_VERSION,
    ConflictOut,
    ErrorBody,
    PullResponse,
    PushRequest,
    PushResponse,
)

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
GZIP_FROM_BYTES = 512


def _gzip_json(text: str) -> dict[str, Any]:
    """Request kwargs for a JSON body, gzipped when that saves bytes on a 2G link."""
    raw = text.encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) < GZIP_FROM_BYTES:
        return {"content": raw, "headers": headers}
    headers["Content-Encoding"] = "gzip"
    return {"content": gzip.compress(raw, mtime=0), "headers": headers}


class SyncError(Exception):
    def __init__(self, message: str, message_en: str, code: str = "sync_error") -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.code = code


class Offline(SyncError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Server tidak terjangkau. Data aman di HP ini dan akan dikirim otomatis saat ada "
            "sinyal.",
            "Server unreachable. Your data is safe on this phone and will be sent "
            "automatically when there is signal.",
            "offline",
        )
        self.detail = detail


class AuthError(SyncError):
    pass


@dataclass(frozen=True)
class Progress:
    phase: str  # push | pull
    done: int
    total: int


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    pulled: int = 0
    cursor: int = 0
    new_conflicts: int = 0


@dataclass
class SyncClient:
    store: Store
    base_url: str
    token: str
    transport: httpx.BaseTransport | None = None
    batch_size: int = 100
    page_size: int = 500
    attempts: int = 4
    backoff_s: float = 0.5
    timeout_s: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    _http: httpx.Client | None = field(default=None, repr=False)

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                base_url=self.base_url,
                transport=self.transport,
                timeout=self.timeout_s,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "X-Pantau-Protocol": str(PROTOCOL_VERSION),
                },
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def sync_once(self, progress: Callable[[Progress], None] | None = None) -> SyncReport:
        """Push everything queued, then pull every page; raise SyncError if stopped."""
        report = SyncReport()
        self._push_all(report, progress)
        self._pull_all(report, progress)
        if report.conflicts or self.store.meta("conflicts_since") is None:
            self._fetch_conflicts(report)
        return report

    def _push_all(self, report: SyncReport, progress: Callable[[Progress], None] | None) -> None:
        total = self.store.counts()["pending"]
        done = 0
        for _ in range(total // self.batch_size + 2):  # bounded: each round trims the outbox
            ops = next_batch(self.store, self.batch_size)
            if not ops:
                return
            body = PushRequest(device_id=self.store.device_id, ops=ops)
            raw = self.call("POST", "/v1/sync/push", **_gzip_json(body.model_dump_json()))
            response = PushResponse.model_validate(raw)
            apply_push(self.store, ops, response)
            for result in response.results:
                if result.status == "rejected":
                    report.rejected.append((result.op_id, result.reason or ""))
                elif result.status == "duplicate":
                    report.duplicates += 1
                else:
                    report.pushed += 1
                    report.conflicts += result.status == "conflict"
            done += len(ops)
            if progress:
                progress(Progress("push", min(done, total), total))

    def _pull_all(self, report: SyncReport, progress: Callable[[Progress], None] | None) -> None:
        for _ in range(100_000):  # bounded; every page advances the cursor
            since = cursor(self.store)
            raw = self.call(
                "GET", "/v1/sync/pull", params={"since": since, "limit": self.page_size}
            )
            page = PullResponse.model_validate(raw)
            apply_pull(self.store, page)
            report.pulled += len(page.records)
            report.cursor = page.next
            if progress:
                progress(Progress("pull", report.pulled, report.pulled + (1 if page.more else 0)))
            if not page.more or page.next <= since:
                return

    def _fetch_conflicts(self, report: SyncReport) -> None:
        raw = self.call("GET", "/v1/conflicts")
        items = [ConflictOut.model_validate(c) for c in raw]
        report.new_conflicts = save_conflicts(self.store, items)
        self.store.set_meta("conflicts_since", str(report.cursor))

    def call(self, method: str, path: str, **kwargs: object) -> Any:
        """One JSON request with this device's token; the one place where the network can fail:
        retry, then raise Offline (unreachable) or AuthError/SyncError (refused)."""
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff_s * (2 ** (attempt - 1)) * (0.5 + self.jitter()))
            try:
                response = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in RETRY_STATUS:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise refusal(response)
            try:
                return response.json()
            except ValueError:
                last = "response is not JSON"
                continue
        raise Offline(last)


def refusal(response: httpx.Response) -> SyncError:
    """The server's refusal of a whole request, in its own words."""
    try:
        err = ErrorBody.model_validate(response.json())
    except ValueError:
        return SyncError(
            f"Server menolak permintaan (HTTP {response.status_code}).",
            f"The server refused the request (HTTP {response.status_code}).",
        )
    cls = AuthError if response.status_code in (401, 403) else SyncError
    return cls(err.message, err.message_en, err.code)
