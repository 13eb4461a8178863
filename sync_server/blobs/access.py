"""Who may see a photo upload or read a photo (issue 11): an upload is its device's; a photo
opens only through a record whose author's device uploaded it (proved by sending the bytes)."""

from __future__ import annotations

from pathlib import Path

from sync_server.auth import Principal
from sync_server.blobs.files import blob_path
from sync_server.errors import ApiError, forbidden
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.blob_base import BlobRow
from sync_server.sync.scope import read_filter


def _done(store: Store, settings: Settings, sha256: str) -> list[BlobRow]:
    """The complete uploads of a photo whose file is on disk, oldest first."""
    done = [b for b in store.blobs().uploads(sha256) if b.complete]
    return done if done and blob_path(settings, sha256).exists() else []


def ours(store: Store, settings: Settings, who: Principal, sha256: str) -> BlobRow | None:
    """A complete upload of this photo by a device of the caller's user (theirs to cite)."""
    for blob in _done(store, settings, sha256):
        device = store.get_device(blob.device_id)
        if device is not None and device.user_id == who.user.id:
            return blob
    return None


def visible(store: Store, settings: Settings, who: Principal, sha256: str) -> BlobRow | None:
    """The complete photo, if the caller's user uploaded it or may read a record citing it by
    an uploader; None otherwise, exactly as for a photo that does not exist."""
    mine = ours(store, settings, who, sha256)
    if mine is not None:
        return mine
    done = _done(store, settings, sha256)
    if done and store.blobs().readable_upload(sha256, read_filter(who.user)):
        return done[0]
    return None


def content(store: Store, settings: Settings, who: Principal, sha256: str) -> tuple[Path, str]:
    """The photo's path and type, if a record the caller may read, by an uploader, cites it.

    A reader of a record citing a hash its author never uploaded is told it has not arrived,
    whether or not someone else uploaded those bytes (no existence leak).
    """
    read = read_filter(who.user)
    if not store.blobs().readable(sha256, read):
        raise forbidden(
            "Foto ini bukan bagian dari data di wilayah atau wewenang Anda",
            "This photo belongs to no record you may read",
            code="photo_forbidden",
        )
    done = _done(store, settings, sha256)
    if not done or not store.blobs().readable_upload(sha256, read):
        raise ApiError(
            404,
            "photo_not_uploaded",
            "Foto ini belum sampai di server; pengirimnya perlu sinyal untuk mengunggahnya",
            "This photo has not reached the server yet",
        )
    return blob_path(settings, sha256), done[0].content_type


def uploaders(store: Store, sha256: str) -> set[str]:
    """The users one of whose devices completed an upload of this photo."""
    users = set()
    for blob in store.blobs().uploads(sha256):
        device = store.get_device(blob.device_id) if blob.complete else None
        if device is not None:
            users.add(device.user_id)
    return users
