"""Request body limits per route, enforced while the body streams in (before parsing or auth).

An ASGI middleware: a declared `Content-Length` over the route's limit is refused at once; a
body without one (chunked) is counted as it arrives and refused the moment it passes the limit.
JSON routes get their body buffered here (at most the limit) and replayed to the app; the photo
chunk route (`PATCH /v1/blobs/{sha256}`) streams to disk and is only counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.protocol import ErrorBody
from sync_server.settings import Settings

KB = 1024
DEFAULT_LIMIT = 64 * KB  # any route not named below (GET routes have no body at all)


@dataclass(frozen=True)
class Limit:
    method: str
    path: re.Pattern[str]
    limit: int
    stream: bool = False  # count only; the route reads the body as a stream


def route_limits(settings: Settings) -> list[Limit]:
    """The limit of every route that takes a body (the README lists them)."""
    return [
        Limit("POST", re.compile(r"/v1/enrol"), 4 * KB),
        Limit("POST", re.compile(r"/v1/sync/push"), settings.max_body_bytes),
        Limit("POST", re.compile(r"/v1/blobs"), 4 * KB),
        Limit("PATCH", re.compile(r"/v1/blobs/[^/]+"), settings.max_blob_bytes, stream=True),
        Limit("POST", re.compile(r"/v1/review/conflicts/[^/]+/resolve"), 64 * KB),
    ]


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit


def too_large_body(limit: int) -> bytes:
    return (
        ErrorBody(
            code="body_too_large",
            message=f"Kiriman terlalu besar untuk alamat ini (batas {limit} byte); "
            "kirim dalam bagian yang lebih kecil atau perbarui aplikasi",
            message_en=f"Request body too large for this address (limit {limit} bytes)",
        )
        .model_dump_json()
        .encode()
    )


async def _refuse(send: Send, limit: int) -> None:
    body = too_large_body(limit)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")]  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """The middleware; `limits` is `route_limits(settings)`."""

    def __init__(self, app: ASGIApp, limits: list[Limit], default: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limits = limits
        self.default = default

    def _for(self, scope: Scope) -> Limit:
        method, path = scope.get("method", ""), scope.get("path", "")
        for rule in self.limits:
            if rule.method == method and rule.path.fullmatch(path):
                return rule
        return Limit(method, re.compile(".*"), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self._for(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > rule.limit:
            await _refuse(send, rule.limit)
            return
        if rule.stream:
            await self._counted(scope, receive, send, rule.limit)
            return
        try:
            body = await _read(receive, rule.limit)
        except BodyTooLarge:
            await _refuse(send, rule.limit)
            return
        if body is not None:  # None: the sender left before the end; nobody to answer
            await self.app(scope, _replay(body, receive), send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # the sender lied or sent no length: cut it off here
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counting, send)


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body (None if the sender left), or BodyTooLarge once it passes `limit`."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        piece = message.get("body", b"")
        size += len(piece)
        if size > limit:
            raise BodyTooLarge(limit)
        parts.append(piece)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect as usual

    return replay
