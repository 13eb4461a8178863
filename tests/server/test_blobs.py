"""Photo blobs over HTTP: create, offset, chunks, hash check, limits, expiry, scope, reuse."""

import hashlib

import pytest

from sync_server.blobs import uploads
from sync_server.blobs.uploads import blob_path, partial_path
from tests.photos import form_photo
from tests.server.conftest import TPS, TPS_2, TPS_GUDO

PHOTO = form_photo(640, 480, seed=11)
SHA = hashlib.sha256(PHOTO).hexdigest()


def create(dev, data=PHOTO, content_type="image/jpeg", **extra):
    body = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "content_type": content_type, **extra}  # fmt: skip
    return dev.client.post("/v1/blobs", json=body, headers=dev.headers)


def patch(dev, offset, chunk, sha=SHA):
    headers = {**dev.headers, "Upload-Offset": str(offset)}
    return dev.client.patch(f"/v1/blobs/{sha}", content=chunk, headers=headers)


def upload(dev, data=PHOTO, chunk=16 * 1024):
    sha = hashlib.sha256(data).hexdigest()
    assert create(dev, data).status_code in (200, 201)
    last = None
    for offset in range(0, len(data), chunk):
        last = patch(dev, offset, data[offset : offset + chunk], sha)
        assert last.status_code == 200, last.json()
    return last


def test_chunked_upload_completes_and_is_stored_by_hash(make_device, settings):
    dev = make_device()
    first = create(dev, original_sha256="a" * 64)
    assert first.status_code == 201
    assert first.json() == {"sha256": SHA, "size": len(PHOTO), "offset": 0, "complete": False}
    half = len(PHOTO) // 2
    r = patch(dev, 0, PHOTO[:half])
    assert r.json()["offset"] == half
    assert r.headers["Upload-Offset"] == str(half)
    head = dev.client.head(f"/v1/blobs/{SHA}", headers=dev.headers)
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == str(half)
    assert dev.client.get(f"/v1/blobs/{SHA}", headers=dev.headers).json()["offset"] == half
    done = patch(dev, half, PHOTO[half:])
    assert done.json()["complete"] is True
    stored = blob_path(settings, SHA).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == SHA
    assert not partial_path(settings, SHA, dev.id).exists()


def test_existing_hash_is_already_there_for_its_uploaders_user(make_device):
    first = make_device()
    upload(first)
    for dev in (first, make_device(user_id=first.user_id)):  # the same user's second phone too
        again = create(dev)
        assert again.status_code == 200
        assert again.json()["complete"] is True
        assert again.json()["offset"] == len(PHOTO)
    stranger = create(make_device())  # another user sends the bytes itself
    assert stranger.status_code == 201
    assert stranger.json()["complete"] is False
    assert stranger.json()["offset"] == 0


def test_wrong_offset_is_refused_with_the_reason(make_device):
    dev = make_device()
    create(dev)
    patch(dev, 0, PHOTO[:1000])
    r = patch(dev, 0, PHOTO[:1000])
    assert r.status_code == 409
    assert r.json()["code"] == "offset_mismatch"
    assert "1000" in r.json()["message"]


def test_tampered_chunk_is_detected_and_discarded(make_device, settings):
    dev = make_device()
    create(dev)
    tampered = bytearray(PHOTO)
    tampered[len(PHOTO) // 3] ^= 0xFF
    patch(dev, 0, bytes(tampered[:20_000]))
    r = patch(dev, 20_000, bytes(tampered[20_000:]))
    assert r.status_code == 422
    assert r.json()["code"] == "hash_mismatch"
    assert "SHA-256" in r.json()["message"]
    assert r.json()["message_en"]
    assert not blob_path(settings, SHA).exists()
    assert not partial_path(settings, SHA, dev.id).exists()
    assert dev.client.get(f"/v1/blobs/{SHA}", headers=dev.headers).status_code == 404
    assert create(dev).json()["offset"] == 0  # a clean restart is possible


def test_chunk_past_the_declared_size_is_refused(make_device):
    dev = make_device()
    create(dev)
    r = patch(dev, 0, PHOTO + b"extra")
    assert r.status_code == 413
    assert r.json()["code"] == "chunk_past_end"
    assert dev.client.get(f"/v1/blobs/{SHA}", headers=dev.headers).json()["offset"] == 0


@pytest.mark.parametrize(
    ("content_type", "size", "status", "code"),
    [
        ("text/plain", 100, 415, "unsupported_type"),
        ("application/pdf", 100, 415, "unsupported_type"),
        ("image/jpeg", 10 * 1024 * 1024 + 1, 413, "photo_too_large"),
    ],
)
def test_type_and_size_limits(make_device, content_type, size, status, code):
    dev = make_device()
    body = {"sha256": "b" * 64, "size": size, "content_type": content_type}
    r = dev.client.post("/v1/blobs", json=body, headers=dev.headers)
    assert r.status_code == status
    assert r.json()["code"] == code
    assert r.json()["message"]
    assert r.json()["message_en"]


def test_bytes_that_are_not_the_declared_type_are_refused(make_device):
    dev = make_device()
    fake = b"GIF89a" + bytes(5000)
    sha = hashlib.sha256(fake).hexdigest()
    create(dev, fake)
    r = patch(dev, 0, fake, sha)
    assert r.status_code == 415
    assert r.json()["code"] == "not_a_photo"


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/v1/blobs"), ("get", f"/v1/blobs/{SHA}"), ("head", f"/v1/blobs/{SHA}"),
     ("patch", f"/v1/blobs/{SHA}"), ("get", f"/v1/blobs/{SHA}/content")],
)  # fmt: skip
def test_every_blob_endpoint_needs_a_token(client, method, path):
    r = client.request(method.upper(), path)
    assert r.status_code == 401
    if method != "head":
        assert r.json()["code"] == "token_missing"


def test_bad_hash_in_path_is_refused(make_device):
    dev = make_device()
    r = dev.client.get("/v1/blobs/NOT-A-HASH", headers=dev.headers)
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_request"


def test_stale_partial_uploads_expire_on_access(make_device, settings, wall):
    dev = make_device()
    create(dev)
    patch(dev, 0, PHOTO[:5000])
    wall.ms += int(settings.blob_upload_ttl_hours * 3_600_000) + 1
    other = form_photo(64, 64, seed=12)
    create(dev, other)  # any create cleans up
    assert not partial_path(settings, SHA, dev.id).exists()
    assert dev.client.get(f"/v1/blobs/{SHA}", headers=dev.headers).status_code == 404


def test_cli_expires_uploads(make_device, settings, monkeypatch):
    from typer.testing import CliRunner

    from sync_server.admin.cli import cli

    dev = make_device()
    create(dev)
    patch(dev, 0, PHOTO[:5000])
    monkeypatch.setenv("PANTAU_BLOB_DIR", str(settings.blob_dir))
    monkeypatch.setenv("PANTAU_BLOB_UPLOAD_TTL_HOURS", "0.0001")  # 0.36 s
    import time

    time.sleep(0.5)
    out = CliRunner().invoke(cli, ["expire-uploads", "--db", str(settings.db_path)])
    assert out.exit_code == 0
    assert out.output.startswith("1 ")
    assert not partial_path(settings, SHA, dev.id).exists()


def test_content_only_for_users_whose_scope_covers_a_citing_record(make_device):
    author = make_device("saksi", [TPS], party=1)
    author.push(author.op("t1", {"photos": [SHA]}))
    upload(author)
    url = f"/v1/blobs/{SHA}/content"
    got = author.client.get(url, headers=author.headers)
    assert got.status_code == 200
    assert got.content == PHOTO
    assert got.headers["content-type"] == "image/jpeg"
    supervisor = make_device("supervisor", ["35.17"])
    assert supervisor.client.get(url, headers=supervisor.headers).status_code == 200
    elsewhere = make_device("saksi", [TPS_GUDO], party=1)
    other_party = make_device("saksi", [TPS], party=2)
    for outsider in (elsewhere, other_party):
        r = outsider.client.get(url, headers=outsider.headers)
        assert r.status_code == 403
        assert r.json()["code"] == "photo_forbidden"


def test_content_of_a_cited_photo_not_yet_uploaded_is_404(make_device):
    author = make_device()
    author.push(author.op("t1", {"photos": [SHA]}))
    r = author.client.get(f"/v1/blobs/{SHA}/content", headers=author.headers)
    assert r.status_code == 404
    assert r.json()["code"] == "photo_not_uploaded"


def test_uncited_photo_is_forbidden_even_to_its_uploader(make_device):
    dev = make_device()
    upload(dev)
    assert dev.client.get(f"/v1/blobs/{SHA}/content", headers=dev.headers).status_code == 403


def test_photo_reuse_across_tps_is_reported(make_device, store):
    a = make_device("saksi", [TPS], party=1)
    b = make_device("saksi", [TPS_GUDO], party=1)
    same_tps = make_device("ptps", [TPS])
    a.push(a.op("ta", {"photos": [SHA]}))
    same_tps.push(same_tps.op("tp", {"photos": [SHA]}))
    assert uploads.photo_reuse(store) == []  # one TPS: no flag
    b.push(b.op("tb", {"photos": [SHA, "c" * 64]}, tps=TPS_GUDO))
    [found] = uploads.photo_reuse(store)
    assert found.key == SHA
    assert found.via == "sha256"
    assert found.tps == (TPS, TPS_GUDO)
    assert sorted(c.record_id for c in found.cites) == ["ta", "tb", "tp"]
    assert uploads.photo_reuse(store, ["c" * 64]) == []
    assert len(uploads.photo_reuse(store, [SHA])) == 1
    b.push(b.op("tb", {"deleted": True}, tps=TPS_GUDO))
    assert uploads.photo_reuse(store) == []


def test_same_original_reencoded_at_two_tps_is_reported(make_device, store):
    a = make_device("saksi", [TPS], party=1)
    b = make_device("saksi", [TPS_2], party=1)
    other = form_photo(320, 240, seed=13)
    other_sha = hashlib.sha256(other).hexdigest()
    original = "d" * 64
    a.push(a.op("ta", {"photos": [SHA]}))
    b.push(b.op("tb", {"bukti": [other_sha]}, kind="incident", tps=TPS_2))
    create(a, PHOTO, original_sha256=original)
    create(b, other, original_sha256=original)
    assert uploads.photo_reuse(store, [other_sha]) == []  # claims count once the bytes came
    upload(a, PHOTO)
    upload(b, other)
    [found] = uploads.photo_reuse(store, [other_sha])
    assert found.key == original
    assert found.via == "original"
    assert {(c.sha256, c.kind) for c in found.cites} == {(SHA, "tally"), (other_sha, "incident")}
