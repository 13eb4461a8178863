"""Sync client: pushes the outbox, pulls pages, applies them with the shared merge."""

from app.sync.client import AuthError, Offline, Progress, SyncClient, SyncError, SyncReport
from app.sync.enrol import enrol

__all__ = ["AuthError", "Offline", "Progress", "SyncClient", "SyncError", "SyncReport", "enrol"]
