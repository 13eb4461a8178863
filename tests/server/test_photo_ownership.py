"""Photo uploads belong to the device that opened them (issue 11, point 5), through a real
uvicorn process on each storage backend.

Naming someone else's hash reveals nothing (no "complete", 404 on status and read); a device
that holds the bytes proves it by sending them into its own partial file and is then an
uploader too, so its own records' readers can open the photo; two devices sending the same
photo at once never touch each other's upload; wrong bytes are refused and nothing is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from core import signing
from core.hlc import pack
from core.registry import build
from sync_server.admin import accounts
from sync_server.blobs.files import blob_path, partial_path
from sync_server.settings import Settings, wall_ms
from tests.photos import form_photo
from tests.server.conftest import REGION_ROWS, TPS, Device, opened
from tests.server.test_blobs import create, upload
from tests.server.test_blobs import patch as patch_of
from tests.server.test_kill9 import Server

pytestmark = [pytest.mark.e2e, pytest.mark.every_backend]
PHOTO = form_photo(480, 360, seed=41)
SHA = hashlib.sha256(PHOTO).hexdigest()
UNKNOWN = "e" * 64
Enrol = Callable[..., Device]


@pytest.fixture
def live(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Settings, Enrol]]:
    """A real server on loopback, and a way to enrol devices talking to it over HTTP."""
    monkeypatch.setenv("PANTAU_BLOB_DIR", str(settings.blob_dir))
    with opened(settings) as store:
        store.replace_region(build(REGION_ROWS))
    server = Server(settings, delay_ms=0)
    http = httpx.Client(base_url=server.url, timeout=30)

    def enrol(role: str, scope: list[str], party: int | None = None) -> Device:
        with opened(settings) as store:
            user = accounts.create_user(store, f"Uji {role}", role, scope, party)
            key = signing.new_private_key()
            device, token = accounts.add_device(
                store, user.id, "hp", wall_ms(), signing.public_key_of(key)
            )
        return Device(http, device.id, token, user.id, key)  # type: ignore[arg-type]

    try:
        yield settings, enrol
    finally:
        http.close()
        server.stop()


def cite(device: Device, record_id: str) -> None:
    op = device.op(record_id, {"suara_sah": 1, "photos": [SHA]}, hlc=pack(wall_ms(), 1))
    res = device.push(op)
    assert res.json()["results"][0]["status"] == "applied", res.text


def patch(device: Device, offset: int, chunk: bytes, sha: str = SHA) -> httpx.Response:
    return patch_of(device, offset, chunk, sha)  # type: ignore[no-any-return]


def read(device: Device, sha: str = SHA) -> httpx.Response:
    res: httpx.Response = device.client.get(f"/v1/blobs/{sha}/content", headers=device.headers)
    return res


def status(device: Device, sha: str = SHA) -> httpx.Response:
    res: httpx.Response = device.client.get(f"/v1/blobs/{sha}", headers=device.headers)
    return res


def nothing_said(res: httpx.Response, sha: str) -> dict[str, object]:
    """A 404 body with the hash's own prefix taken out, to compare with another hash's."""
    assert res.status_code == 404, res.text
    assert "Upload-Length" not in res.headers
    return {k: str(v).replace(sha[:12], "<sha>") for k, v in res.json().items()}


def test_naming_anothers_hash_reveals_nothing_until_the_bytes_are_sent(
    live: tuple[Settings, Enrol],
) -> None:
    settings, enrol = live
    author = enrol("ptps", [TPS])
    upload(author, PHOTO)
    cite(author, "t-author")
    stored = blob_path(settings, SHA).stat()
    other = enrol("saksi", [TPS], party=3)
    cite(other, "t-other")  # their own tally cites the same hash
    assert read(other).status_code == 404  # cited but not uploaded by its author
    assert nothing_said(status(other), SHA) == nothing_said(status(other, UNKNOWN), UNKNOWN)
    early = patch(other, 0, PHOTO[:100])
    assert nothing_said(early, SHA) == nothing_said(patch(other, 0, b"x", UNKNOWN), UNKNOWN)
    said = create(other, PHOTO)
    assert said.status_code == 201
    assert said.json() == {"sha256": SHA, "size": len(PHOTO), "offset": 0, "complete": False}
    assert upload(other, PHOTO).json()["complete"] is True  # proved it holds the bytes
    assert read(other).content == PHOTO  # its own tally's reader opens it now
    party_boss = enrol("supervisor", ["35.17"])
    assert read(party_boss).status_code == 200
    after = blob_path(settings, SHA).stat()
    assert (after.st_ino, after.st_mtime_ns) == (stored.st_ino, stored.st_mtime_ns)  # kept
    assert not partial_path(settings, SHA, other.id).exists()


def test_two_devices_sending_one_photo_at_once_keep_their_own_uploads(
    live: tuple[Settings, Enrol],
) -> None:
    settings, enrol = live
    first, second = enrol("ptps", [TPS]), enrol("saksi", [TPS], party=2)
    half = len(PHOTO) // 2
    assert create(first, PHOTO).status_code == 201
    assert patch(first, 0, PHOTO[:half]).json()["offset"] == half
    mine = create(second, PHOTO)  # not "busy": its partial file is its own
    assert mine.status_code == 201
    assert mine.json()["offset"] == 0
    assert patch(second, 0, PHOTO[:1000]).json()["offset"] == 1000
    assert status(first).json()["offset"] == half  # untouched by the second device
    assert patch(first, half, PHOTO[half:]).json()["complete"] is True
    assert status(second).json() == {
        "sha256": SHA, "size": len(PHOTO), "offset": 1000, "complete": False
    }  # fmt: skip
    assert patch(second, 1000, PHOTO[1000:]).json()["complete"] is True
    assert blob_path(settings, SHA).read_bytes() == PHOTO
    for device in (first, second):
        assert not partial_path(settings, SHA, device.id).exists()


def test_wrong_bytes_under_anothers_hash_are_refused_and_nothing_is_kept(
    live: tuple[Settings, Enrol],
) -> None:
    settings, enrol = live
    author, forger = enrol("ptps", [TPS]), enrol("saksi", [TPS], party=3)
    half = len(PHOTO) // 2
    create(author, PHOTO)
    patch(author, 0, PHOTO[:half])
    fake = PHOTO[:100] + bytes(len(PHOTO) - 100)  # a JPEG head, not the photo
    assert create(forger, PHOTO).status_code == 201  # declares the author's hash and size
    refused = patch(forger, 0, fake)
    assert refused.status_code == 422
    assert refused.json()["code"] == "hash_mismatch"
    assert not partial_path(settings, SHA, forger.id).exists()
    assert status(forger).status_code == 404  # its upload is gone, the author's is not said
    assert not blob_path(settings, SHA).exists()
    assert patch(author, half, PHOTO[half:]).json()["complete"] is True  # unspoilt
    cite(forger, "t-forger")
    assert read(forger).status_code == 404
    assert hashlib.sha256(blob_path(settings, SHA).read_bytes()).hexdigest() == SHA
    left = [p for p in (Path(settings.blob_dir) / ".partial").rglob("*") if p.is_file()]
    assert left == []
