"""Server storage: one interface (`base.Store`), one backend per database (`sqlite.SqliteStore`)."""

from sync_server.store.base import Store
from sync_server.store.models import (
    ROLES,
    ConflictRow,
    Device,
    EnrolCode,
    LogEntry,
    OpRow,
    ReadFilter,
    StoredRecord,
    User,
)

__all__ = [
    "ROLES",
    "ConflictRow",
    "Device",
    "EnrolCode",
    "LogEntry",
    "OpRow",
    "ReadFilter",
    "Store",
    "StoredRecord",
    "User",
]
