"""Which database errors mean "another writer holds the lock, try again later" (StoreBusy),
for writes made outside `transaction()` (one autocommitted statement, e.g. a pull noting its
cursor); transactions map them themselves."""

from __future__ import annotations

import sqlite3

from psycopg import errors

_PG_BUSY = (errors.LockNotAvailable, errors.SerializationFailure, errors.DeadlockDetected)


def is_busy(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        return "database is locked" in text or "database is busy" in text
    return isinstance(exc, _PG_BUSY)
