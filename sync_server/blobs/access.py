"""Who may see a photo upload or read a photo (issue 11): an upload is its device's; a photo
opens only through a record whose author's device uploaded it."""

from __future__ import annotations

from pathlib import Path

from sync_server.auth import Principal
from sync_server.blobs.files import blob_path
from sync_server.errors import ApiError, forbidden
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.blob_base import BlobRow
from sync_server.sync.scope import read_filter


def visible(store: Store, who: Principal, blob: BlobRow) -> bool:
    """An upload is its device's; a complete photo also its uploader's and its readers'."""
    if blob.device_id == who.device.id:
        return True
    if not blob.complete:
        return False
    owner = store.get_device(blob.device_id)
    if owner is not None and owner.user_id == who.user.id:
        return True
    return store.blobs().readable_upload(blob.sha256, read_filter(who.user))


def content(store: Store, settings: Settings, who: Principal, sha256: str) -> tuple[Path, str]:
    """The photo's path and type, if a record the caller may read, by its uploader, cites it.

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
    blob = store.blobs().get_blob(sha256)
    path = blob_path(settings, sha256)
    if blob is None or not path.exists() or not store.blobs().readable_upload(sha256, read):
        raise ApiError(
            404,
            "photo_not_uploaded",
            "Foto ini belum sampai di server; pengirimnya perlu sinyal untuk mengunggahnya",
            "This photo has not reached the server yet",
        )
    return path, blob.content_type


def uploader(store: Store, sha256: str) -> str | None:
    """The user whose device uploaded this photo (None when nobody has)."""
    blob = store.blobs().get_blob(sha256)
    device = store.get_device(blob.device_id) if blob and blob.complete else None
    return device.user_id if device else None
