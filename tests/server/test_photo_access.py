"""Photos (issue 11, point 5): readable only through records whose author uploaded them; an
upload belongs to the device that opened it; open uploads are limited per device; no existence
or size is revealed to those who may not read a photo."""

from __future__ import annotations

import hashlib

import pytest

from sync_server.blobs.files import partial_path
from tests.photos import form_photo
from tests.server.conftest import MakeDevice
from tests.server.test_blobs import create, patch, upload

pytestmark = pytest.mark.every_backend  # SQLite and PostgreSQL
PHOTO = form_photo(320, 240, seed=5)
SHA = hashlib.sha256(PHOTO).hexdigest()


def cite(device, record_id: str, sha: str = SHA) -> None:
    res = device.push(device.op(record_id, {"suara_sah": 1, "photos": [sha]}))
    assert res.json()["results"][0]["status"] == "applied", res.text


def test_citing_someone_elses_hash_does_not_open_their_photo(make_device: MakeDevice):
    owner = make_device("ptps", scope=["35.17"])
    upload(owner, PHOTO)
    cite(owner, "t-owner")
    thief = make_device("saksi", party=3)
    cite(thief, "t-thief")  # the same hash in their own tally
    res = thief.client.get(f"/v1/blobs/{SHA}/content", headers=thief.headers)
    assert res.status_code == 404  # as if never uploaded: the same answer before and after
    assert res.json()["code"] == "photo_not_uploaded"
    assert owner.client.get(f"/v1/blobs/{SHA}/content", headers=owner.headers).content == PHOTO
    boss = make_device("supervisor", scope=["35.17"])
    assert boss.client.get(f"/v1/blobs/{SHA}/content", headers=boss.headers).status_code == 200


def test_another_device_cannot_reset_or_spoil_an_upload(make_device: MakeDevice, settings):
    owner, other = make_device("ptps"), make_device("ptps")
    assert create(owner, PHOTO).status_code == 201
    half = len(PHOTO) // 2
    assert patch(owner, 0, PHOTO[:half], SHA).json()["offset"] == half
    spoil = patch(other, half, b"\x00" * 100, SHA)  # no upload of its own: goes nowhere
    assert spoil.status_code == 404
    assert spoil.json()["code"] == "upload_not_found"
    body = {"sha256": SHA, "size": len(PHOTO) + 7, "content_type": "image/jpeg"}
    own = other.client.post("/v1/blobs", json=body, headers=other.headers)
    assert own.status_code == 201  # its own upload (another size), not a reset of the owner's
    assert own.json()["offset"] == 0
    assert patch(other, 0, b"\x00" * 100, SHA).json()["offset"] == 100
    assert partial_path(settings, SHA, owner.id).stat().st_size == half
    done = patch(owner, half, PHOTO[half:], SHA)
    assert done.json()["complete"] is True
    assert other.client.get(f"/v1/blobs/{SHA}", headers=other.headers).json()["offset"] == 100


def test_status_of_someone_elses_upload_looks_like_no_upload(make_device: MakeDevice):
    owner, other = make_device("ptps"), make_device("ptps")
    create(owner, PHOTO)
    patch(owner, 0, PHOTO[:500], SHA)
    missing = "f" * 64
    for sha in (SHA, missing):
        res = other.client.get(f"/v1/blobs/{sha}", headers=other.headers)
        assert res.status_code == 404
        assert "Upload-Length" not in res.headers
        head = other.client.head(f"/v1/blobs/{sha}", headers=other.headers)
        assert head.status_code == 404
    assert patch(owner, 500, PHOTO[500:], SHA).json()["complete"] is True
    # complete now: still nothing for a device that may not read it
    assert other.client.get(f"/v1/blobs/{SHA}", headers=other.headers).status_code == 404


def test_a_complete_photo_is_not_said_to_another_user(make_device: MakeDevice):
    owner, other = make_device("ptps"), make_device("saksi", party=2)
    upload(owner, PHOTO)
    body = {"sha256": SHA, "size": 1234, "content_type": "image/jpeg"}
    res = other.client.post("/v1/blobs", json=body, headers=other.headers)
    assert res.status_code == 201
    assert res.json() == {"sha256": SHA, "size": 1234, "offset": 0, "complete": False}


def test_a_reader_sees_a_complete_photo_without_uploading(make_device: MakeDevice):
    """Status says "complete" to whoever may read the photo (it opens for them anyway)."""
    owner = make_device("ptps", scope=["35.17"])
    upload(owner, PHOTO)
    cite(owner, "t-owner")
    boss = make_device("supervisor", scope=["35.17"])
    seen = boss.client.get(f"/v1/blobs/{SHA}", headers=boss.headers)
    assert seen.json() == {"sha256": SHA, "size": len(PHOTO), "offset": len(PHOTO),
                           "complete": True}  # fmt: skip


def test_open_uploads_are_limited_per_device(make_device: MakeDevice, settings, client):
    client.app.state.runtime.settings = settings.model_copy(
        update={"max_open_uploads_per_device": 3}
    )
    phone, neighbour = make_device("ptps"), make_device("ptps")
    photos = [form_photo(64, 48, seed=s) for s in range(4)]
    assert [create(phone, p).status_code for p in photos[:3]] == [201, 201, 201]
    refused = create(phone, photos[3])
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_uploads"
    assert create(neighbour, photos[3]).status_code == 201  # the limit is per device


def test_evidence_zip_holds_only_photos_their_authors_uploaded(make_device: MakeDevice):
    import io
    import json
    import zipfile

    from tests.server.conftest import TPS_GUDO

    far = make_device("ptps", scope=[TPS_GUDO])
    upload(far, PHOTO)
    res = far.push(far.op("t-far", {"suara_sah": 1, "photos": [SHA]}, tps=TPS_GUDO))
    assert res.json()["results"][0]["status"] == "applied"
    thief = make_device("saksi", party=3)
    cite(thief, "t-thief")
    perak = make_device("supervisor", scope=["35.17.01"])
    z = perak.client.get("/v1/review/evidence/tps/3517012001001", headers=perak.headers)
    assert z.status_code == 200
    with zipfile.ZipFile(io.BytesIO(z.content)) as f:
        assert f"photos/{SHA}.jpg" not in f.namelist()
        assert json.loads(f.read("manifest.json"))["photos_missing"] == [SHA]
