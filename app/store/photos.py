"""Photo evidence on the device: re-encoded, content-addressed files and their upload state.

Which hash is which (sync-design 8):

- `sha256` is the SHA-256 of the stored, re-encoded JPEG. Records cite this hash (a tally's
  `photos`, an incident's `bukti`); it is the file that travels and the hash the server
  verifies over the whole file before it marks the upload complete.
- `original_sha256` is the SHA-256 of the bytes the camera or file picker gave us. It is kept
  here, next to the stored hash, and sent along when the upload is created, so the server can
  tie the evidence to the original too (and spot one original re-used at two TPS).

Files live in `<data>/photos/<sha[:2]>/<sha>.jpg`, next to the device database. A file is
written before its row, so a crash leaves at most an orphan file, never a row without a file.
Which records cite a photo is read from the records themselves (the `photo_refs` view).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.store.photo_codec import bad_photo, encode
from app.store.store import Store

CONTENT_TYPE = "image/jpeg"


@dataclass(frozen=True)
class Photo:
    sha256: str
    original_sha256: str
    size: int
    width: int
    height: int
    taken: str | None
    has_gps: bool
    state: str  # pending | complete | failed
    sent: int
    path: Path
    reason: str | None = None
    reason_en: str | None = None


@dataclass(frozen=True)
class PhotoProgress:
    """What the sync screen shows about photos."""

    pending: int  # photos still to upload (cited by a shared record)
    failed: int
    bytes_sent: int  # of the pending and completed photos cited by shared records
    bytes_total: int
    waiting_records: tuple[str, ...]  # shared records citing a photo not yet on the server


def photo_dir(store: Store) -> Path:
    """The photos folder next to the device database file."""
    rows = store.db.execute("PRAGMA database_list").fetchall()
    main = next((r[2] for r in rows if r[1] == "main"), "")
    if not main:
        raise RuntimeError("photos need a device database on disk, not in memory")
    return Path(main).parent / "photos"


def photo_path(store: Store, sha256: str) -> Path:
    return photo_dir(store) / sha256[:2] / f"{sha256}.jpg"


def _read(source: str | Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise bad_photo(f"tidak bisa dibuka / cannot open: {exc.strerror or exc}") from None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def add_photo(store: Store, source: str | Path | bytes) -> str:
    """Re-encode and keep a photo; return the hash a record cites. Raise DomainError if bad.

    Adding the same original twice returns the same hash and stores nothing new.
    """
    data = _read(source)
    original = hashlib.sha256(data).hexdigest()
    known = store.db.execute(
        "select sha256 from photos where original_sha256 = ?", [original]
    ).fetchone()
    if known and photo_path(store, known[0]).exists():
        return str(known[0])
    encoded = encode(data)  # raises before anything is written
    sha = hashlib.sha256(encoded.data).hexdigest()
    path = photo_path(store, sha)
    if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
        _write_atomic(path, encoded.data)
    row: dict[str, Any] = {
        "sha256": sha,
        "original_sha256": original,
        "size": len(encoded.data),
        "content_type": CONTENT_TYPE,
        "width": encoded.width,
        "height": encoded.height,
        "taken": encoded.taken,
        "has_gps": int(encoded.has_gps),
        "state": "pending",
        "sent": 0,
        "added_ms": store.now_ms(),
    }
    with store.transaction() as db:
        # Two originals that encode alike share one row: the first keeps its upload state.
        if not db.table("photos").count_where("sha256 = ?", [sha]):
            db.table("photos").insert(row)
    return sha


def _photo(store: Store, row: dict[str, Any]) -> Photo:
    return Photo(
        row["sha256"],
        row["original_sha256"],
        row["size"],
        row["width"],
        row["height"],
        row["taken"],
        bool(row["has_gps"]),
        row["state"],
        row["sent"] or 0,
        photo_path(store, row["sha256"]),
        row["reason"],
        row["reason_en"],
    )


def photo(store: Store, sha256: str) -> Photo | None:
    rows = list(store.db.table("photos").rows_where("sha256 = ?", [sha256]))
    return _photo(store, rows[0]) if rows else None


def citing_records(store: Store, sha256: str) -> list[str]:
    """Records (drafts too) that cite this photo, deleted ones left out."""
    rows = store.db.execute(
        "select distinct record_id from photo_refs where sha256 = ? and deleted = 0 "
        "order by record_id",
        [sha256],
    ).fetchall()
    return [r[0] for r in rows]


def remove_photo(store: Store, sha256: str) -> bool:
    """Forget a photo no record cites (e.g. removed from a draft); False while one still does."""
    with store.transaction() as db:
        if citing_records(store, sha256):
            return False
        db.execute("delete from photos where sha256 = ?", [sha256])
    photo_path(store, sha256).unlink(missing_ok=True)
    return True


_QUEUE = """
    select p.* from photos p
     where p.state = ? and exists (select 1 from photo_refs r where r.sha256 = p.sha256
                                    and r.shared = 1 and r.deleted = 0)
     order by p.added_ms, p.sha256
"""


def upload_queue(store: Store) -> list[Photo]:
    """Photos cited by a shared record and not yet on the server, oldest first."""
    cur = store.db.execute(_QUEUE, ["pending"])
    names = [d[0] for d in cur.description]
    return [_photo(store, dict(zip(names, row, strict=True))) for row in cur.fetchall()]


def mark_sent(store: Store, sha256: str, offset: int, *, complete: bool = False) -> None:
    """Record the server's offset (and completion) for progress; the server stays the truth."""
    with store.transaction() as db:
        fields: dict[str, Any] = {"sent": offset}
        if complete:
            fields.update(state="complete", code=None, reason=None, reason_en=None)
        db.table("photos").update(sha256, fields)


def mark_failed(store: Store, sha256: str, code: str, reason: str, reason_en: str) -> None:
    with store.transaction() as db:
        update = {"state": "failed", "code": code, "reason": reason, "reason_en": reason_en}
        db.table("photos").update(sha256, update)


def retry_failed(store: Store) -> int:
    """Queue failed photos again (e.g. after the server's limits changed); returns how many."""
    with store.transaction() as db:
        cur = db.execute("update photos set state = 'pending', sent = 0 where state = 'failed'")
        return int(cur.rowcount)


def photo_progress(store: Store) -> PhotoProgress:
    cited = (
        "exists (select 1 from photo_refs r where r.sha256 = p.sha256 "
        "and r.shared = 1 and r.deleted = 0)"
    )
    row = store.db.execute(
        f"""select coalesce(sum(p.state = 'pending'), 0), coalesce(sum(p.state = 'failed'), 0),
                   coalesce(sum(case when p.state = 'complete' then p.size else p.sent end), 0),
                   coalesce(sum(p.size), 0)
              from photos p where {cited}"""
    ).fetchone()
    waiting = store.db.execute(
        """select distinct r.record_id from photo_refs r join photos p on p.sha256 = r.sha256
            where r.shared = 1 and r.deleted = 0 and p.state != 'complete'
            order by r.record_id"""
    ).fetchall()
    return PhotoProgress(
        int(row[0]), int(row[1]), int(row[2]), int(row[3]), tuple(w[0] for w in waiting)
    )
