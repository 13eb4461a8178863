"""This device's signing key (Ed25519, core/signing.py) and the checkpoints it pulled.

The private key lives in one file beside the device database (`<db>.key`, mode 0600), written
whole or not at all; it never leaves the device. Each push is one numbered batch signed once
(the number counts up in `meta`). Checkpoints the server signed are kept, so the device can
later show that the server's log still extends them.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.store.store import Store
from core import signing
from core.protocol import Checkpoint, Op, SignedBatch


def key_path(store: Store) -> Path:
    for row in store.db.execute("pragma database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2]).with_suffix(".key")
    raise RuntimeError("the device database has no file, so no key can live beside it")


def write_key(path: Path, private_key: bytes) -> None:
    """Replace the key file atomically; only this user may read it (0600)."""
    tmp = path.with_suffix(".key.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(signing.b64(private_key) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def load_key(store: Store) -> bytes | None:
    path = key_path(store)
    if not path.is_file():
        return None
    return signing.unb64(path.read_text().strip())


def sign_ops(store: Store, private_key: bytes, ops: list[Op]) -> SignedBatch:
    """The next batch number (kept in meta), and the manifest of `ops` signed once."""
    with store.transaction() as db:
        batch = int(store.meta("batch", "0") or "0") + 1
        db.table("meta").upsert({"key": "batch", "value": str(batch)}, pk="key")
    return signing.sign_batch(private_key, store.device_id, batch, ops)


def keep_checkpoint(store: Store, cp: Checkpoint, server_key: str | None) -> bool:
    """Keep a pulled checkpoint when the server's key (from enrolment) signed it."""
    if not signing.verify_checkpoint(cp, server_key or None):
        return False
    with store.transaction() as db:
        db.table("checkpoints").insert(cp.model_dump(), pk="log_id", ignore=True)
    return True


def checkpoints(store: Store) -> list[Checkpoint]:
    rows = store.db.execute(
        "select v, server_key, log_id, hash, time_ms, signature from checkpoints order by log_id"
    ).fetchall()
    names = ("v", "server_key", "log_id", "hash", "time_ms", "signature")
    return [Checkpoint.model_validate(dict(zip(names, r, strict=True))) for r in rows]


def create_key(store: Store) -> str:
    """Make and keep a new key for this device (for devices registered by an admin tool or a
    test harness rather than enrolled); returns its public key to register."""
    private_key = signing.new_private_key()
    write_key(key_path(store), private_key)
    return signing.public_key_of(private_key)
