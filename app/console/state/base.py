"""The base of every console screen's state: loading flag, progress words, error words."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import flet as ft

from app.console.backend import Backend, error_text
from app.console.strings import t
from app.sync import Offline, SyncError

log = logging.getLogger(__name__)

T = TypeVar("T")


@ft.observable
@dataclass
class Loadable:
    backend: Backend = field(repr=False)
    loading: bool = False
    progress_id: str = ""  # words with numbers while long work runs
    progress_en: str = ""
    error_id: str = ""
    error_en: str = ""
    notice_id: str = ""
    notice_en: str = ""

    def error(self, lang: str) -> str:
        return self.error_en if lang == "en" else self.error_id

    def notice(self, lang: str) -> str:
        return self.notice_en if lang == "en" else self.notice_id

    def progress(self, lang: str) -> str:
        return self.progress_en if lang == "en" else self.progress_id

    def show_progress(self, key: str, **kw: Any) -> None:
        self.progress_id, self.progress_en = t("id", key, **kw), t("en", key, **kw)

    def say(self, words: tuple[str, str]) -> None:
        self.notice_id, self.notice_en = words

    def fail(self, words: tuple[str, str]) -> None:
        self.error_id, self.error_en = words
        self.notice_id, self.notice_en = "", ""

    async def call(self, fn: Callable[..., T], *args: Any) -> T | None:
        """Run blocking work off the event loop; on failure keep words, return None."""
        self.loading, self.error_id, self.error_en = True, "", ""
        self.notice_id, self.notice_en = "", ""
        try:
            return await asyncio.to_thread(fn, *args)
        except (Offline, SyncError) as exc:  # planned for: the words say what to do
            self.error_id, self.error_en = error_text(exc)
            return None
        except Exception as exc:  # a bug or the disk: logged, and still words for the person
            log.exception("console: %s failed", getattr(fn, "__name__", fn))
            self.error_id, self.error_en = error_text(exc)
            return None
        finally:
            self.loading, self.progress_id, self.progress_en = False, "", ""
