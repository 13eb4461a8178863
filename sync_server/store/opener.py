"""Which backend a server process uses: PostgreSQL when `PANTAU_DATABASE_URL` is set, else the
SQLite file at `PANTAU_DB_PATH` (the embedded default). One opener per process: it migrates
once, holds the PostgreSQL connection pool, and opens one store per unit of work."""

from __future__ import annotations

from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.store.pg import PgStore
from sync_server.store.pg_rows import open_pool
from sync_server.store.sqlite import SqliteStore


class StoreOpener:
    """`opener()` -> a store; `close()` when the process is done with the backend."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.database_url
        self.path = settings.db_path
        self.timeout_ms = settings.db_lock_timeout_ms
        self.pool_size = settings.db_pool_size
        self._pool = None
        if self.url:
            self._pool = open_pool(self.url, settings.db_pool_size, self.timeout_ms)
        if self._pool is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        first = self()
        try:
            first.migrate()
        finally:
            first.close()

    @property
    def keep_idle(self) -> int:
        """Stores worth keeping open between requests: SQLite's save a checkpoint each;
        PostgreSQL's pool already keeps the connections."""
        return 0 if self._pool is not None else 8

    @property
    def request_slots(self) -> int:
        """Requests that may hold a store at once (sync_server/gate.py): on PostgreSQL the
        pool's connections less two for the reconciliation worker and the checkpoint timer."""
        size = self.pool_size
        return max(1, size - 2) if self._pool is not None else size

    @property
    def backend(self) -> str:
        return "postgres" if self._pool is not None else "sqlite"

    def __call__(self) -> Store:
        if self._pool is not None:
            return PgStore(self._pool)
        return SqliteStore(self.path, self.timeout_ms)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
