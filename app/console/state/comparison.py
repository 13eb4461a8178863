"""One TPS-ballot: sources side by side, the supervisor's decision, photos and history.

A verification is a `verification` record saved in the device store and pushed by the normal
sync; it decides the fields in conflict or disputed since an earlier verification and any field
the supervisor overrides (or, when none is open or changed, confirms every value), cites the
source records and their photos, and carries the required reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from app.console.state.base import Loadable
from app.console.strings import t
from app.sync import SyncError
from core.review import FieldComparison, SourceFinding, SourceTally, TpsComparison

MAX_VALUE = 999


def majority(values: dict[str, int]) -> int | None:
    """The value most sources gave (ties: the smaller, so nobody guesses upwards)."""
    if not values:
        return None
    counts = Counter(values.values())
    return min(counts, key=lambda v: (-counts[v], v))


log = logging.getLogger(__name__)


@dataclass
class ComparisonModel(Loadable):
    tps: str = ""
    ballot: str = "ppwp"
    doc: TpsComparison | None = None  # as the server last sent it
    typed: dict[str, str] = field(default_factory=dict)  # the decision column, as typed
    override_all: bool = False
    reason: str = ""
    photo_sha: str = ""
    photo: bytes = b""
    other_sha: str = ""  # a photo of another TPS shown beside it (photo_reused)
    other: bytes = b""
    thumbs: dict[str, bytes] = field(default_factory=dict)  # first photo of each source
    sent: int = 0  # verifications sent from this screen
    asking: bool = False  # the confirmation (summary of the decision) is open

    def ask(self) -> None:
        """Verify was asked for (button or Ctrl+Enter): confirm, or say what is missing."""
        if self.problem("id"):
            self.fail((self.problem("id"), self.problem("en")))
            return
        self.fail(("", ""))
        self.asking = True

    def cancel_ask(self) -> None:
        self.asking = False

    async def open(self, tps: str, ballot: str) -> None:
        """Show a TPS-ballot as the server has it now (sources may have changed since)."""
        if (tps, ballot) != (self.tps, self.ballot):
            self.tps, self.ballot, self.reason, self.override_all = tps, ballot, "", False
        await self.load()

    async def load(self) -> None:
        if not self.tps:
            return
        got = await self.call(self.backend.client.comparison, self.tps, self.ballot)
        if got is not None:
            self.doc = got
            self.typed = self.defaults(got)
            await self.load_thumbs()

    async def load_thumbs(self) -> None:
        """Each source's C.Hasil photo beside its column (the first page; all one click away).
        A photo not on the server yet is just absent here: its source column says so."""
        sources = self.doc.sources if self.doc else []
        wanted = [s.photos[0] for s in sources if s.photos]
        got = dict(self.thumbs)
        for sha in wanted:
            if sha in got:
                continue
            try:
                got[sha] = await asyncio.to_thread(self.backend.client.blob, sha)
            except SyncError as exc:  # not uploaded yet, or offline: the icon still tries
                log.info("photo %s not shown: %s", sha[:12], exc)
        self.thumbs = {sha: got[sha] for sha in wanted if sha in got}

    @staticmethod
    def defaults(doc: TpsComparison) -> dict[str, str]:
        out = {}
        for f in doc.fields:
            value = f.value if f.value is not None else majority(f.values)
            out[f.field] = "" if value is None else str(value)
        return out

    @property
    def fields(self) -> list[FieldComparison]:
        return self.doc.fields if self.doc else []

    # -- the decision ---------------------------------------------------------------------
    @staticmethod
    def needs_decision(f: FieldComparison) -> bool:
        """Sources disagree and nobody decided, or a source the verification did not see
        contradicts it."""
        return f.needs_decision

    def editable(self, f: FieldComparison) -> bool:
        return self.override_all or f.needs_decision

    def type_value(self, name: str, text: str) -> None:
        self.typed = {**self.typed, name: text.strip()}

    def set_reason(self, text: str) -> None:
        self.reason = text

    def decision(self) -> tuple[dict[str, int], list[str]]:
        """(nilai, labels of bad numbers) from what is typed."""
        nilai: dict[str, int] = {}
        bad: list[str] = []
        every: dict[str, int] = {}
        for f in self.fields:
            name, text = f.field, self.typed.get(f.field, "")
            if not text.isdigit() or int(text) > MAX_VALUE:
                if self.editable(f):
                    bad.append(f.label or name)
                continue
            value = int(text)
            every[name] = value
            changed = f.value is not None and value != f.value
            if f.needs_decision or changed:
                nilai[name] = value
        return (nilai or every), bad

    def problem(self, lang: str) -> str:
        """Why the decision cannot be sent yet, or ""."""
        _, bad = self.decision()
        if bad:
            return t(lang, "bad_number", fields=", ".join(bad))
        if not self.reason.strip():
            return t(lang, "reason_required")
        return ""

    def record_fields(self) -> dict[str, Any]:
        nilai, _ = self.decision()
        # Every source seen, the official figure too: one the decision does not cite, or that
        # changes after it, sends the TPS-ballot back when it disagrees.
        sources = [s.record_id for s in self.doc.sources] if self.doc else []
        return {
            "tps": self.tps,
            "ballot": self.ballot,
            "nilai": nilai,
            "sumber": sources,
            "photos": list(self.doc.photos) if self.doc else [],
            "alasan": self.reason.strip(),
        }

    def _save_and_send(self, fields: dict[str, Any]) -> str:
        store = self.backend.store
        record_id = store.new_id()
        store.save(record_id, "verification", self.tps, fields)
        self.backend.sync(store)
        return record_id

    async def verify(self) -> bool:
        """Save the verification, push it, then show the new state; False if it did not go."""
        if self.problem("id"):
            self.fail((self.problem("id"), self.problem("en")))
            return False
        self.show_progress("verify_sending")
        sent = await self.call(self._save_and_send, self.record_fields())
        if sent is None:
            return False
        self.sent += 1
        self.reason, self.override_all = "", False
        await self.load()
        self.say((t("id", "verify_done"), t("en", "verify_done")))
        return True

    # -- photos ---------------------------------------------------------------------------
    async def show_photo(self, sha: str) -> None:
        self.photo_sha, self.photo, self.other_sha, self.other = sha, b"", "", b""
        got = await self.call(self.backend.client.blob, sha)
        if got is not None and self.photo_sha == sha:
            self.photo = got

    def photo_source(self, lang: str) -> str:
        """Whose photo is open: the source that sent it ("" when none of this TPS's)."""
        sources = self.doc.sources if self.doc else []
        return next((s.name(lang) for s in sources if self.photo_sha in s.photos), "")

    async def compare_photos(self, mine: str, theirs: str) -> None:
        """This TPS's photo beside the other TPS's one a photo_reused flag names."""
        await self.show_photo(mine)
        self.other_sha = theirs
        got = await self.call(self.backend.client.blob, theirs)
        if got is not None and self.other_sha == theirs:
            self.other = got

    def close_photo(self) -> None:
        self.photo_sha, self.photo, self.other_sha, self.other = "", b"", "", b""

    def findings(self) -> list[tuple[SourceTally, SourceFinding]]:
        """(source, finding) of every source's form checks, worst first."""
        sources = self.doc.sources if self.doc else []
        out = [(s, f) for s in sources for f in s.findings]
        return sorted(out, key=lambda x: -x[1].severity)
