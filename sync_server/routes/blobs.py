"""Photo uploads: POST /v1/blobs, HEAD|GET|PATCH /v1/blobs/{sha256}, GET .../content."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import FileResponse
from starlette.requests import ClientDisconnect

from core.protocol import BlobCreate, BlobStatus
from sync_server.auth import CurrentDevice
from sync_server.blobs import access, uploads
from sync_server.openapi import download
from sync_server.runtime import RuntimeDep, StoreDep

router = APIRouter()
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


def _offset_headers(status: BlobStatus) -> dict[str, str]:
    return {"Upload-Offset": str(status.offset), "Upload-Length": str(status.size)}


@router.post("/v1/blobs")
def create(
    who: CurrentDevice, body: BlobCreate, store: StoreDep, runtime: RuntimeDep, response: Response
) -> BlobStatus:
    status = uploads.create(store, runtime.settings, who, body)
    response.status_code = 200 if status.complete or status.offset else 201
    response.headers.update(_offset_headers(status))
    return status


@router.get("/v1/blobs/{sha256}")
def status(
    who: CurrentDevice, sha256: Sha, store: StoreDep, runtime: RuntimeDep, response: Response
) -> BlobStatus:
    found = uploads.status(store, runtime.settings, who, sha256)
    response.headers.update(_offset_headers(found))
    return found


@router.head("/v1/blobs/{sha256}")
def offset(who: CurrentDevice, sha256: Sha, store: StoreDep, runtime: RuntimeDep) -> Response:
    found = uploads.status(store, runtime.settings, who, sha256)
    return Response(headers=_offset_headers(found))


async def _body(request: Request) -> AsyncIterator[bytes]:
    """The chunk as it arrives; a dropped sender just ends it (what came is kept)."""
    try:
        async for piece in request.stream():
            yield piece
    except ClientDisconnect:
        return


@router.patch("/v1/blobs/{sha256}")
async def patch(
    who: CurrentDevice,  # only the device that opened the upload
    sha256: Sha,
    request: Request,
    store: StoreDep,
    runtime: RuntimeDep,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
    content_length: Annotated[int | None, Header(alias="Content-Length", ge=0)] = None,
) -> Response:
    found = await uploads.append(
        store, runtime.settings, who, sha256, upload_offset, content_length, _body(request)
    )
    return Response(
        found.model_dump_json(), media_type="application/json", headers=_offset_headers(found)
    )


@router.get("/v1/blobs/{sha256}/content", responses=download("image/jpeg", "image/png"))
def content(who: CurrentDevice, sha256: Sha, store: StoreDep, runtime: RuntimeDep) -> FileResponse:
    path, media_type = access.content(store, runtime.settings, who, sha256)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private"})
