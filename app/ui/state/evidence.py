"""Photos on a form: attach (re-encode off the UI loop), thumbnails, remove before Final.

A form (C.Hasil or incident) owns an `Evidence` and tells it how to read and write the list of
hashes in its own field (`photos` / `bukti`). Attaching saves the draft field like any other
change; a bad file raises nothing: its bilingual message is kept for the screen and nothing is
written. Removing takes the hash out of the field first, then forgets the file when no other
record cites it.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import flet as ft
from PIL import Image

from app.store import Store
from app.store.photos import add_photo, photo_path, remove_photo
from core.errors import DomainError

MAX_PHOTOS = 20  # the record schemas allow 20 per tally / incident
THUMB_SIDE = 240


@lru_cache(maxsize=256)
def _thumb(path: str, _mtime_ns: int) -> bytes:  # the file's version keys the cache
    with Image.open(path) as img:
        img.thumbnail((THUMB_SIDE, THUMB_SIDE))
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=70)
    return out.getvalue()


def thumbnail(store: Store, sha256: str) -> bytes | None:
    """A small JPEG of a stored photo for the screen (cached); None if its file is gone."""
    path = photo_path(store, sha256)
    try:
        return _thumb(str(path), path.stat().st_mtime_ns)
    except OSError:
        return None


def _add(store: Store, data: bytes) -> str:
    sha = add_photo(store, data)
    thumbnail(store, sha)  # warm the cache off the loop too
    return sha


@ft.observable
@dataclass
class Evidence:
    """What the photo strip shows: the hashes, a busy count and the last bad file's message."""

    store: Store = field(repr=False)
    shas: list[str] = field(default_factory=list)
    busy: int = 0  # files still being re-encoded
    error_id: str = ""
    error_en: str = ""

    def __post_init__(self) -> None:
        self._save: Callable[[list[str]], None] = lambda _shas: None
        self._editable: Callable[[], bool] = lambda: True

    def bind(self, save: Callable[[list[str]], None], editable: Callable[[], bool]) -> Evidence:
        self._save, self._editable = save, editable
        return self

    @property
    def editable(self) -> bool:
        return self._editable()

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    def path(self, sha256: str) -> Path:
        return photo_path(self.store, sha256)

    # -- verbs ----------------------------------------------------------------------------
    def attach(self, data: bytes) -> str | None:
        """Blocking: re-encode, keep, cite (for tests and worker threads)."""
        if not self.editable:
            return None
        try:
            sha = _add(self.store, data)
        except DomainError as err:
            self._bad(err)
            return None
        return self._cite(sha)

    async def attach_many(self, files: list[bytes]) -> list[str]:
        """Re-encode each file in a worker thread; the UI loop only records the result."""
        added: list[str] = []
        if not self.editable:
            return added
        self.error_id = self.error_en = ""
        self.busy += len(files)
        try:
            for data in files:
                try:
                    sha = await asyncio.to_thread(_add, self.store, data)
                except DomainError as err:
                    self._bad(err)
                else:
                    if self._cite(sha):
                        added.append(sha)
                finally:
                    self.busy -= 1
        finally:
            self.busy = max(0, self.busy)
        return added

    def remove(self, sha256: str) -> bool:
        """Take one photo out of the draft (then its file, unless another record cites it)."""
        if not self.editable or sha256 not in self.shas:
            return False
        self.shas = [s for s in self.shas if s != sha256]
        self.error_id = self.error_en = ""
        self._save(list(self.shas))
        remove_photo(self.store, sha256)  # False while another record still cites it
        return True

    def _cite(self, sha: str) -> str | None:
        if not self.editable:
            return None
        if sha in self.shas:
            return sha
        if len(self.shas) >= MAX_PHOTOS:
            self.error_id = f"Paling banyak {MAX_PHOTOS} foto"
            self.error_en = f"At most {MAX_PHOTOS} photos"
            remove_photo(self.store, sha)  # kept by nothing else: forget it again
            return None
        self.shas = [*self.shas, sha]
        self._save(list(self.shas))
        return sha

    def _bad(self, err: DomainError) -> None:
        self.error_id, self.error_en = err.message_id, err.message_en
