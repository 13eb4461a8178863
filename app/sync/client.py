"""SyncClient: one `sync_once()` pushes the outbox in batches, then pulls until done.

Network failures and refusals come from `app.sync.api` (Offline, AuthError, SyncError). A
refused op is not an exception: it is marked failed with the server's reason and never
blocks the rest of the outbox.
"""

from __future__ import annotations

import gzip
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.store import Store
from app.store.exchange import (
    apply_pull,
    apply_push,
    cursor,
    last_seq,
    next_batch,
    save_conflicts,
    start_epoch,
)
from app.store.keys import load_key, sign_ops
from app.sync.api import RETRY_STATUS, Api, AuthError, Offline, SyncError, refusal
from app.sync.tls import verify_for
from core.protocol import (
    ConflictOut,
    EpochState,
    Op,
    PullResponse,
    PushRequest,
    PushResponse,
)

GZIP_FROM_BYTES = 512
log = logging.getLogger(__name__)


def _gzip_json(text: str) -> dict[str, Any]:
    """Request kwargs for a JSON body, gzipped when that saves bytes on a 2G link."""
    raw = text.encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) < GZIP_FROM_BYTES:
        return {"content": raw, "headers": headers}
    headers["Content-Encoding"] = "gzip"
    return {"content": gzip.compress(raw, mtime=0), "headers": headers}


def _read_page(response: httpx.Response) -> PullResponse:
    """A pull page parsed straight from its bytes (one pass, no intermediate dicts)."""
    return PullResponse.model_validate_json(response.read())


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
    sign_ms: list[float] = field(default_factory=list)  # signing cost of each pushed batch


@dataclass
class SyncClient:
    store: Store
    base_url: str
    token: str
    transport: httpx.BaseTransport | None = None
    batch_size: int = 100
    page_size: int = 1000  # the server's most: fewer round trips on a slow link
    attempts: int = 4
    backoff_s: float = 0.5
    timeout_s: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    server_cert: str = ""  # the pinned certificate from enrolment (app.sync.tls)
    epoch_checked: bool = False  # once per app start: was this phone restored from a copy?

    def __post_init__(self) -> None:
        self.api = Api(
            self.base_url,
            self.token,
            self.transport,
            attempts=self.attempts,
            backoff_s=self.backoff_s,
            timeout_s=self.timeout_s,
            sleep=self.sleep,
            jitter=self.jitter,
            verify=verify_for(self.server_cert),
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.api.call(method, path, **kwargs)

    def close(self) -> None:
        self.api.close()

    def sync_once(self, progress: Callable[[Progress], None] | None = None) -> SyncReport:
        """Push everything queued, then pull every page; raise SyncError if stopped."""
        report = SyncReport()
        self._check_epoch()
        self._push_all(report, progress)
        self._pull_all(report, progress)
        if report.conflicts or self.store.meta("conflicts_since") is None:
            self._fetch_conflicts(report)
        return report

    def _check_epoch(self) -> None:
        """On start: a server holding seqs this phone has not made (or a newer epoch) means
        this database was restored from an old copy; its unsent work moves to a new epoch."""
        if self.epoch_checked:
            return
        epoch = self.store.epoch
        raw = self.call("GET", "/v1/sync/epoch", params={"epoch": epoch})
        state = EpochState.model_validate(raw)
        if state.epoch != epoch or state.held_seq > last_seq(self.store):
            self._new_epoch()
        self.epoch_checked = True

    def _new_epoch(self) -> None:
        state = EpochState.model_validate(self.call("POST", "/v1/sync/epoch"))
        start_epoch(self.store, state.epoch)

    def _push_all(self, report: SyncReport, progress: Callable[[Progress], None] | None) -> None:
        total = self.store.counts()["pending"]
        done = 0
        for _ in range(total // self.batch_size + 4):  # bounded: each round trims the outbox
            ops = next_batch(self.store, self.batch_size)
            if not ops:
                return
            response = self._push(ops, report)
            if response is None or apply_push(self.store, ops, response):
                self._new_epoch()  # our op ids name other content on the server
            if response is None:
                continue
            _count(report, response)
            done += len(ops)
            if progress:
                progress(Progress("push", min(done, total), total))

    def _signing_key(self) -> bytes:
        key = load_key(self.store)
        if key is None:
            raise SyncError(
                "HP ini belum punya kunci tanda tangan, jadi kiriman akan ditolak. Data aman di "
                "HP ini; daftarkan ulang perangkat dengan kode baru dari admin.",
                "This phone has no signing key, so its pushes would be refused. Data is safe "
                "here; enrol the device again with a new code from your admin.",
                "no_device_key",
            )
        return key

    def _push(self, ops: list[Op], report: SyncReport) -> PushResponse | None:
        """One batch; None when the server says this phone's epoch is no longer its newest.
        Its signing cost (each op's digest, one Ed25519 signature) is logged and reported."""
        key = self._signing_key()
        start = time.perf_counter()
        batch = sign_ops(self.store, key, ops)  # one signature per batch
        report.sign_ms.append((time.perf_counter() - start) * 1000)
        log.info("batch %d: %d ops signed in %.1f ms", batch.manifest.batch, len(ops),
                 report.sign_ms[-1])  # fmt: skip
        body = PushRequest(
            device_id=self.store.device_id, epoch=self.store.epoch, ops=ops, batch=batch
        )
        try:
            raw = self.call("POST", "/v1/sync/push", **_gzip_json(body.model_dump_json()))
        except SyncError as exc:
            if exc.code == "epoch_changed":
                return None
            raise
        return PushResponse.model_validate(raw)

    def _pull_all(self, report: SyncReport, progress: Callable[[Progress], None] | None) -> None:
        """Every page, each stored with its cursor; the next page is fetched while this one is
        being stored (the server's work and ours overlap), and dropped if storing fails."""
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pull")
        try:
            since = cursor(self.store)
            ahead = fetcher.submit(self._page, since)
            for _ in range(100_000):  # bounded; every page advances the cursor
                page = ahead.result()
                if page.more and page.next > since:
                    ahead = fetcher.submit(self._page, page.next)
                apply_pull(self.store, page)
                report.pulled += len(page.records)
                report.cursor = page.next
                if progress:
                    progress(Progress("pull", report.pulled, report.pulled + int(page.more)))
                if not page.more or page.next <= since:
                    return
                since = page.next
        finally:
            fetcher.shutdown(wait=False, cancel_futures=True)

    def _page(self, since: int) -> PullResponse:
        params = {"since": since, "limit": self.page_size}
        page: PullResponse = self.api.request("GET", "/v1/sync/pull", _read_page, params=params)
        return page

    def _fetch_conflicts(self, report: SyncReport) -> None:
        raw = self.call("GET", "/v1/conflicts")
        items = [ConflictOut.model_validate(c) for c in raw]
        report.new_conflicts = save_conflicts(self.store, items)
        self.store.set_meta("conflicts_since", str(report.cursor))


def _count(report: SyncReport, response: PushResponse) -> None:
    for result in response.results:
        if result.status in ("rejected", "reused"):
            if result.status == "rejected":
                report.rejected.append((result.op_id, result.reason or ""))
        elif result.status == "duplicate":
            report.duplicates += 1
        else:
            report.pushed += 1
            report.conflicts += result.status == "conflict"


__all__ = ["RETRY_STATUS", "AuthError", "Offline", "SyncError", "refusal"]  # re-exported
