"""A final record is corrected only as a new version with a reason (ux.md), on every form.

Once final, a form is read-only until "Koreksi". The edits of a correction wait in the store's
meta (so they survive the app being killed) and reach the record, with the reason, only when
it is made final again; then only the fields that changed are sent (a per-field merge then
touches nothing else, e.g. a supervisor's workflow fields on an incident).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from app.ui.state.services import Services
from core.tally_checks import Finding

REASON_NEEDED = Finding(
    "correction_reason",
    "error",
    ("alasan",),
    "Koreksi data final wajib disertai alasan",
    "Correcting a final record needs a reason",
)


class Correctable:
    """Mixin for an observable form dataclass with these fields; it supplies the verbs."""

    kind: ClassVar[str]
    services: Services
    record_id: str
    tps: str
    status: str
    correcting: bool
    alasan: str

    # -- what each form says about itself ---------------------------------------------------
    def record_fields(self) -> dict[str, Any]:
        """The record's fields as the form holds them now (without `status`)."""
        raise NotImplementedError

    def restore(self, fields: dict[str, Any]) -> None:
        """Put stashed fields back into the form."""
        raise NotImplementedError

    def with_reason(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The fields of the new version, carrying the reason."""
        return {**fields, "alasan": self.alasan}

    # -- questions ------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.status != "final" or self.correcting

    @property
    def stash_key(self) -> str:
        return f"koreksi:{self.record_id}"

    def reason_missing(self) -> list[Finding]:
        return [REASON_NEEDED] if self.correcting and not self.alasan.strip() else []

    # -- verbs ----------------------------------------------------------------------------
    def resume_correction(self) -> None:
        """Pick up a correction the app was closed in the middle of."""
        stash = self.services.store.meta(self.stash_key)
        if stash:
            data = json.loads(stash)
            reason = str(data.pop("alasan", "") or "")
            self.restore(data)
            self.alasan, self.correcting = reason, True

    def start_correction(self) -> None:
        if self.status == "final" and not self.correcting:
            self.correcting, self.alasan = True, ""
            self.keep_edit()

    def set_reason(self, text: str) -> None:
        self.alasan = text
        self.keep_edit()

    def keep_edit(self) -> None:
        """After every change: a draft is saved, a correction is stashed, a final is kept."""
        if self.correcting:
            data = {**self.record_fields(), "alasan": self.alasan}
            self.services.store.set_meta(self.stash_key, json.dumps(data))
        elif self.status != "final":
            fields = self.record_fields()
            self.services.store.save_draft(self.record_id, self.kind, self.tps, fields)

    def save_final(self) -> None:
        """Queue the record as final: the whole record, or a correction's changes and reason."""
        store, fields = self.services.store, self.record_fields()
        if self.correcting:
            rec = store.record(self.record_id)
            before = rec.fields if rec else {}
            new = self.with_reason(fields)
            data = {k: v for k, v in new.items() if before.get(k) != v}
        else:
            data = {k: v for k, v in fields.items() if v is not None}
        store.save(self.record_id, self.kind, self.tps, {**data, "status": "final"})
        if self.correcting:
            store.set_meta(self.stash_key, "")
        self.status, self.correcting = "final", False
