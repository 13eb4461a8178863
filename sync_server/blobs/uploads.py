"""Photo blobs: resumable uploads checked by SHA-256, files on disk by hash (sync-design 8).

    POST  /v1/blobs            create (or find) an upload: BlobCreate -> BlobStatus
    GET   /v1/blobs/{sha}      the server's offset (HEAD: the same in Upload-Offset)
    PATCH /v1/blobs/{sha}      append a chunk at Upload-Offset
    GET   /v1/blobs/{sha}/content   the photo, to users who may read a record citing it

Layout under `settings.blob_dir`: `<sha[:2]>/<sha>` for complete files, `.partial/<sha>` for
uploads under way. The partial file's length *is* the offset, so a server killed mid-chunk
resumes from what reached the disk; bytes of a dropped chunk that arrived are kept. A writer
holds an exclusive `flock` on the partial file, so a retried chunk cannot interleave with one
still draining. The whole file's hash is checked before the rename that makes it complete; a
mismatch discards the upload.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from typing import Any, BinaryIO

from starlette.concurrency import run_in_threadpool

from core.protocol import BlobCreate, BlobStatus
from sync_server.auth import Principal
from sync_server.blobs.access import visible
from sync_server.blobs.files import (
    CONTENT_TYPES,
    blob_path,
    busy,
    drain,
    file_sha256,
    locked,
    locked_async,
    partial_path,
)
from sync_server.errors import ApiError
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.blob_base import BlobRow, Cites, PhotoReuse
from sync_server.store.models import StoredRecord

PHOTO_FIELDS = ("photos", "bukti")
__all__ = ["blob_path", "partial_path"]  # where the files are, for callers of this module


def _status(blob: BlobRow, offset: int) -> BlobStatus:
    return BlobStatus(sha256=blob.sha256, size=blob.size, offset=offset, complete=blob.complete)


def _not_found(sha256: str) -> ApiError:
    return ApiError(
        404,
        "upload_not_found",
        f"Unggahan foto {sha256[:12]} tidak ada atau sudah kedaluwarsa; mulai unggah lagi",
        f"No upload of photo {sha256[:12]} (or it expired); create it again",
    )


def _touch(store: Store, settings: Settings, blob: BlobRow) -> BlobRow:
    fresh = BlobRow(**{**blob.__dict__, "updated_ms": settings.now_ms()})
    store.blobs().put_blob(fresh)
    return fresh


def _settle(store: Store, settings: Settings, sha256: str) -> tuple[BlobRow, int] | None:
    """The upload as the disk says it is: the final file wins, then the partial file's length."""
    blob = store.blobs().get_blob(sha256)
    if blob is None:
        return None
    final = blob_path(settings, sha256)
    if final.exists():
        if not blob.complete:
            blob = BlobRow(**{**blob.__dict__, "complete": True})
            store.blobs().put_blob(blob)
        return blob, blob.size
    part = partial_path(settings, sha256)
    if blob.complete or not part.exists():  # file lost: start this upload again from zero
        blob = BlobRow(**{**blob.__dict__, "complete": False})
        store.blobs().put_blob(blob)
        part.parent.mkdir(parents=True, exist_ok=True)
        part.touch()
        return blob, 0
    return blob, part.stat().st_size


def create(store: Store, settings: Settings, who: Principal, body: BlobCreate) -> BlobStatus:
    """Start an upload, or say how far one is (complete: 'already have it')."""
    if body.content_type not in CONTENT_TYPES:
        raise ApiError(
            415,
            "unsupported_type",
            f"Jenis berkas {body.content_type} tidak diterima; kirim foto JPEG atau PNG",
            f"File type {body.content_type} is not accepted; send a JPEG or PNG photo",
        )
    limit = settings.max_blob_bytes
    if body.size > limit:
        raise ApiError(
            413,
            "photo_too_large",
            f"Foto {body.size // 1024} KB melebihi batas {limit // 1024} KB; perkecil foto",
            f"Photo of {body.size // 1024} KB is over the {limit // 1024} KB limit",
        )
    expire_uploads(store, settings)
    found = _settle(store, settings, body.sha256)
    if found and found[0].complete:  # already have it; the size said is the caller's own
        return BlobStatus(sha256=body.sha256, size=body.size, offset=body.size, complete=True)
    if found and found[0].device_id != who.device.id:
        raise busy()  # another device's upload: never reset or spoil it
    if found and found[0].size == body.size:
        return _status(_touch(store, settings, found[0]), found[1])
    if (
        not found
        and store.blobs().open_uploads(who.device.id) >= settings.max_open_uploads_per_device
    ):
        raise _too_many_open(settings.max_open_uploads_per_device)
    now = settings.now_ms()
    blob = BlobRow(
        body.sha256, body.size, body.content_type, who.device.id, now, now, False,
        body.original_sha256,
    )  # fmt: skip
    store.blobs().put_blob(blob)
    part = partial_path(settings, body.sha256)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.touch()
    with locked(part) as f:  # a new size (or a new upload): start from zero
        f.truncate(0)
    return _status(blob, 0)


def _too_many_open(limit: int) -> ApiError:
    return ApiError(
        429,
        "too_many_uploads",
        f"Perangkat ini sudah membuka {limit} unggahan foto yang belum selesai; selesaikan "
        "dulu atau tunggu yang lama kedaluwarsa",
        f"This device already has {limit} unfinished photo uploads; finish them first",
    )


def status(store: Store, settings: Settings, who: Principal, sha256: str) -> BlobStatus:
    """The offset to send from, after any writer still draining a dropped chunk has finished.

    Anyone else gets the same 404 as for a photo that does not exist (no existence, no size)."""
    found = _settle(store, settings, sha256)
    if found is None or not visible(store, who, found[0]):
        raise _not_found(sha256)
    blob, offset = found
    if not blob.complete:
        with locked(partial_path(settings, sha256)) as f:
            offset = os.fstat(f.fileno()).st_size
    return _status(blob, offset)


async def append(
    store: Store,
    settings: Settings,
    who: Principal,
    sha256: str,
    offset: int,
    length: int | None,
    chunks: AsyncIterator[bytes],
) -> BlobStatus:
    """Write a chunk at `offset`; keep what arrived if the sender drops; verify when whole.

    Called on the event loop: every database write, fsync and hash runs in a worker thread.
    """
    blob = await run_in_threadpool(_appendable, store, settings, who, sha256, offset, length)
    if blob.complete:
        return _status(blob, blob.size)
    async with locked_async(partial_path(settings, sha256)) as f:
        have = os.fstat(f.fileno()).st_size
        if have != offset:
            raise ApiError(
                409,
                "offset_mismatch",
                f"Server memegang {have} byte foto ini, bukan {offset}; tanyakan posisi lalu "
                "lanjutkan",
                f"The server holds {have} bytes of this photo, not {offset}; ask the offset",
            )
        f.seek(offset)
        written = await drain(f, chunks, blob.size - offset)
        if written is None:
            f.truncate(offset)
            raise _past_end(blob)
        have = offset + written
        blob = await run_in_threadpool(_touch, store, settings, blob)
        if have == blob.size:
            return await run_in_threadpool(_complete, store, settings, blob, f)
    return _status(blob, have)


def _appendable(
    store: Store, settings: Settings, who: Principal, sha256: str, offset: int, length: int | None
) -> BlobRow:
    found = _settle(store, settings, sha256)
    if found is None or not visible(store, who, found[0]):
        raise _not_found(sha256)
    blob = found[0]
    if not blob.complete and length is not None and offset + length > blob.size:
        raise _past_end(blob)
    return blob


def _past_end(blob: BlobRow) -> ApiError:
    return ApiError(
        413,
        "chunk_past_end",
        f"Potongan melewati ukuran foto yang diumumkan ({blob.size} byte); mulai unggah lagi",
        f"The chunk goes past the declared photo size ({blob.size} bytes)",
    )


def _complete(store: Store, settings: Settings, blob: BlobRow, f: BinaryIO) -> BlobStatus:
    digest, head = file_sha256(f)
    part = partial_path(settings, blob.sha256)
    if digest != blob.sha256:
        part.unlink(missing_ok=True)
        store.blobs().delete_blob(blob.sha256)
        raise ApiError(
            422,
            "hash_mismatch",
            "Foto yang diterima rusak di jalan (sidik SHA-256 tidak cocok) dan sudah dibuang; "
            "kirim ulang dari awal",
            "The received photo does not match its SHA-256 and was discarded; send it again",
        )
    if not head.startswith(CONTENT_TYPES[blob.content_type]):
        part.unlink(missing_ok=True)
        store.blobs().delete_blob(blob.sha256)
        raise ApiError(
            415,
            "not_a_photo",
            f"Isi berkas bukan {blob.content_type}; kirim foto JPEG atau PNG",
            f"The file content is not {blob.content_type}",
        )
    final = blob_path(settings, blob.sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.fsync(f.fileno())
    os.replace(part, final)  # the rename is the moment it becomes complete
    blob = BlobRow(**{**blob.__dict__, "complete": True})
    store.blobs().put_blob(blob)
    return _status(blob, blob.size)


def expire_uploads(store: Store, settings: Settings) -> int:
    """Drop unfinished uploads untouched for longer than the TTL; returns how many."""
    before = settings.now_ms() - int(settings.blob_upload_ttl_hours * 3_600_000)
    dropped = 0
    for blob in store.blobs().stale_uploads(before):
        part = partial_path(settings, blob.sha256)
        try:
            with locked(part, wait_s=0):
                part.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
        except ApiError:  # a writer is on it right now: not stale after all
            continue
        store.blobs().delete_blob(blob.sha256)
        dropped += 1
    return dropped


def photo_hashes(fields: dict[str, Any]) -> list[str]:
    """The photo hashes a record's fields cite (none once it is deleted)."""
    if fields.get("deleted"):
        return []
    found: list[str] = []
    for name in PHOTO_FIELDS:
        for value in fields.get(name) or ():
            if isinstance(value, str) and value not in found:
                found.append(value)
    return found


def cite_photos(store: Store, records: Iterable[StoredRecord]) -> None:
    """Inside a push: keep `blob_refs` equal to the photos these records now cite."""
    cites = [Cites(r.id, r.kind, r.tps, tuple(photo_hashes(r.fields))) for r in records]
    if cites:
        store.blobs().set_refs_many(cites)


def photo_reuse(store: Store, sha256s: list[str] | None = None) -> list[PhotoReuse]:
    """Photos cited by records of more than one TPS (same file or same original).

    With `sha256s` (e.g. one incoming tally's photos) only those are looked at, so the work is
    proportional to their cites, not to the whole table. For the review queue.
    """
    return store.blobs().reuse(sha256s)
