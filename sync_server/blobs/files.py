"""Blob files on disk: where they live, the per-upload lock, writing a chunk as it arrives.

`<blob_dir>/<sha[:2]>/<sha>` holds complete files; `<blob_dir>/.partial/<device>/<sha>` one
device's upload under way, whose length is its offset (each device writes only its own). A
writer holds an exclusive `flock` on the partial file (it is released when the file closes,
even when the process is killed).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import BinaryIO

from starlette.concurrency import run_in_threadpool

from sync_server.errors import ApiError
from sync_server.settings import Settings

CONTENT_TYPES = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}
LOCK_WAIT_S = 5.0


def blob_path(settings: Settings, sha256: str) -> Path:
    return settings.blob_dir / sha256[:2] / sha256


def partial_path(settings: Settings, sha256: str, device_id: str) -> Path:
    return settings.blob_dir / ".partial" / device_id / sha256


def busy() -> ApiError:
    return ApiError(
        409,
        "upload_busy",
        "Foto ini sedang diterima dari sambungan lain; coba lagi sebentar",
        "This photo is still being received on another connection; retry soon",
    )


def try_lock(f: BinaryIO) -> bool:
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextmanager
def locked(path: Path, *, wait_s: float = LOCK_WAIT_S) -> Iterator[BinaryIO]:
    """Open the partial file with an exclusive lock (threads only: this wait blocks)."""
    with open(path, "r+b") as f:  # closing releases the lock
        deadline = time.monotonic() + wait_s
        while not try_lock(f):
            if time.monotonic() >= deadline:
                raise busy()
            time.sleep(0.05)
        yield f


@asynccontextmanager
async def locked_async(path: Path) -> AsyncIterator[BinaryIO]:
    """The same lock for the event loop: a writer draining a dropped chunk may be on it."""
    with open(path, "r+b") as f:
        deadline = time.monotonic() + LOCK_WAIT_S
        while not try_lock(f):
            if time.monotonic() >= deadline:
                raise busy()
            await asyncio.sleep(0.05)
        yield f


async def drain(f: BinaryIO, chunks: AsyncIterator[bytes], room: int) -> int | None:
    """Write the body as it arrives; bytes written so far, or None if it overran `room`."""
    written = 0
    try:
        async for piece in chunks:  # ends early when the sender drops: keep what arrived
            if written + len(piece) > room:
                return None
            await run_in_threadpool(f.write, piece)  # the disk may stall: not on the loop
            written += len(piece)
    finally:
        await run_in_threadpool(f.flush)
    return written


def file_sha256(f: BinaryIO) -> tuple[str, bytes]:
    """The whole file's SHA-256 and its first bytes (to check the type)."""
    f.seek(0)
    digest, head = hashlib.sha256(), f.read(16)
    digest.update(head)
    for piece in iter(lambda: f.read(1 << 20), b""):
        digest.update(piece)
    return digest.hexdigest(), head
