"""ReviewClient: the supervisor console's reads and downloads under /v1/review and /v1/blobs.

Same seam and errors as `app.sync.client` (one injectable `transport`; transport failures and
retryable statuses become `Offline` after retries; a refusal becomes `AuthError` on 401/403,
else `SyncError`, with the server's words in both languages). A verification or an incident
change is not sent from here: it is a record saved in the device store and synced as usual.
Every read is parsed into its wire model (`core.review`), shared with the server's routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from app.store import Store
from app.sync.api import Api, SyncError
from app.sync.tls import verify_for
from core import review as wire

CHUNK = 64 * 1024
M = TypeVar("M")
ProgressFn = Callable[[int, int | None], None]  # bytes done, bytes total (None if unknown)


@dataclass(frozen=True)
class Download:
    """A file the server sent: its bytes and the name it suggested."""

    filename: str
    data: bytes
    media_type: str = ""


def _filename(response: httpx.Response, fallback: str) -> str:
    disposition = response.headers.get("content-disposition", "")
    if 'filename="' in disposition:
        name = disposition.split('filename="', 1)[1].split('"', 1)[0]
        return name.replace("/", "_").replace("\\", "_") or fallback
    return fallback


@dataclass
class ReviewClient(Api):
    """The console's reads and downloads, over the same seam as every other request."""

    attempts: int = 2
    timeout_s: float = 30.0

    @classmethod
    def for_store(cls, store: Store, transport: httpx.BaseTransport | None = None) -> ReviewClient:
        """A client for the device's enrolled identity (the supervisor's laptop)."""
        ident = store.identity()
        if ident is None:
            raise SyncError(
                "Perangkat ini belum terdaftar. Daftarkan dengan kode dari admin.",
                "This device is not enrolled. Enrol it with a code from the admin.",
                "not_enrolled",
            )
        verify = verify_for(ident.server_cert)
        return cls(ident.server_url, ident.token, transport=transport, verify=verify)

    # -- reads ----------------------------------------------------------------------------
    def legend(self) -> wire.Legend:
        return _parse(wire.Legend, self.call("GET", "/v1/review/legend"))

    def queue(
        self,
        kecamatan: str | None = None,
        ballot: str | None = None,
        flag: str | None = None,
        *,
        status: str | None = None,
        sort: str | None = None,
        desc: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> wire.QueuePage:
        """One page of the queue (`limit` items from `offset`); `total` says how many match."""
        params = {"kecamatan": kecamatan, "ballot": ballot, "flag": flag, "status": status,
                  "sort": sort, "desc": "true" if desc else None, "offset": offset or None,
                  "limit": limit}  # fmt: skip
        got = self.call("GET", "/v1/review/queue", params=_clean(params))
        return _parse(wire.QueuePage, got)

    def comparison(self, tps: str, ballot: str) -> wire.TpsComparison:
        return _parse(wire.TpsComparison, self.call("GET", f"/v1/review/tps/{tps}/{ballot}"))

    def history(self, record_id: str) -> list[wire.HistoryEntry]:
        """A record's change-log entries (changes, and conflicts resolved on it), oldest first."""
        got = self.call("GET", f"/v1/review/history/{record_id}")
        return _parse(wire.RecordHistory, got).entries

    def totals(self, level: str = "kecamatan", ballot: str | None = None) -> wire.Totals:
        params = _clean({"level": level, "ballot": ballot})
        return _parse(wire.Totals, self.call("GET", "/v1/review/totals", params=params))

    def progress(self, ballot: str | None = None) -> wire.Progress:
        """TPS-ballots reported (first final tally), cumulative per hour of the day."""
        got = self.call("GET", "/v1/review/progress", params=_clean({"ballot": ballot}))
        return _parse(wire.Progress, got)

    def incidents(self) -> list[wire.IncidentRow]:
        return _parse(list[wire.IncidentRow], self.call("GET", "/v1/review/incidents"))

    def conflicts(self, include_resolved: bool = False) -> list[wire.ConflictRow]:
        params = {"include_resolved": str(include_resolved).lower()}
        got = self.call("GET", "/v1/review/conflicts", params=params)
        return _parse(list[wire.ConflictRow], got)

    def resolve(
        self, conflict_id: int, choice: str, value: Any = None, alasan: str = ""
    ) -> wire.ConflictRow:
        body = {"choice": choice, "value": value, "alasan": alasan}
        got = self.call("POST", f"/v1/review/conflicts/{conflict_id}/resolve", json=body)
        return _parse(wire.ConflictRow, got)

    def deployment(
        self, polisi: int | None = None, linmas: int | None = None
    ) -> wire.DeploymentPlan:
        params = _clean({"polisi": polisi, "linmas": linmas})
        got = self.call("GET", "/v1/review/deployment", params=params)
        return _parse(wire.DeploymentPlan, got)

    def geojson(self, ballot: str = "ppwp") -> wire.TpsCollection:
        got = self.call("GET", "/v1/review/export/geojson", params={"ballot": ballot})
        return _parse(wire.TpsCollection, got)

    # -- downloads ------------------------------------------------------------------------
    def export(
        self, table: str, fmt: str = "csv", lang: str = "id", progress: ProgressFn | None = None
    ) -> Download:
        params = {"format": fmt, "lang": lang}
        return self.download(f"/v1/review/export/{table}", f"{table}.{fmt}", params, progress)

    def export_geojson(self, ballot: str = "ppwp", progress: ProgressFn | None = None) -> Download:
        path = "/v1/review/export/geojson"
        return self.download(path, f"tps-{ballot}.geojson", {"ballot": ballot}, progress)

    def evidence_tps(self, tps: str, progress: ProgressFn | None = None) -> Download:
        path = f"/v1/review/evidence/tps/{tps}"
        return self.download(path, f"bukti-tps-{tps}.zip", None, progress)

    def evidence_incident(self, record_id: str, progress: ProgressFn | None = None) -> Download:
        path = f"/v1/review/evidence/incident/{record_id}"
        return self.download(path, f"bukti-kejadian-{record_id}.zip", None, progress)

    def blob(self, sha256: str) -> bytes:
        """A photo's bytes (for the zoom dialog)."""
        return self.download(f"/v1/blobs/{sha256}/content", f"{sha256}.jpg", None, None).data

    def download(
        self,
        path: str,
        fallback: str,
        params: dict[str, Any] | None,
        progress: ProgressFn | None,
    ) -> Download:
        """Stream a file, reporting bytes as they come; retried like every request."""

        def read(response: httpx.Response) -> Download:
            size = response.headers.get("content-length")
            total = int(size) if size and size.isdigit() else None
            chunks, done = [], 0
            for chunk in response.iter_bytes(CHUNK):
                chunks.append(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
            media = response.headers.get("content-type", "")
            return Download(_filename(response, fallback), b"".join(chunks), media)

        return self.request("GET", path, read, params=params)  # type: ignore[no-any-return]


def _parse(model: type[M], body: Any) -> M:
    """The body as its wire model; a body of another shape is the server's fault, in words."""
    try:
        return TypeAdapter(model).validate_python(body)
    except ValidationError as exc:
        raise SyncError(
            "Jawaban server tidak sesuai versi aplikasi ini; perbarui aplikasi atau hubungi admin.",
            "The server's answer does not match this app's version; update the app or tell "
            "the admin.",
            "bad_response",
        ) from exc


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "")}
