"""The status strip and the Kirim screen: what waits, what failed, and the sync loop.

Sync runs in a worker thread (`asyncio.to_thread`); its progress hops back to the event
loop with `call_soon_threadsafe`, so observables are only changed on the loop. One lock per
process (app.sync.runner) keeps two sessions from syncing the same store at once.

Photos go after the records (sync-design 8), in their own task and worker thread: a record
finalised while a photo crawls over 2G is still pushed on the next tick.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from app.store import LocalRecord, Store
from app.store.photos import photo_progress, retry_failed
from app.sync import AuthError, Offline, Progress, SyncError
from app.sync.runner import run_sync, run_uploads
from app.sync.uploads import UploadProgress
from app.ui.state.badge import Badge, badge

SENT_SHOWN = 20
LAST_OK_KEY = "last_sync_ok"

log = logging.getLogger(__name__)
_FAILED = {
    "sync": ("Sinkron gagal", "data", "Sync failed", "your data stays"),
    "photos": ("Pengiriman foto gagal", "foto", "Sending photos failed", "the photos stay"),
}


def unexpected(what: str, exc: Exception) -> tuple[str, str]:
    """Words for an error nobody planned for (the caller logs it): the data is safe, it retries."""
    fail_id, thing, fail_en, stays = _FAILED[what]
    code = type(exc).__name__
    return (
        f"{fail_id}, akan dicoba lagi otomatis; {thing} tetap aman di HP. "
        f"Jika terus berulang, laporkan ke admin (kode {code})",
        f"{fail_en}; it will retry by itself and {stays} on the phone. "
        f"If it keeps happening, tell your admin (code {code})",
    )


@ft.observable
@dataclass
class SyncStatus:
    store: Store = field(repr=False)
    online: bool | None = None  # None until the first attempt
    busy: bool = False
    phase: str = ""  # push | pull
    done: int = 0
    total: int = 0
    pending: int = 0
    failed: int = 0
    conflicts: int = 0
    error_id: str = ""
    error_en: str = ""
    runner: Callable[[Store, Callable[[Progress], None]], bool] = field(
        default=run_sync, repr=False
    )
    uploader: Callable[[Store, Callable[[UploadProgress], None]], bool] = field(
        default=run_uploads, repr=False
    )
    uploading: bool = False
    photos_pending: int = 0
    photos_failed: int = 0
    photo_bytes_sent: int = 0
    photo_bytes_total: int = 0
    photo_waiting: tuple[str, ...] = ()
    drafts: int = 0

    def __post_init__(self) -> None:
        self._upload_task: asyncio.Task[None] | None = None

    def refresh(self) -> None:
        """Re-read the counts the strip shows (call after every save)."""
        self.pending = self.store.pending_records()
        self.failed = len(self.store.records(sync_state="failed"))
        records = self.store.records()
        self.conflicts = sum(1 for r in records if r.conflicts)
        me = self.store.identity()
        mine = [r for r in records if me is not None and r.author == me.user_id]
        self.drafts = sum(1 for r in mine if r.sync_state == "draft")
        self._read_photos()

    def _read_photos(self) -> None:
        p = photo_progress(self.store)
        self.photos_pending, self.photos_failed = p.pending, p.failed
        self.photo_bytes_sent, self.photo_bytes_total = p.bytes_sent, p.bytes_total
        self.photo_waiting = p.waiting_records

    def lists(self) -> dict[str, list[LocalRecord]]:
        """My records by what the Kirim screen shows: pending, failed, conflict, draft."""
        out: dict[str, list[LocalRecord]] = {
            "pending": [],
            "failed": [],
            "conflict": [],
            "draft": [],
            "sent": [],
        }
        for rec in self.store.records(mine=True):  # newest first
            if rec.conflicts:
                out["conflict"].append(rec)
            if rec.sync_state in out:
                out[rec.sync_state].append(rec)
        out["sent"] = out["sent"][:SENT_SHOWN]
        return out

    def conflict_details(self) -> list[dict[str, object]]:
        return self.store.conflicts()

    def retry_photos(self) -> None:
        retry_failed(self.store)
        self.refresh()

    def retry(self, record_id: str) -> None:
        self.store.retry(record_id)
        self.refresh()

    def badge(self, record_id: str) -> Badge:
        return badge(self.store.record(record_id))

    def last_ok(self) -> float | None:
        """When a sync last went through (epoch seconds), kept across restarts."""
        raw = self.store.meta(LAST_OK_KEY)
        return float(raw) if raw else None

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    async def sync_now(self) -> None:
        if self.busy or self.store.identity() is None:
            return
        loop = asyncio.get_running_loop()

        def progress(p: Progress) -> None:
            loop.call_soon_threadsafe(self._progress, p)

        self.busy, self.done, self.total = True, 0, self.pending
        try:
            await asyncio.to_thread(self.runner, self.store, progress)
            self.online, self.error_id, self.error_en = True, "", ""
            self.store.set_meta(LAST_OK_KEY, str(time.time()))
            self._start_upload()
        except Offline as exc:
            self.online, self.error_id, self.error_en = False, exc.message, exc.message_en
        except (AuthError, SyncError) as exc:
            self.online, self.error_id, self.error_en = True, exc.message, exc.message_en
        except Exception as exc:  # never let the loop die; say what to do
            log.exception("sync failed")
            self.error_id, self.error_en = unexpected("sync", exc)
        finally:
            self.busy, self.phase = False, ""
            self.refresh()

    def _progress(self, p: Progress) -> None:
        self.phase, self.done, self.total = p.phase, p.done, p.total

    def _start_upload(self) -> None:
        """Photos after records, in their own task (never awaited by the records loop)."""
        self._read_photos()
        if self.photos_pending and (self._upload_task is None or self._upload_task.done()):
            self._upload_task = asyncio.create_task(self.upload_now())

    async def upload_now(self) -> None:
        if self.uploading or self.store.identity() is None:
            return
        loop = asyncio.get_running_loop()

        def progress(_p: UploadProgress) -> None:  # the store holds the offsets: re-read it
            loop.call_soon_threadsafe(self._read_photos)

        self.uploading = True
        try:
            await asyncio.to_thread(self.uploader, self.store, progress)
        except Offline as exc:
            self.online, self.error_id, self.error_en = False, exc.message, exc.message_en
        except (AuthError, SyncError) as exc:
            self.error_id, self.error_en = exc.message, exc.message_en
        except Exception as exc:  # never let the loop die; say what to do
            log.exception("photo upload failed")
            self.error_id, self.error_en = unexpected("photos", exc)
        finally:
            self.uploading = False
            self.refresh()

    async def loop(self, interval_s: float, rounds: int = 10**9, tick_s: float = 1.0) -> None:
        """Re-read counts every tick; sync at once when something new waits, else every
        `interval_s`. Never raises, never blocks the UI; offline just means "try later"."""
        waited, last_pending = interval_s, -1
        for _ in range(rounds):
            self.refresh()
            fresh = self.pending > last_pending and self.online is not False
            fresh = fresh or self._just_enrolled()
            if waited >= interval_s or fresh:
                await self.sync_now()
                waited, last_pending = 0.0, self.pending
            await asyncio.sleep(tick_s)
            waited += tick_s

    def _just_enrolled(self) -> bool:
        """Enrolled since the last attempt: sync now, not after the interval (the strip must
        not say "not connected" right after the server answered the enrolment)."""
        return self.online is None and not self.error_id and self.store.identity() is not None


@dataclass(frozen=True)
class SyncHandle:
    """SyncStatus in a plain box: a screen given this is not re-rendered on every sync tick
    (only the small components it hands `sync` to are)."""

    sync: SyncStatus
