"""The supervisor console's endpoints under /v1/review (supervisor and admin only, 403 otherwise).

A verification is not posted here: it is a `verification` record pushed through /v1/sync/push.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from core import review as wire
from core.election import Election
from core.errors import DomainError
from core.protocol import SQL_INT_MAX, RecapImport
from sync_server.auth import CurrentDevice, Principal
from sync_server.errors import ApiError
from sync_server.openapi import download
from sync_server.review import evidence, exports, planning, reads, recap, resolution
from sync_server.review.incidents import incident_rows
from sync_server.review.reconcile import load_election
from sync_server.runtime import RuntimeDep, StoreDep
from sync_server.sync import checkpoints
from sync_server.sync.scope import in_scope

router = APIRouter(prefix="/v1/review", tags=["review"])
Lang = Annotated[Literal["id", "en"], Query()]
Table = Literal["tallies", "reconciliation", "incidents", "recap"]
QueueStatus = Literal["conflict", "one_source", "partial", "agree", "verified", "incident"]
QueueSort = Literal["severity", "tps", "ballot", "status", "sources"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def reviewer(who: CurrentDevice, store: StoreDep, runtime: RuntimeDep) -> Principal:
    """A supervisor or admin; reconciliation is caught up with every push before they read."""
    reads.require_reviewer(who)
    runtime.recon_worker.catch_up(store, reading=True)
    return who


Reviewer = Annotated[Principal, Depends(reviewer)]


def election_of(runtime: RuntimeDep) -> Election:
    election = load_election(runtime.settings.election_file)
    if election is None:
        raise ApiError(503, "no_election", "Berkas pemilu tidak ditemukan di server; hubungi admin",
                       "The server has no election file")  # fmt: skip
    return election


ElectionDep = Annotated[Election, Depends(election_of)]


def _download(data: bytes, media: str, filename: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)  # a header is ASCII, never a quote
    headers = {"Content-Disposition": f'attachment; filename="{safe}"'}
    return Response(content=data, media_type=media, headers=headers)


@router.get("/legend", dependencies=[Depends(reviewer)])
def legend() -> wire.Legend:
    return wire.Legend.model_validate(reads.legend())


@router.get("/queue")
def queue(
    who: Reviewer,
    store: StoreDep,
    runtime: RuntimeDep,
    kecamatan: str | None = None,
    ballot: str | None = None,
    flag: str | None = None,
    status: QueueStatus | None = None,
    sort: QueueSort = "severity",
    desc: bool = False,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> wire.QueuePage:
    """One page of the queue (all of it without `limit`); `total` says how many match."""
    now = runtime.settings.now_ms()
    page = reads.queue(store, who, now, kecamatan=kecamatan, ballot=ballot, flag=flag,
                       status=status, sort=sort, descending=desc, offset=offset,
                       limit=limit)  # fmt: skip
    return wire.QueuePage.model_validate(page)


@router.get("/tps/{tps}/{ballot}")
def comparison(who: Reviewer, store: StoreDep, tps: str, ballot: str) -> wire.TpsComparison:
    return wire.TpsComparison.model_validate(reads.comparison(store, who, tps, ballot))


@router.get("/history/{record_id}")
def record_history(who: Reviewer, store: StoreDep, record_id: str) -> wire.RecordHistory:
    """Who changed the record, when, from which device; conflicts resolved on it and why."""
    return wire.RecordHistory.model_validate(reads.record_history(store, who, record_id))


@router.get("/totals")
def totals(
    who: Reviewer,
    store: StoreDep,
    runtime: RuntimeDep,
    level: Literal["desa", "kecamatan", "kabupaten"] = "kecamatan",
    ballot: str | None = None,
) -> wire.Totals:
    election = load_election(runtime.settings.election_file)
    return wire.Totals.model_validate(reads.totals(store, who, level, election, ballot))


@router.get("/recap")
def recap_compare(who: Reviewer, store: StoreDep, ballot: str | None = None) -> wire.Recap:
    """Recap figures (D.Hasil) beside the sum of their counted TPS: selisih, open TPS, flags."""
    return wire.Recap.model_validate(recap.compare(store, who, ballot))


@router.post("/recap")
def recap_import(
    who: Reviewer, store: StoreDep, runtime: RuntimeDep, body: RecapImport
) -> wire.RecapImported:
    """Import D.Hasil figures from a CSV (all rows or none), in the caller's region only."""
    election = load_election(runtime.settings.election_file)
    try:
        n = recap.import_text(store, body.csv, body.name, runtime.settings.now_ms(), election,
                              scope=who.user)  # fmt: skip
    except DomainError as exc:
        raise ApiError.from_domain(422, exc) from None
    return wire.RecapImported(rows=n)


@router.get("/progress")
def progress(who: Reviewer, store: StoreDep, ballot: str | None = None) -> wire.Progress:
    return wire.Progress.model_validate(reads.progress(store, who, ballot))


@router.get("/incidents")
def incidents(who: Reviewer, store: StoreDep, runtime: RuntimeDep) -> list[wire.IncidentRow]:
    rows = incident_rows(store, who, runtime.settings.now_ms())
    return [wire.IncidentRow.model_validate(r) for r in rows]


@router.get("/conflicts")
def conflicts(
    who: Reviewer, store: StoreDep, include_resolved: bool = False
) -> list[wire.ConflictRow]:
    rows = resolution.list_open(store, who, include_resolved)
    return [wire.ConflictRow.model_validate(r) for r in rows]


@router.post("/conflicts/{conflict_id}/resolve")
def resolve(
    who: Reviewer,
    store: StoreDep,
    runtime: RuntimeDep,
    conflict_id: Annotated[int, Path(ge=1, le=SQL_INT_MAX)],
    body: wire.ResolveRequest,
) -> wire.ConflictRow:
    done = resolution.resolve(store, runtime.clock, who, conflict_id, body)
    return wire.ConflictRow.model_validate(done)


@router.get("/deployment")
def deployment(
    who: Reviewer,
    store: StoreDep,
    election: ElectionDep,
    polisi: Annotated[int | None, Query(ge=0)] = None,
    linmas: Annotated[int | None, Query(ge=0)] = None,
) -> wire.DeploymentPlan:
    return wire.DeploymentPlan.model_validate(planning.plan(store, who, election, polisi, linmas))


@router.get(
    "/export/geojson", response_model=wire.TpsCollection, responses=download("application/geo+json")
)
def export_geojson(
    who: Reviewer, store: StoreDep, election: ElectionDep, ballot: str = "ppwp"
) -> Response:
    import json

    data = json.dumps(exports.geojson(store, who, election, ballot), ensure_ascii=False).encode()
    return _download(data, "application/geo+json", f"tps-{ballot}.geojson")


@router.get("/export/{table}", responses=download(*MEDIA.values()))
def export_table(
    who: Reviewer,
    store: StoreDep,
    runtime: RuntimeDep,
    table: Table,
    format: Literal["csv", "xlsx"] = "csv",
    lang: Lang = "id",
) -> Response:
    election = load_election(runtime.settings.election_file)
    if table == "tallies":
        data = exports.tally_table(store, who, lang, election)
    elif table == "reconciliation":
        data = exports.reconciliation_table(store, who, lang, election)
    elif table == "recap":
        data = exports.recap_table(store, who, lang)
    else:
        data = exports.incident_table(store, who, runtime.settings.now_ms(), lang)
    sheet = exports.sheet_name(table, lang)
    body = exports.to_csv(data) if format == "csv" else exports.to_xlsx(data, sheet)
    return _download(body, MEDIA[format], f"{table}.{format}")


@router.get("/evidence/tps/{tps}", responses=download("application/zip"))
def evidence_tps(who: Reviewer, store: StoreDep, runtime: RuntimeDep, tps: str) -> Response:
    reads.require_tps(store, who, tps)
    checkpoint = checkpoints.make(store, runtime.server_key, runtime.clock.wall())
    data = evidence.for_tps(store, tps, runtime.settings.blob_dir, checkpoint)
    return _download(data, "application/zip", f"bukti-tps-{tps}.zip")


@router.get("/evidence/incident/{record_id}", responses=download("application/zip"))
def evidence_incident(
    who: Reviewer, store: StoreDep, runtime: RuntimeDep, record_id: str
) -> Response:
    record = store.get_record(record_id)
    if record is None or record.kind != "incident" or not in_scope(who.user, record.tps):
        raise ApiError(404, "unknown_incident", f"Kejadian {record_id} tidak ada di wilayah Anda",
                       f"No incident {record_id} in your area")  # fmt: skip
    checkpoint = checkpoints.make(store, runtime.server_key, runtime.clock.wall())
    data = evidence.for_incident(store, record, runtime.settings.blob_dir, checkpoint)
    return _download(data, "application/zip", f"bukti-kejadian-{record_id}.zip")
