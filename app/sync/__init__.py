"""Sync client: pushes the outbox, pulls pages, applies them with the shared merge; then photos."""

from app.sync.client import AuthError, Offline, Progress, SyncClient, SyncError, SyncReport
from app.sync.enrol import enrol
from app.sync.uploads import UploadProgress, UploadReport, sync_and_upload, upload_photos

__all__ = [
    "AuthError",
    "Offline",
    "Progress",
    "SyncClient",
    "SyncError",
    "SyncReport",
    "UploadProgress",
    "UploadReport",
    "enrol",
    "sync_and_upload",
    "upload_photos",
]
