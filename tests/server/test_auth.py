"""Device tokens (missing, bad, revoked -> 401) and one-time, expiring enrolment codes."""

from __future__ import annotations

import pytest

from core import signing
from sync_server.admin import accounts
from sync_server.auth import CODE_ALPHABET, hash_secret
from sync_server.secret import server_key
from tests.server.conftest import TPS, MakeDevice


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "token_missing"),
        ({"Authorization": "Basic abc"}, "token_missing"),
        ({"Authorization": "Bearer "}, "token_missing"),
        ({"Authorization": "Bearer not-a-real-token"}, "token_invalid"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/v1/sync/pull"), ("post", "/v1/sync/push"), ("get", "/v1/me"),
     ("get", "/v1/conflicts")],
)  # fmt: skip
@pytest.mark.usefixtures("store")
def test_requests_without_a_good_token_are_401(client, headers, code, method, path):
    body = {"json": {"device_id": "d", "ops": []}} if method == "post" else {}
    res = getattr(client, method)(path, headers=headers, **body)
    assert res.status_code == 401
    assert res.json()["code"] == code
    assert res.json()["message"]


@pytest.mark.usefixtures("store")
def test_a_bad_token_is_401_even_with_a_malformed_body(client):
    res = client.post(
        "/v1/sync/push",
        content=b"{",
        headers={"Authorization": "Bearer nope", "Content-Type": "application/json"},
    )
    assert res.status_code == 401


def test_revoking_a_device_takes_effect_at_once(make_device: MakeDevice, store, wall):
    phone = make_device("ptps")
    assert phone.pull().status_code == 200
    assert store.revoke_device(phone.id, wall())
    res = phone.push(phone.op("r1", {"dpt_l": 1}))
    assert res.status_code == 401
    assert res.json()["code"] == "token_revoked"
    assert phone.pull().status_code == 401
    assert store.count_records() == 0


def test_tokens_are_stored_only_as_hashes(make_device: MakeDevice, store):
    phone = make_device("ptps")
    rows = list(store.db.query("SELECT token_hash FROM devices"))
    assert rows == [{"token_hash": hash_secret(phone.token)}]


def test_me_describes_the_user(make_device: MakeDevice):
    phone = make_device("saksi", party=2)
    me = phone.client.get("/v1/me", headers=phone.headers).json()
    assert me == {"user_id": phone.user_id, "name": "Uji saksi", "role": "saksi", "party": 2,
                  "scope": [TPS]}  # fmt: skip


def _user(store, role="saksi", party=1):
    return accounts.create_user(store, "Siti", role, [TPS], party)


def test_an_enrolment_code_works_once(client, store, wall, settings):
    user = _user(store)
    code = accounts.issue_enrol_code(store, user.id, wall(), key=server_key(settings))
    raw = code.replace("-", "")
    assert len(raw) == 20
    assert set(raw) <= set(CODE_ALPHABET)
    no_key = client.post("/v1/enrol", json={"code": code})
    assert no_key.status_code == 422
    assert no_key.json()["code"] == "public_key_missing"
    public = signing.public_key_of(signing.new_private_key())
    res = client.post("/v1/enrol", json={"code": code.lower().replace("-", " "),
                                         "device_name": "HP Siti", "public_key": public})  # fmt: skip
    assert res.status_code == 200, res.text  # the code survived the refused attempt
    body = res.json()
    assert body["me"]["user_id"] == user.id
    assert body["me"]["party"] == 1
    [key] = store.evidence().keys(body["device_id"])  # the device's public key is registered
    assert key.public_key == public
    assert key.until_ms is None
    signing_key = client.app.state.runtime.server_key  # the device keeps it for checkpoints
    assert body["server_key"] == signing.public_key_of(signing_key)
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    again = client.post("/v1/enrol", json={"code": code})
    assert again.status_code == 401
    assert again.json()["code"] == "enrol_code_used"
    assert [d.id for d in store.list_devices()] == [body["device_id"]]


def test_an_enrolment_code_expires(client, store, wall, settings):
    user = _user(store)
    code = accounts.issue_enrol_code(store, user.id, wall(), ttl_hours=72, key=server_key(settings))
    wall.ms += 72 * 3600 * 1000 + 1
    res = client.post("/v1/enrol", json={"code": code})
    assert res.status_code == 401
    assert res.json()["code"] == "enrol_code_expired"
    assert store.list_devices() == []


@pytest.mark.usefixtures("store")
def test_a_wrong_enrolment_code_is_401(client):
    res = client.post("/v1/enrol", json={"code": "ABCD-EFGH"})
    assert res.status_code == 401
    assert res.json()["code"] == "enrol_code_invalid"


def test_codes_are_stored_hashed(store, wall, settings):
    code = accounts.issue_enrol_code(store, _user(store).id, wall(), key=server_key(settings))
    [row] = store.db.query("SELECT code_hash FROM enrol_codes")
    assert code.replace("-", "") not in str(row)
    assert code not in str(row)


@pytest.mark.parametrize(
    ("role", "party", "scope", "code"),
    [
        ("raja", None, [TPS], "invalid_role"),
        ("saksi", None, [TPS], "invalid_party"),
        ("saksi", 100, [TPS], "invalid_party"),
        ("ptps", 1, [TPS], "invalid_party"),
        ("ptps", None, [], "invalid_scope"),
        ("ptps", None, ["3517012001"], "invalid_tps"),
        ("supervisor", None, ["35.17.1"], "invalid_code"),
    ],
)
def test_create_user_rejects_bad_input(store, role, party, scope, code):
    from core.errors import DomainError

    with pytest.raises(DomainError) as err:
        accounts.create_user(store, "X", role, scope, party)
    assert err.value.code == code
    assert store.list_users() == []
