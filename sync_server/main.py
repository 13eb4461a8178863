"""The app factory: `create_app(settings)`; every error body is a core.protocol.ErrorBody."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import DomainError
from core.protocol import ErrorBody
from sync_server.errors import ApiError
from sync_server.limits import BodyLimit, route_limits
from sync_server.openapi import ERROR_RESPONSES, describe
from sync_server.review.reconcile import load_election
from sync_server.routes import blobs, enrol, health, review, sync
from sync_server.runtime import Runtime
from sync_server.settings import Settings
from sync_server.store.base import Store, StoreBusy
from sync_server.store.opener import StoreOpener
from sync_server.sync.encoding import GZIP_LEVEL, MIN_BYTES

RETRY_AFTER_S = 2  # a busy database: how long a client waits before it tries again

log = logging.getLogger(__name__)


def _error(
    status: int, code: str, message: str, message_en: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(code=code, message=message, message_en=message_en)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.code, exc.message, exc.message_en)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    # A domain rule a route did not map itself (e.g. a malformed id): the client's input.
    assert isinstance(exc, DomainError)
    return _error(422, exc.code, exc.message_id, exc.message_en)


def _field(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err.get("loc", ())]
    return ".".join(loc[1:] if loc and loc[0] in ("body", "query", "header") else loc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return _error(
            400,
            "malformed_json",
            "Isi kiriman bukan JSON yang sah; perbarui aplikasi lalu coba lagi",
            "The request body is not valid JSON",
        )
    detail = "; ".join(f"{_field(e) or '(isi)'}: {e.get('msg', '')}" for e in errors[:10])
    return _error(
        422,
        "invalid_request",
        f"Kiriman tidak sah ({detail}); perbarui aplikasi lalu coba lagi",
        f"Invalid request ({detail})",
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _error(
            404,
            "not_found",
            "Alamat tidak ditemukan di server ini",
            "No such address on this server",
        )
    if exc.status_code == 405:
        return _error(
            405,
            "method_not_allowed",
            "Metode ini tidak didukung untuk alamat ini",
            "Method not allowed here",
        )
    return _error(exc.status_code, "http_error", str(exc.detail), str(exc.detail))


async def _busy(_: Request, exc: Exception) -> JSONResponse:
    # Contention, not a fault: nothing was written, and the same request will succeed later.
    log.warning("database busy, answered 503: %s", exc)
    return _error(
        503,
        "server_busy",
        "Server sedang sibuk; data aman di HP ini dan akan dikirim ulang otomatis",
        "The server is busy; your data is safe on this phone and will be sent again",
        {"Retry-After": str(RETRY_AFTER_S)},
    )


async def _unexpected(_: Request, _exc: Exception) -> JSONResponse:
    # The traceback goes to the server log; the device gets a message it can act on.
    return _error(
        500,
        "server_error",
        "Terjadi kesalahan di server; coba kirim lagi nanti",
        "Server error; try again later",
    )


def _warm_up(app: FastAPI, runtime: Runtime) -> None:
    """Before serving, the work a first request would otherwise wait for: FastAPI builds a
    router's routes when a request first reaches it (about 0.2 s here, on the first push after
    every restart), the election file is parsed once, and a pooled connection is opened.

    Then what startup left alive (modules, the app, validators) is frozen out of the garbage
    collector's scans: a full collection walked all of it, about 45 ms in the middle of a
    push now and then, and this heap only grows by what requests keep. (No collection first:
    in a test process holding thousands of objects each app start would pay for one.)"""
    probe: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "root_path": ""}
    for route in app.router.routes:
        route.matches(probe)  # Starlette's route interface; builds the included routers
    load_election(runtime.settings.election_file)
    runtime.pool.release(runtime.pool.acquire())
    gc.freeze()


def create_app(
    settings: Settings | None = None, open_store: Callable[[], Store] | None = None
) -> FastAPI:
    """Build the app on the configured backend (migrated), unless a store factory is given."""
    settings = settings or Settings()
    opener = None
    if open_store is None:
        open_store = opener = StoreOpener(settings)
    runtime = Runtime(
        settings,
        open_store,
        opener.keep_idle if opener else 8,
        opener.request_slots if opener else settings.db_pool_size,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        _warm_up(app, runtime)
        runtime.recon_worker.start()
        runtime.checkpoints.start()
        try:
            yield
        finally:
            runtime.recon_worker.stop()
            runtime.checkpoints.stop()
            runtime.pool.close()
            if opener is not None:
                opener.close()
            gc.unfreeze()  # an app started in a longer process (tests) leaves nothing pinned

    docs = settings.api_docs  # the schema is still built in-process (app.openapi())
    app = FastAPI(
        title="Pantau TPS sync server",
        version="1",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    first = runtime.open_store()
    try:  # a restarted server's clock starts past every stamp it ever applied
        runtime.clock.observe(first.max_hlc())
    finally:
        first.close()
    app.state.runtime = runtime
    # pull pages over 2G; level and zstd chosen by measurement (sync_server/sync/encoding.py)
    app.add_middleware(GZipMiddleware, minimum_size=MIN_BYTES, compresslevel=GZIP_LEVEL)
    # Outermost: a body over its route's limit is refused while it streams in, before auth.
    app.add_middleware(BodyLimit, limits=route_limits(settings))
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StoreBusy, _busy)
    app.add_exception_handler(Exception, _unexpected)
    for module in (health, enrol, sync, blobs):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    app.include_router(review.router, responses=ERROR_RESPONSES)  # supervisor console (issue 5)
    describe(app)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory sync_server.main:app_from_env`: settings from PANTAU_* variables."""
    return create_app(Settings())
