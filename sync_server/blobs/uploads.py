"""Photo blobs: resumable uploads checked by SHA-256, files on disk by hash (sync-design 8).

    POST  /v1/blobs            create (or find) an upload: BlobCreate -> BlobStatus
    GET   /v1/blobs/{sha}      the server's offset (HEAD: the same in Upload-Offset)
    PATCH /v1/blobs/{sha}      append a chunk at Upload-Offset
    GET   /v1/blobs/{sha}/content   the photo, to users who may read a record citing it

What records cite lives in `cites.py` (re-exported here for the push path).

Layout under `settings.blob_dir`: `<sha[:2]>/<sha>` for complete files, `.partial/<device>/<sha>`
for each device's upload under way. An upload is its device's: no device can see, reset or spoil
another's, nor learn that another device has a photo or is sending it. The partial file's
length *is* the offset, so a server killed mid-chunk resumes from what reached the disk; bytes
of a dropped chunk that arrived are kept. A writer holds an exclusive `flock` on the partial
file, so a retried chunk cannot interleave with one still draining. The whole file's hash is
checked before the link that makes it complete; a mismatch discards that device's upload. A
second device sending the same verified bytes becomes an uploader too; the stored file is not
rewritten.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import BinaryIO

from starlette.concurrency import run_in_threadpool

from core.protocol import BlobCreate, BlobStatus
from sync_server.auth import Principal
from sync_server.blobs import twins
from sync_server.blobs.access import ours, visible
from sync_server.blobs.cites import PHOTO_FIELDS, cite_photos, photo_hashes, photo_reuse
from sync_server.blobs.files import (
    CONTENT_TYPES,
    blob_path,
    drain,
    file_sha256,
    locked,
    locked_async,
    partial_path,
)
from sync_server.errors import ApiError
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.blob_base import BlobRow

# where the files are, and what records cite, for callers of this module
__all__ = [
    "PHOTO_FIELDS",
    "blob_path",
    "cite_photos",
    "partial_path",
    "photo_hashes",
    "photo_reuse",
]


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
    fresh = replace(blob, updated_ms=settings.now_ms())
    store.blobs().put_blob(fresh)
    return fresh


def _settle(
    store: Store, settings: Settings, sha256: str, device_id: str
) -> tuple[BlobRow, int] | None:
    """This device's upload as the disk says it is: complete while the final file is there,
    else the partial file's length (a lost file starts this upload again from zero)."""
    blob = store.blobs().get_upload(sha256, device_id)
    if blob is None:
        return None
    part = partial_path(settings, sha256, device_id)
    if blob.complete and blob_path(settings, sha256).exists():
        return blob, blob.size
    if not blob.complete and part.exists():
        return blob, part.stat().st_size
    blob = replace(blob, complete=False)
    store.blobs().put_blob(blob)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.touch()
    return blob, 0


def create(store: Store, settings: Settings, who: Principal, body: BlobCreate) -> BlobStatus:
    """Start this device's upload, or say how far it is.

    `complete` ("already have it") only when this device's user uploaded these bytes: anyone
    else sends them (proving they hold them) into a partial file of their own, so nothing says
    whether another device has the photo or is sending it.
    """
    _acceptable(settings, body)
    expire_uploads(store, settings)
    found = _settle(store, settings, body.sha256, who.device.id)
    if found is None and ours(store, settings, who, body.sha256):  # the size said is the caller's
        return BlobStatus(sha256=body.sha256, size=body.size, offset=body.size, complete=True)
    if found and (found[0].complete or found[0].size == body.size):
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
    part = partial_path(settings, body.sha256, who.device.id)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.touch()
    with locked(part) as f:  # a new size (or a new upload): start from zero
        f.truncate(0)
    return _status(blob, 0)


def _acceptable(settings: Settings, body: BlobCreate) -> None:
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


def _too_many_open(limit: int) -> ApiError:
    return ApiError(
        429,
        "too_many_uploads",
        f"Perangkat ini sudah membuka {limit} unggahan foto yang belum selesai; selesaikan "
        "dulu atau tunggu yang lama kedaluwarsa",
        f"This device already has {limit} unfinished photo uploads; finish them first",
    )


def _seen(store: Store, settings: Settings, who: Principal, sha256: str) -> BlobStatus:
    """Without an upload of its own the caller sees a complete photo it may read, or else the
    same 404 as for a photo that does not exist (no existence, no size)."""
    photo = visible(store, settings, who, sha256)
    if photo is None:
        raise _not_found(sha256)
    return _status(photo, photo.size)


def status(store: Store, settings: Settings, who: Principal, sha256: str) -> BlobStatus:
    """The offset to send from, after any writer still draining a dropped chunk has finished."""
    found = _settle(store, settings, sha256, who.device.id)
    if found is None:
        return _seen(store, settings, who, sha256)
    blob, offset = found
    if not blob.complete:
        with locked(partial_path(settings, sha256, who.device.id)) as f:
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
    async with locked_async(partial_path(settings, sha256, blob.device_id)) as f:
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
    """This device's own upload; a chunk for anyone else's goes nowhere."""
    found = _settle(store, settings, sha256, who.device.id)
    if found is None:
        seen = _seen(store, settings, who, sha256)
        return BlobRow(sha256, seen.size, "", who.device.id, 0, 0, True)
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


def _refuse(store: Store, settings: Settings, blob: BlobRow, error: ApiError) -> ApiError:
    """Discard this device's upload (its partial file and its row); nobody else's is touched."""
    partial_path(settings, blob.sha256, blob.device_id).unlink(missing_ok=True)
    store.blobs().delete_upload(blob.sha256, blob.device_id)
    return error


def _complete(store: Store, settings: Settings, blob: BlobRow, f: BinaryIO) -> BlobStatus:
    digest, head = file_sha256(f)
    if digest != blob.sha256:
        raise _refuse(store, settings, blob, ApiError(
            422,
            "hash_mismatch",
            "Foto yang diterima rusak di jalan (sidik SHA-256 tidak cocok) dan sudah dibuang; "
            "kirim ulang dari awal",
            "The received photo does not match its SHA-256 and was discarded; send it again",
        ))  # fmt: skip
    if not head.startswith(CONTENT_TYPES[blob.content_type]):
        raise _refuse(store, settings, blob, ApiError(
            415,
            "not_a_photo",
            f"Isi berkas bukan {blob.content_type}; kirim foto JPEG atau PNG",
            f"The file content is not {blob.content_type}",
        ))  # fmt: skip
    part, final = (
        partial_path(settings, blob.sha256, blob.device_id),
        blob_path(settings, blob.sha256),
    )
    final.parent.mkdir(parents=True, exist_ok=True)
    os.fsync(f.fileno())
    # The link is the moment the photo exists. If another device sent these bytes first, the
    # stored file stays as it is (same verified bytes) and this device is an uploader too.
    with contextlib.suppress(FileExistsError):
        os.link(part, final)
    blob = replace(blob, complete=True)
    store.blobs().put_blob(blob)
    part.unlink(missing_ok=True)
    twins.index_photo(store, settings, blob.sha256, final)
    return _status(blob, blob.size)


def expire_uploads(store: Store, settings: Settings) -> int:
    """Drop unfinished uploads untouched for longer than the TTL; returns how many."""
    before = settings.now_ms() - int(settings.blob_upload_ttl_hours * 3_600_000)
    dropped = 0
    for blob in store.blobs().stale_uploads(before):
        part = partial_path(settings, blob.sha256, blob.device_id)
        try:
            with locked(part, wait_s=0):
                part.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
        except ApiError:  # a writer is on it right now: not stale after all
            continue
        store.blobs().delete_upload(blob.sha256, blob.device_id)
        dropped += 1
    return dropped
