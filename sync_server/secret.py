"""The server's secret key (enrolment codes are stored as HMACs under it), in a 0600 file.

The file sits beside the database unless `PANTAU_SECRET_FILE` says otherwise; a leaked database
alone does not give up the codes. Made on first use.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sync_server.settings import Settings


def secret_path(settings: Settings) -> Path:
    db = settings.db_path
    return settings.secret_file or db.with_name(db.name + ".secret")


def server_key(settings: Settings) -> bytes:
    """The key, made (32 random bytes, owner-only file) if there is none yet."""
    path = secret_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)  # tighten a copy made by hand
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())
