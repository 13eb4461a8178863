"""The supervisor console's endpoints under /v1/review (supervisor and admin only, 403 otherwise).

A verification is not posted here: it is a `verification` record pushed through /v1/sync/push.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from core.election import Election
from sync_server.auth import CurrentDevice, Principal
from sync_server.errors import ApiError
from sync_server.review import evidence, exports, planning, reads, resolution
from sync_server.review.incidents import incident_rows
from sync_server.review.reconcile import catch_up, load_election
from sync_server.runtime import RuntimeDep, StoreDep
from sync_server.sync import checkpoints
from sync_server.sync.scope import in_scope

router = APIRouter(prefix="/v1/review", tags=["review"])
Lang = Annotated[Literal["id", "en"], Query()]
Table = Literal["tallies", "reconciliation", "incidents"]
QueueStatus = Literal["conflict", "one_source", "agree", "verified", "incident"]
QueueSort = Literal["severity", "tps", "ballot", "status", "sources"]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def reviewer(who: CurrentDevice, store: StoreDep, runtime: RuntimeDep) -> Principal:
    """A supervisor or admin; reconciliation is caught up with every push before they read."""
    reads.require_reviewer(who)
    catch_up(store, load_election(runtime.settings.election_file))
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
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content=data, media_type=media, headers=headers)


@router.get("/legend", dependencies=[Depends(reviewer)])
def legend() -> dict[str, Any]:
    return reads.legend()


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
) -> dict[str, Any]:
    """One page of the queue (all of it without `limit`); `total` says how many match."""
    now = runtime.settings.now_ms()
    return reads.queue(store, who, now, kecamatan=kecamatan, ballot=ballot, flag=flag,
                        status=status, sort=sort, descending=desc, offset=offset,
                        limit=limit)  # fmt: skip


@router.get("/tps/{tps}/{ballot}")
def comparison(who: Reviewer, store: StoreDep, tps: str, ballot: str) -> dict[str, Any]:
    return reads.comparison(store, who, tps, ballot)


@router.get("/history/{record_id}")
def record_history(who: Reviewer, store: StoreDep, record_id: str) -> dict[str, Any]:
    """Who changed the record, when, from which device; conflicts resolved on it and why."""
    return reads.record_history(store, who, record_id)


@router.get("/totals")
def totals(
    who: Reviewer,
    store: StoreDep,
    runtime: RuntimeDep,
    level: Literal["desa", "kecamatan", "kabupaten"] = "kecamatan",
    ballot: str | None = None,
) -> dict[str, Any]:
    election = load_election(runtime.settings.election_file)
    return reads.totals(store, who, level, election, ballot)


@router.get("/progress")
def progress(who: Reviewer, store: StoreDep, ballot: str | None = None) -> dict[str, Any]:
    return reads.progress(store, who, ballot)


@router.get("/incidents")
def incidents(who: Reviewer, store: StoreDep, runtime: RuntimeDep) -> list[dict[str, Any]]:
    return incident_rows(store, who, runtime.settings.now_ms())


@router.get("/conflicts")
def conflicts(who: Reviewer, store: StoreDep, include_resolved: bool = False) -> list[Any]:
    return resolution.list_open(store, who, include_resolved)


@router.post("/conflicts/{conflict_id}/resolve")
def resolve(
    who: Reviewer, store: StoreDep, runtime: RuntimeDep, conflict_id: int, body: resolution.Resolve
) -> dict[str, Any]:
    return resolution.resolve(store, runtime, who, conflict_id, body)


@router.get("/deployment")
def deployment(
    who: Reviewer,
    store: StoreDep,
    election: ElectionDep,
    polisi: Annotated[int | None, Query(ge=0)] = None,
    linmas: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    return planning.plan(store, who, election, polisi, linmas)


@router.get("/export/geojson")
def export_geojson(
    who: Reviewer, store: StoreDep, election: ElectionDep, ballot: str = "ppwp"
) -> Response:
    import json

    data = json.dumps(exports.geojson(store, who, election, ballot), ensure_ascii=False).encode()
    return _download(data, "application/geo+json", f"tps-{ballot}.geojson")


@router.get("/export/{table}")
def export_table(
    who: Reviewer,
    store: StoreDep,
    runtime: RuntimeDep,
    table: Table,
    format: Literal["csv", "xlsx"] = "csv",
    lang: Lang = "id",
) -> Response:
    if table == "tallies":
        data = exports.tally_table(store, who, lang)
    elif table == "reconciliation":
        data = exports.reconciliation_table(store, who, lang)
    else:
        data = exports.incident_table(store, who, runtime.settings.now_ms(), lang)
    body = exports.to_csv(data) if format == "csv" else exports.to_xlsx(data, table)
    return _download(body, MEDIA[format], f"{table}.{format}")


@router.get("/evidence/tps/{tps}")
def evidence_tps(who: Reviewer, store: StoreDep, runtime: RuntimeDep, tps: str) -> Response:
    reads.require_tps(store, who, tps)
    checkpoint = checkpoints.make(store, runtime.server_key, runtime.clock.wall())
    data = evidence.for_tps(store, tps, runtime.settings.blob_dir, checkpoint)
    return _download(data, "application/zip", f"bukti-tps-{tps}.zip")


@router.get("/evidence/incident/{record_id}")
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
