"""One sync at a time per process, for every screen that syncs (the field app's loop, the
supervisor console's "send now"): records with the enrolled identity, then photos.

A caller that must not give up at once (the console sends a verification and shows the
result) blocks on the lock for at most `wait_s`; nothing polls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.store import Store
from app.sync.client import Progress, SyncClient, SyncError
from app.sync.uploads import UploadProgress, upload_photos

_SYNC = threading.Lock()
_UPLOAD = threading.Lock()
SYNC_BUSY = SyncError(
    "Sinkron lain masih berjalan; data akan terkirim otomatis.",
    "Another sync is still running; the data will be sent automatically.",
    "sync_busy",
)


def _take(lock: threading.Lock, wait_s: float) -> bool:
    return lock.acquire(timeout=wait_s) if wait_s > 0 else lock.acquire(blocking=False)


def run_sync(store: Store, progress: Callable[[Progress], None], wait_s: float = 0.0) -> bool:
    """One sync with the enrolled identity; False when not enrolled, or when another sync
    still runs after `wait_s` seconds (0: do not wait)."""
    ident = store.identity()
    if ident is None or not _take(_SYNC, wait_s):
        return False
    client = SyncClient(store, ident.server_url, ident.token, attempts=2, timeout_s=10,
                        server_cert=ident.server_cert)  # fmt: skip
    try:
        client.sync_once(progress)
    finally:
        client.close()
        _SYNC.release()
    return True


def run_uploads(store: Store, progress: Callable[[UploadProgress], None]) -> bool:
    """Send the photos shared records cite; False when another upload already runs."""
    ident = store.identity()
    if ident is None or not _take(_UPLOAD, 0):
        return False
    client = SyncClient(store, ident.server_url, ident.token, attempts=2, timeout_s=10,
                        server_cert=ident.server_cert)  # fmt: skip
    try:
        upload_photos(client, progress)
    finally:
        client.close()
        _UPLOAD.release()
    return True


def sync_now(store: Store, wait_s: float = 20.0) -> None:
    """Sync now, waiting up to `wait_s` for a sync already running; raises SyncError
    (`sync_busy`) when it does not finish in time, or the sync's own errors."""
    if store.identity() is None:
        raise SyncError(
            "Perangkat ini belum terdaftar. Daftarkan dengan kode dari admin.",
            "This device is not enrolled. Enrol it with a code from the admin.",
            "not_enrolled",
        )
    if not run_sync(store, lambda _p: None, wait_s):
        raise SyncError(SYNC_BUSY.message, SYNC_BUSY.message_en, SYNC_BUSY.code)
