"""The device's local SQLite store: records, outbox, pull cursor, conflicts, region registry."""

from app.store.store import Identity, LocalRecord, Store, open_store

__all__ = ["Identity", "LocalRecord", "Store", "open_store"]
