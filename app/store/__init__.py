"""The device's local SQLite store: records, outbox, pull cursor, conflicts, region registry."""

from app.store.models import Identity, LocalRecord
from app.store.store import Store, open_store

__all__ = ["Identity", "LocalRecord", "Store", "open_store"]
