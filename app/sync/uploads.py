"""Photo uploads, after the records (sync-design 8): create -> ask offset -> send chunks.

    report = client.sync_once()          # records first: bytes to kilobytes
    photos = upload_photos(client)       # then photos, ~256 KB a chunk

The server's offset is the only resume point: a chunk whose connection dropped is never sent
again blindly; the uploader asks how much arrived and goes on from there, so at most the bytes
lost in flight are sent twice. An app restart resumes the same way (the queue is the `photos`
table); a photo this user's device already sent is answered "complete" at create and never
sent again (another user's copy does not count: the server never says it has one).

Requests that may be retried whole (create, offset) go through `SyncClient.call`, the one
place where an unreachable server becomes `Offline`. A chunk is sent once (`_patch`): after a
drop, the next offset request decides whether the server is still there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from app.store.photos import CONTENT_TYPE, Photo, mark_failed, mark_sent, upload_queue
from app.sync.client import (
    RETRY_STATUS,
    AuthError,
    Offline,
    SyncClient,
    SyncError,
    SyncReport,
    refusal,
)
from core.protocol import BlobCreate, BlobStatus

CHUNK_BYTES = 256 * 1024
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class UploadProgress:
    sha256: str
    offset: int  # bytes of this photo the server holds
    size: int
    photos_left: int  # this one included
    done_bytes: int  # of every photo in this run's queue
    total_bytes: int


@dataclass
class UploadReport:
    uploaded: list[str] = field(default_factory=list)
    already_had: list[str] = field(default_factory=list)  # the server had them: nothing sent
    failed: list[tuple[str, str]] = field(default_factory=list)  # (sha256, reason)
    bytes_sent: int = 0  # chunk bytes put on the wire, re-sent ones included
    bytes_needed: int = 0  # bytes the server lacked when each photo started
    drops: int = 0  # chunks whose connection broke


@dataclass
class _Run:
    client: SyncClient
    report: UploadReport
    progress: Callable[[UploadProgress], None] | None
    chunk_bytes: int
    chunk_timeout_s: float
    max_drops: int
    left: int = 0
    done: int = 0
    total: int = 0

    def tell(self, photo: Photo, offset: int) -> None:
        if self.progress:
            done = self.done + offset
            self.progress(
                UploadProgress(photo.sha256, offset, photo.size, self.left, done, self.total)
            )


def upload_photos(
    client: SyncClient,
    progress: Callable[[UploadProgress], None] | None = None,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    chunk_timeout_s: float = 120.0,
    max_drops: int = 30,
) -> UploadReport:
    """Send every photo a shared record cites; raise Offline/AuthError if the server is gone.

    A photo the server refuses (too large, wrong type) is marked failed with its reason and
    never blocks the others. `chunk_timeout_s` covers one chunk on a slow link (256 KB at
    50 kbit/s is ~42 s).
    """
    queue = upload_queue(client.store)
    run = _Run(client, UploadReport(), progress, chunk_bytes, chunk_timeout_s, max_drops)
    run.total = sum(p.size for p in queue)
    for i, photo in enumerate(queue):
        run.left = len(queue) - i
        try:
            _upload(run, photo)
        except (Offline, AuthError):
            raise
        except SyncError as err:  # refused (too large, wrong type): this photo only
            _fail(run, photo, err.code, err.message, err.message_en)
        run.done += photo.size
    return run.report


def sync_and_upload(
    client: SyncClient, upload_progress: Callable[[UploadProgress], None] | None = None
) -> tuple[SyncReport, UploadReport]:
    """Records first, then photos: a photo never holds a record back."""
    report = client.sync_once()
    return report, upload_photos(client, upload_progress)


def _create(client: SyncClient, photo: Photo) -> BlobStatus:
    body = BlobCreate(
        sha256=photo.sha256,
        size=photo.size,
        content_type=CONTENT_TYPE,
        original_sha256=photo.original_sha256,
    )
    raw = client.call("POST", "/v1/blobs", content=body.model_dump_json(), headers=JSON)
    return BlobStatus.model_validate(raw)


def _offset(client: SyncClient, photo: Photo) -> BlobStatus:
    """The server's offset; a forgotten (expired, discarded) upload is created again."""
    try:
        return BlobStatus.model_validate(client.call("GET", f"/v1/blobs/{photo.sha256}"))
    except SyncError as exc:
        if exc.code != "upload_not_found":
            raise
        return _create(client, photo)


def _patch(run: _Run, photo: Photo, offset: int, chunk: bytes) -> httpx.Response | None:
    """Send one chunk once; None when the connection broke (the caller asks the offset)."""
    headers = {"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
    run.report.bytes_sent += len(chunk)
    try:
        return run.client.api.http.request(
            "PATCH",
            f"/v1/blobs/{photo.sha256}",
            content=chunk,
            headers=headers,
            timeout=httpx.Timeout(run.chunk_timeout_s, connect=run.client.timeout_s),
        )
    except httpx.TransportError:
        return None


def _fail(run: _Run, photo: Photo, code: str, reason: str, reason_en: str) -> None:
    mark_failed(run.client.store, photo.sha256, code, reason, reason_en)
    run.report.failed.append((photo.sha256, reason))


def _local_bytes(run: _Run, photo: Photo) -> bytes | None:
    """The photo's bytes, or None (marked failed) when the file no longer has its hash."""
    try:
        data = photo.path.read_bytes()
    except OSError:
        data = b""
    if hashlib.sha256(data).hexdigest() == photo.sha256:
        return data
    _fail(run, photo, "photo_damaged", "Berkas foto di HP ini rusak atau hilang; ambil "
          "ulang fotonya", "The photo file on this phone is damaged or missing")  # fmt: skip
    return None


def _upload(run: _Run, photo: Photo) -> None:
    data = _local_bytes(run, photo)
    if data is None:
        return
    status = _create(run.client, photo)
    if status.complete:
        mark_sent(run.client.store, photo.sha256, photo.size, complete=True)
        run.report.already_had.append(photo.sha256)
        return
    run.report.bytes_needed += photo.size - status.offset
    tries = _Tries()
    for _ in range(2 * (photo.size // run.chunk_bytes + 1) + run.max_drops + 4):  # bounded
        if status.complete:
            break
        chunk = data[status.offset : status.offset + run.chunk_bytes]
        status = _next_status(run, photo, _patch(run, photo, status.offset, chunk), tries)
    if not status.complete:
        raise Offline("upload did not finish within its bound")
    run.report.uploaded.append(photo.sha256)


@dataclass
class _Tries:
    drops: int = 0
    restarts: int = 0


def _next_status(
    run: _Run, photo: Photo, response: httpx.Response | None, tries: _Tries
) -> BlobStatus:
    """Where the upload stands after one chunk: retried, asked again, restarted or refused."""
    client = run.client
    if response is None or response.status_code in RETRY_STATUS:
        tries.drops += 1
        run.report.drops += 1
        if tries.drops > run.max_drops:
            raise Offline(f"{tries.drops} dropped chunks for one photo")
        client.sleep(min(8.0, client.backoff_s * tries.drops) * (0.5 + client.jitter()))
        return _offset(client, photo)
    if response.status_code == 409:  # another connection was still writing: ask again
        client.sleep(client.backoff_s)
        return _offset(client, photo)
    if response.status_code == 404:
        return _create(client, photo)
    if response.status_code >= 400:
        err = refusal(response)
        if err.code == "hash_mismatch" and tries.restarts == 0:
            tries.restarts += 1
            return _create(client, photo)  # damaged on the way: once more from zero
        raise err
    status = BlobStatus.model_validate(response.json())
    mark_sent(client.store, photo.sha256, status.offset, complete=status.complete)
    run.tell(photo, status.offset)
    return status
