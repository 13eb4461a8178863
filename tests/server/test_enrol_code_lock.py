"""The per-code limit on wrong enrolment guesses lives in the database (issue 11, point 2):
every server process sees the same count and a restart forgets nothing, on both backends."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core import signing
from sync_server.admin import accounts
from sync_server.main import create_app
from sync_server.secret import server_key
from sync_server.settings import Settings
from tests.server.conftest import TPS, FakeWall, opened

pytestmark = pytest.mark.every_backend  # SQLite and PostgreSQL
PUBLIC = signing.public_key_of(signing.new_private_key())


def issue(settings: Settings, now: int) -> str:
    with opened(settings) as store:
        user = accounts.create_user(store, "Siti", "ptps", [TPS])
        return accounts.issue_enrol_code(store, user.id, now, key=server_key(settings))


def test_guesses_counted_by_two_workers_and_a_restart_lock_the_code(
    client: TestClient, settings: Settings, wall: FakeWall
) -> None:
    good = issue(settings, wall())
    selector = good[:4]
    workers = [client]
    with TestClient(create_app(settings), client=("10.0.0.2", 1)) as second:
        workers.append(second)
        for i in range(4):  # two processes, one database; 4 of 5 allowed wrong guesses
            wall.ms += 3_000
            guess = f"{selector}-ZZZZ-ZZZZ-ZZZZ-ZZZ{'ABCD'[i]}"
            assert workers[i % 2].post("/v1/enrol", json={"code": guess}).status_code == 401
    with TestClient(create_app(settings), client=("10.0.0.3", 1)) as restarted:
        wall.ms += 3_000
        last = restarted.post("/v1/enrol", json={"code": f"{selector}-ZZZZ-ZZZZ-ZZZZ-ZZZE"})
        assert last.status_code == 401  # the 5th: counted with the four before the restart
        wall.ms += 3_000
        locked = restarted.post("/v1/enrol", json={"code": good, "public_key": PUBLIC})
        assert locked.status_code == 429
        assert locked.json()["code"] == "enrol_code_locked"
    assert client.post("/v1/enrol", json={"code": good, "public_key": PUBLIC}).status_code == 429


def test_four_wrong_guesses_leave_the_code_usable(
    client: TestClient, settings: Settings, wall: FakeWall
) -> None:
    good = issue(settings, wall())
    for i in range(4):
        wall.ms += 3_000
        client.post("/v1/enrol", json={"code": f"{good[:4]}-ZZZZ-ZZZZ-ZZZZ-ZZZ{'ABCD'[i]}"})
    wall.ms += 3_000
    assert client.post("/v1/enrol", json={"code": good, "public_key": PUBLIC}).status_code == 200
