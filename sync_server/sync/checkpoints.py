"""The server's signing key and its signed checkpoints of the change-log head.

The key is one Ed25519 private key in a file only its owner may read (0600), created on first
use. A checkpoint is signed on demand (`pantau-server checkpoint`) and every
`checkpoint_interval_s` while the server runs, whenever the log moved since the last one. Pull
hands the latest to every device, and devices keep them: whoever holds one can later prove
the log was not cut short or rewritten below it (`verify-log --checkpoints`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from core import signing
from core.protocol import Checkpoint
from sync_server.store.base import Store

log = logging.getLogger(__name__)


def load_or_create_key(path: Path) -> bytes:
    """The server's private key from `path`, made (0600, never overwritten) when missing."""
    if path.is_file():
        return signing.unb64(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = signing.new_private_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return signing.unb64(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(signing.b64(key) + "\n")
    return key


def make(store: Store, private_key: bytes, now_ms: int) -> Checkpoint:
    """Sign the current head (or return the latest checkpoint when the log has not moved)."""
    ev = store.evidence()
    with store.transaction():
        log_id, digest = ev.head()
        latest = ev.latest_checkpoint()
        if latest is not None and latest.log_id == log_id:
            return latest
        unsigned = Checkpoint(server_key=signing.public_key_of(private_key), log_id=log_id,
                              hash=digest, time_ms=now_ms)  # fmt: skip
        cp = signing.sign_checkpoint(private_key, unsigned)
        ev.add_checkpoint(cp)
    return cp


class CheckpointTimer:
    """Signs the log head every `interval_s` (bounded: stops with the server)."""

    def __init__(self, open_store: Callable[[], Store], key: Callable[[], bytes],
                 now_ms: Callable[[], int], interval_s: float) -> None:  # fmt: skip
        self._open_store, self._key, self._now = open_store, key, now_ms
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._interval <= 0:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            store = self._open_store()
            try:
                make(store, self._key(), self._now())
            except Exception:  # keep signing later; a failed round must not stop the thread
                log.exception("checkpoint failed; trying again in %s s", self._interval)
            finally:
                store.close()
