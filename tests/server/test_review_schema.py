"""The review API's contract is typed: every JSON route under /v1/review answers a model from
core.review, so the OpenAPI schema describes it (the console parses the same models)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from core import review as wire
from tests.server.conftest import app_of
from tests.server.test_review_routes import review_routes

DOWNLOADS = ("/v1/review/export/{table}", "/v1/review/evidence/")


def _schema(client: TestClient, method: str, template: str) -> dict[str, Any]:
    op = app_of(client).openapi()["paths"][template][method.lower()]
    content: dict[str, Any] = op["responses"]["200"]["content"]
    return dict(content["application/json"]["schema"])


def _model_name(schema: dict[str, Any]) -> str:
    target = schema.get("items", schema)
    return str(target.get("$ref", "")).rsplit("/", 1)[-1]


def test_every_json_review_route_names_its_model(client: TestClient):
    seen = {}
    for method, template, _ in review_routes(client):
        if template.startswith(DOWNLOADS):
            continue
        name = _model_name(_schema(client, method, template))
        assert hasattr(wire, name or "-"), (template, name)
        seen[template] = name
    assert seen["/v1/review/queue"] == "QueuePage"
    assert seen["/v1/review/tps/{tps}/{ballot}"] == "TpsComparison"
    assert seen["/v1/review/conflicts/{conflict_id}/resolve"] == "ConflictRow"
    assert seen["/v1/review/export/geojson"] == "TpsCollection"
    assert len(seen) >= 11


def test_the_schema_spells_out_nested_shapes(client: TestClient):
    parts = app_of(client).openapi()["components"]["schemas"]
    comparison = parts["TpsComparison"]["properties"]
    assert comparison["fields"]["items"]["$ref"].endswith("/FieldComparison")
    assert set(parts["FieldComparison"]["properties"]["state"]["enum"]) == {
        "agree",
        "conflict",
        "single",
    }
    queue_items = parts["QueuePage"]["properties"]["items"]["items"]
    assert queue_items["discriminator"]["propertyName"] == "type"
