"""POST /v1/sync/push, GET /v1/sync/pull, GET /v1/conflicts."""

from __future__ import annotations

import json
import zlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from core.protocol import (
    MAX_PULL_LIMIT,
    PACKED_STAMPS_SINCE,
    PROTOCOL_HEADER,
    PULL_FIELDS_V1,
    SQL_INT_MAX,
    ConflictOut,
    EpochState,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync_server.auth import CurrentDevice
from sync_server.errors import ApiError
from sync_server.openapi import PUSH_BODY
from sync_server.review.reconcile import load_election
from sync_server.runtime import RuntimeDep, StoreDep
from sync_server.sync import encoding, epochs, exchange, pull_wire

router = APIRouter()


def _too_large(what_id: str, what_en: str) -> ApiError:
    return ApiError(
        413,
        "batch_too_large",
        f"Kiriman terlalu besar ({what_id}); kirim dalam beberapa bagian yang lebih kecil",
        f"Batch too large ({what_en}); send it in smaller parts",
    )


def _gunzip(raw: bytes, limit: int) -> bytes:
    """Phones gzip their pushes (2G); never inflate past the body limit (a zip bomb)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise ApiError(
            400,
            "malformed_gzip",
            "Isi kiriman rusak (gzip tidak sah); coba kirim lagi",
            "The request body is not valid gzip; send it again",
        ) from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise _too_large(f"lebih dari {limit} byte", f"over {limit} bytes")
    return out


async def push_body(request: Request, runtime: RuntimeDep) -> PushRequest:
    """Read and check the body before any database work: size, JSON, op count, then shape."""
    limit = runtime.settings.max_body_bytes
    raw = await request.body()
    if request.headers.get("content-encoding", "").lower() == "gzip":
        raw = _gunzip(raw, limit)
    if len(raw) > limit:
        raise _too_large(f"lebih dari {limit} byte", f"over {limit} bytes")
    max_ops = runtime.settings.max_ops_per_push
    try:  # the usual case in one pass; a bad body is parsed again below to say what is wrong
        body = PushRequest.model_validate_json(raw)
    except ValidationError:
        return _explain(raw, max_ops)
    if len(body.ops) > max_ops:
        raise _too_large(f"{len(body.ops)} perubahan, maksimal {max_ops}",
                         f"{len(body.ops)} ops > {max_ops}")  # fmt: skip
    return body


def _explain(raw: bytes, max_ops: int) -> PushRequest:
    """A body that failed validation: the first thing wrong with it, as a clear error."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # too deep is not ours either
        raise ApiError(
            400,
            "malformed_json",
            "Isi kiriman bukan JSON yang sah; perbarui aplikasi lalu coba lagi",
            "The request body is not valid JSON",
        ) from None
    ops = data.get("ops") if isinstance(data, dict) else None
    if isinstance(ops, list) and len(ops) > max_ops:
        raise _too_large(f"{len(ops)} perubahan, maksimal {max_ops}", f"{len(ops)} ops > {max_ops}")
    try:
        return PushRequest.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None


@router.post("/v1/sync/push", response_model=PushResponse, openapi_extra=PUSH_BODY)
def push(
    who: CurrentDevice,  # first: a bad token is a 401 whatever the body holds
    body: Annotated[PushRequest, Depends(push_body)],
    store: StoreDep,
    runtime: RuntimeDep,
) -> Response:
    with runtime.recon_worker.pushing():  # reconciliation yields, then reads the log after
        response = exchange.push(
            store,
            runtime.clock,
            who,
            body,
            hold_ms=runtime.settings.test_push_delay_ms,
            election=load_election(runtime.settings.election_file),
        )
    # Serialised once here; returning the model would have FastAPI validate it again.
    return Response(response.model_dump_json(), media_type="application/json")


@router.get("/v1/sync/epoch")
def epoch_state(
    who: CurrentDevice, store: StoreDep, epoch: Annotated[int, Query(ge=0)] = 0
) -> EpochState:
    return epochs.epoch_state(store, who, epoch)


@router.post("/v1/sync/epoch")
def new_epoch(who: CurrentDevice, store: StoreDep) -> EpochState:
    return epochs.new_epoch(store, who)


@router.get("/v1/sync/pull", response_model=PullResponse)
def pull(
    who: CurrentDevice,
    store: StoreDep,
    runtime: RuntimeDep,
    since: Annotated[int, Query(ge=0, le=SQL_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
    protocol: Annotated[int, Header(alias=PROTOCOL_HEADER, ge=0)] = 1,
    accept_encoding: Annotated[str, Header()] = "",
    proofs: bool = False,
) -> Response:
    """A page in the shape the client announced (no header: protocol 1, per-field stamps and
    only the keys protocol 1 had),
    compressed as sync_server/sync/encoding.py chose; with `proofs=true`, the signed ops and
    batches behind its records. Packed pages are written from the stored text (pull_wire)."""
    if protocol >= PACKED_STAMPS_SINCE and not proofs:
        body = pull_wire.page(store, runtime.clock, who, since, limit, protocol)
        return encoding.json_response(body, accept_encoding)
    page = exchange.pull(store, runtime.clock, who, since, limit, protocol, proofs)
    shape = set(PULL_FIELDS_V1) if protocol < PACKED_STAMPS_SINCE and not proofs else None
    return encoding.json_response(page.model_dump_json(include=shape).encode(), accept_encoding)


@router.get("/v1/conflicts")
def conflicts(
    who: CurrentDevice, store: StoreDep, include_resolved: bool = False
) -> list[ConflictOut]:
    return exchange.conflicts(store, who, include_resolved)
