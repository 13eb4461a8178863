"""Schemathesis over the whole API with tokens of several roles (issue 11, point 10): no server
error, and every answer (errors included) matches the OpenAPI schema. Bounded: a few examples
per operation and role, no deadline per example, a timeout for the whole run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from core.registry import build
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import REGION_ROWS, TPS

EXAMPLES = 12  # per operation and generation mode; each example is sent once per role
ROLES = {"saksi": [TPS], "ptps": [TPS], "supervisor": ["35.17"]}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(Settings(db_path=tmp / "server.db", blob_dir=tmp / "blobs"))
    s = SqliteStore(tmp / "server.db")
    s.replace_region(build(REGION_ROWS))
    tokens = {"": ""}
    for role, scope in ROLES.items():
        user = accounts.create_user(s, role, role, scope, 1 if role == "saksi" else None)
        tokens[role] = accounts.add_device(s, user.id, role, 0)[1]
    s.close()
    with TestClient(app):  # lifespan: the reconciliation worker runs as in production
        yield app, tokens


def operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_whole_api_answers_by_its_schema(api, mode):
    app, tokens = api
    for operation in operations(app):

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            for token in tokens.values():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:  # nothing to get wrong (no parameters, no body): nothing to send
            assert mode == GenerationMode.NEGATIVE
