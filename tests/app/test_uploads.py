"""Photo uploads against the real server app in-process: resume, dedupe, refusals, order."""

import hashlib

import httpx
import pytest
from fastapi.testclient import TestClient

from app.store import Identity, open_store
from app.store.keys import key_path, write_key
from app.store.photos import add_photo, mark_sent, photo, photo_progress
from app.sync import SyncClient
from app.sync.uploads import UploadProgress, sync_and_upload, upload_photos
from core import signing
from core.registry import build
from sync_server.admin import accounts
from sync_server.blobs.uploads import blob_path
from sync_server.main import create_app
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.photos import form_photo
from tests.server.conftest import REGION_ROWS, T0, TPS

CHUNK = 32 * 1024


class Wire(httpx.BaseTransport):
    """The link to the server: logs requests; can cut or corrupt the n-th chunk."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.log: list[tuple[str, str, int]] = []
        self.cut: set[int] = set()  # PATCH numbers whose connection breaks halfway
        self.flip: set[int] = set()  # PATCH numbers with one byte changed on the way
        self.patches = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.log.append((request.method, request.url.path, len(body)))
        if request.method == "PATCH":
            self.patches += 1
            if self.patches in self.flip:
                body = bytes([body[0] ^ 0xFF]) + body[1:]
            if self.patches in self.cut:
                body = body[: len(body) // 2]  # half arrives, then the line drops
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = httpx.Request("PATCH", request.url, headers=headers, content=body)
            if self.patches in self.cut:
                self.inner.handle_request(request).read()
                raise httpx.ReadError("connection closed mid-chunk")
        return self.inner.handle_request(request)

    def sent(self, method: str) -> int:
        return sum(n for m, _, n in self.log if m == method)


@pytest.fixture
def server(tmp_path):
    settings = Settings(db_path=tmp_path / "server.db", blob_dir=tmp_path / "blobs",
                        now_ms=lambda: T0, max_blob_bytes=400_000)  # fmt: skip
    app = create_app(settings)
    s = SqliteStore(settings.db_path)
    s.replace_region(build(REGION_ROWS))
    tokens = []
    for name in ("a", "b"):
        user = accounts.create_user(s, f"Saksi {name}", "saksi", [TPS], 1)
        key = signing.new_private_key()
        device, token = accounts.add_device(s, user.id, "hp", T0, signing.public_key_of(key))
        tokens.append((device.id, token, user.id, key))
    s.close()
    with TestClient(app) as tc:
        yield settings, tc._transport, tokens


def phone(tmp_path, server, who=0, name="device.db"):
    _settings, transport, tokens = server
    device_id, token, user_id, key = tokens[who]
    store = open_store(tmp_path / f"{who}-{name}")
    write_key(key_path(store), key)
    if store.identity() is None:
        store.set_identity(Identity("http://t", device_id, token, user_id, "S", "saksi", 1, (TPS,)))
    wire = Wire(transport)
    client = SyncClient(store, "http://t", token, transport=wire, sleep=lambda _s: None)
    return store, client, wire


def test_records_first_then_photos_complete_on_the_server(tmp_path, server):
    store, client, wire = phone(tmp_path, server)
    a = add_photo(store, form_photo(900, 700, seed=21))
    b = add_photo(store, form_photo(900, 700, seed=22))
    store.save("t1", "tally", TPS, {"photos": [a]})
    store.save("i1", "incident", TPS, {"bukti": [b]})
    seen: list[UploadProgress] = []
    sync, report = sync_and_upload(client, seen.append)
    assert sync.pushed == 2
    assert sorted(report.uploaded) == sorted([a, b])
    methods = [m for m, _, _ in wire.log]
    assert methods.index("PATCH") > methods.index("POST")  # the push went first
    # the start-up epoch check, then the push
    assert [path for _, path, _ in wire.log[:2]] == ["/v1/sync/epoch", "/v1/sync/push"]
    for sha in (a, b):
        assert hashlib.sha256(blob_path(server[0], sha).read_bytes()).hexdigest() == sha
        assert photo(store, sha).state == "complete"
    assert seen[-1].done_bytes == seen[-1].total_bytes == report.bytes_needed
    progress = photo_progress(store)
    assert progress.pending == 0
    assert progress.waiting_records == ()
    assert progress.bytes_sent == progress.bytes_total


def test_a_hash_the_server_has_is_sent_again_by_another_user_then_not_again(tmp_path, server):
    """Another user's phone is never told "already have it" (that would say the photo exists):
    it sends the bytes itself, once; then the server has them from this phone too."""
    original = form_photo(900, 700, seed=23)
    first, c1, _ = phone(tmp_path, server, 0)
    sha = add_photo(first, original)
    first.save("t1", "tally", TPS, {"photos": [sha]})
    sync_and_upload(c1)
    second, c2, wire = phone(tmp_path, server, 1)
    assert add_photo(second, original) == sha  # same original, same encoding, same hash
    second.save("t2", "tally", TPS, {"photos": [sha]})
    _, report = sync_and_upload(c2)
    assert report.already_had == []
    assert report.uploaded == [sha]
    assert wire.sent("PATCH") == photo(second, sha).size
    assert photo(second, sha).state == "complete"
    again = upload_photos(c2)
    assert again.already_had == []
    assert again.uploaded == []
    third, c3, wire3 = phone(tmp_path, server, 1, name="again.db")  # the same phone, reset
    assert add_photo(third, original) == sha
    third.save("t3", "tally", TPS, {"photos": [sha]})
    _, report = sync_and_upload(c3)
    assert report.already_had == [sha]  # this device sent these bytes before
    assert wire3.sent("PATCH") == 0


def test_dropped_chunks_resume_from_the_server_offset(tmp_path, server):
    store, client, wire = phone(tmp_path, server)
    sha = add_photo(store, form_photo(1600, 1200, seed=24))
    store.save("t1", "tally", TPS, {"photos": [sha]})
    client.sync_once()
    wire.cut = {1, 3, 4}
    report = upload_photos(client, chunk_bytes=CHUNK)
    size = photo(store, sha).size
    assert report.uploaded == [sha]
    assert report.drops == 3
    assert report.bytes_needed == size
    assert wire.sent("PATCH") <= size + report.drops * CHUNK
    assert wire.sent("PATCH") == report.bytes_sent
    assert hashlib.sha256(blob_path(server[0], sha).read_bytes()).hexdigest() == sha


def test_app_restart_resumes_where_the_server_is(tmp_path, server):
    store, client, wire = phone(tmp_path, server)
    sha = add_photo(store, form_photo(1600, 1200, seed=25))
    store.save("t1", "tally", TPS, {"photos": [sha]})
    client.sync_once()

    class Killed(Exception):
        pass

    def die_after_two(p):
        if p.offset >= 2 * CHUNK:
            raise Killed

    with pytest.raises(Killed):
        upload_photos(client, die_after_two, chunk_bytes=CHUNK)
    store.db.conn.close()
    store, client, wire = phone(tmp_path, server)  # the app starts again from its file
    assert photo(store, sha).sent == 2 * CHUNK
    report = upload_photos(client, chunk_bytes=CHUNK)
    first_patch = next(i for i, (m, _, _) in enumerate(wire.log) if m == "PATCH")
    assert wire.log[first_patch - 1][0] == "POST"  # asked, then went on from 2 chunks
    assert report.bytes_needed == photo(store, sha).size - 2 * CHUNK
    assert report.bytes_sent == report.bytes_needed
    assert photo(store, sha).state == "complete"


def test_corrupted_chunk_restarts_once_then_completes(tmp_path, server):
    store, client, wire = phone(tmp_path, server)
    sha = add_photo(store, form_photo(900, 700, seed=26))
    store.save("t1", "tally", TPS, {"photos": [sha]})
    client.sync_once()
    wire.flip = {1}
    report = upload_photos(client, chunk_bytes=CHUNK)
    assert report.uploaded == [sha]
    assert hashlib.sha256(blob_path(server[0], sha).read_bytes()).hexdigest() == sha


def test_corruption_every_time_marks_the_photo_failed_not_complete(tmp_path, server):
    store, client, wire = phone(tmp_path, server)
    sha = add_photo(store, form_photo(300, 200, seed=27))  # one chunk
    store.save("t1", "tally", TPS, {"photos": [sha]})
    client.sync_once()
    wire.flip = set(range(1, 10))
    report = upload_photos(client, chunk_bytes=CHUNK)
    got = photo(store, sha)
    assert report.failed
    assert got.state == "failed"
    assert "SHA-256" in (got.reason or "")
    assert not blob_path(server[0], sha).exists()


def test_a_refused_photo_is_failed_and_others_still_go(tmp_path, server):
    store, client, _wire = phone(tmp_path, server)
    big = add_photo(store, form_photo(2400, 1800, seed=28, noise=80))
    small = add_photo(store, form_photo(300, 200, seed=29))
    mark_sent(store, big, 0)
    store.db.execute("update photos set size = 500000 where sha256 = ?", [big])  # over the limit
    store.save("t1", "tally", TPS, {"photos": [big, small]})
    client.sync_once()
    report = upload_photos(client)
    assert report.uploaded == [small]
    assert [sha for sha, _ in report.failed] == [big]
    assert photo(store, big).state == "failed"
    assert "KB" in (photo(store, big).reason or "")
