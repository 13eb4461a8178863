"""The OpenAPI schema says everything a client may get: every error is an ErrorBody under its
status, and the push body (read by hand, to check its size first) is described too.

Schemathesis walks this schema in tests/server/test_schema_fuzz.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from core.protocol import ErrorBody, PushRequest

_ERRORS = {
    400: "Malformed body (JSON or gzip)",
    401: "No, unknown or revoked device token; wrong enrolment code",
    403: "The caller's role or area does not allow this",
    404: "No such address, record, TPS or upload",
    405: "Method not allowed here",
    409: "An upload is busy or at another offset",
    413: "Body, batch or photo over its limit",
    415: "Not a JPEG or PNG photo",
    422: "A field, parameter or identifier is not valid",
    429: "Too many wrong enrolment codes, or too many open uploads",
    503: "The server lacks a file it needs (election definition)",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in _ERRORS.items()
}


def download(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a route that sends a file of one of these types."""
    return {200: {"description": "The file", "content": {m: {} for m in media_types}}}


PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
    }
}


def _plain_tuples(node: Any) -> None:
    """A tuple of one type (e.g. `tuple[str, str]`) as `items` + length: the same contract,
    in the form every OpenAPI tool reads (Schemathesis 4 refuses `prefixItems` in answers)."""
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            parts = item.get("prefixItems")
            if isinstance(parts, list) and parts and all(p == parts[0] for p in parts):
                item["items"] = item.pop("prefixItems")[0]
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


def describe(app: FastAPI) -> None:
    """Add the push body's models to the schema FastAPI builds (once, on first use)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            push = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(push.pop("$defs", {}))
            components["PushRequest"] = push
            _plain_tuples(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
