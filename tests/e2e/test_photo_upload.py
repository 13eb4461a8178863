"""Photos over a real uvicorn process and a link that breaks: cut mid-chunk, server killed with
SIGKILL mid-chunk and restarted on the same files, app restarted from its database.

Whatever the interruptions, both photos end complete on the server with the right hash, and
each interruption costs at most one chunk sent again.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from pathlib import Path

import httpx
import pytest

from app.store import Identity, open_store
from app.store.keys import key_path, write_key
from app.store.photos import add_photo, photo, upload_queue
from app.sync import Offline, SyncClient
from app.sync.uploads import upload_photos
from core import signing
from core.registry import build
from sync_server.admin import accounts
from sync_server.blobs.uploads import blob_path, partial_path
from sync_server.settings import Settings, wall_ms
from sync_server.store.sqlite import SqliteStore
from tests.netproxy import Proxy
from tests.photos import form_photo
from tests.server.conftest import REGION_ROWS, TPS, TPS_GUDO
from tests.server.test_kill9 import Server

pytestmark = pytest.mark.e2e
CHUNK = 64 * 1024
CUTS = 4


def _server_db(db: Path) -> dict[str, tuple[str, str, str, bytes]]:
    store = SqliteStore(db)
    store.migrate()
    store.replace_region(build(REGION_ROWS))
    tokens = {}
    for name, tps in (("author", TPS), ("outsider", TPS_GUDO)):
        user = accounts.create_user(store, name, "saksi", [tps], 1)
        key = signing.new_private_key()
        public = signing.public_key_of(key)
        device, token = accounts.add_device(store, user.id, "hp", wall_ms(), public)
        tokens[name] = (device.id, token, user.id, key)
    store.close()
    return tokens


def _kill_mid_chunk(server: Server, part: Path, at: int, killed: threading.Event) -> None:
    """Kill the server once its partial file is past `at` bytes (inside a chunk); bounded."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not killed.is_set():
        if part.exists() and part.stat().st_size > at:
            server.kill9()
            killed.set()
            return
        time.sleep(0.002)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_upload_survives_cuts_kill9_and_app_restart(tmp_path, monkeypatch, seed):
    blobs = tmp_path / "blobs"
    monkeypatch.setenv("PANTAU_BLOB_DIR", str(blobs))
    db = tmp_path / "server.db"
    tokens = _server_db(db)
    device_id, token, user_id, key = tokens["author"]
    originals = [form_photo(2400, 1800, seed=31), form_photo(2400, 1800, seed=32)]

    phone_db = tmp_path / "phone.db"
    store = open_store(phone_db)
    write_key(key_path(store), key)
    store.set_identity(Identity("", device_id, token, user_id, "Siti", "saksi", 1, (TPS,)))
    shas = [add_photo(store, o) for o in originals]
    store.save("t1", "tally", TPS, {"photos": [shas[0]]})
    store.save("i1", "incident", TPS, {"bukti": [shas[1]]})
    sizes = {p.sha256: p.size for p in upload_queue(store)}
    needed = sum(sizes.values())
    second = upload_queue(store)[1].sha256

    server = Server(Settings(db_path=db), delay_ms=0)
    settings = Settings(db_path=db, blob_dir=blobs)
    direct = SyncClient(store, server.url, token)
    assert direct.sync_once().pushed == 2  # records first
    direct.close()
    rng = random.Random(seed)
    cuts = sorted(rng.randrange(2_000, int(needed * 0.9)) for _ in range(CUTS))
    proxy = Proxy(server.port, rate=400_000, cuts=cuts)
    killed = threading.Event()
    try:
        client = SyncClient(store, proxy.url, token, backoff_s=0.05)
        part = partial_path(settings, second, device_id)
        watcher = threading.Thread(
            target=_kill_mid_chunk, args=(server, part, CHUNK + CHUNK // 2, killed)
        )
        watcher.start()
        with pytest.raises(Offline):
            upload_photos(client, chunk_bytes=CHUNK)
        watcher.join(timeout=60)
        assert killed.is_set()
        client.close()
        store.db.conn.close()

        server = Server(Settings(db_path=db), delay_ms=0)  # same database file, same blobs
        proxy.target_port = server.port
        store = open_store(phone_db)  # the app starts again from its file
        client = SyncClient(store, proxy.url, token, backoff_s=0.05)
        for _ in range(10):  # bounded: each round resumes from the server's offset
            try:
                upload_photos(client, chunk_bytes=CHUNK)
            except Offline:
                continue
            if not upload_queue(store):
                break
        client.close()
        assert upload_queue(store) == []
        for sha, original in zip(shas, originals, strict=True):
            stored = blob_path(settings, sha).read_bytes()
            assert hashlib.sha256(stored).hexdigest() == sha == photo(store, sha).sha256
            assert photo(store, sha).original_sha256 == hashlib.sha256(original).hexdigest()
            assert photo(store, sha).state == "complete"
        assert proxy.cuts_done == CUTS
        interruptions = CUTS + 1  # + the kill
        # Everything the client put on the link (headers and every create/offset request
        # included) against the photo bytes needed: at most one chunk more per interruption.
        overhead = 16 * 1024  # measured: ~10 KB of headers and JSON for ~40 requests
        assert proxy.up_bytes <= needed + interruptions * CHUNK + overhead
        assert part.exists() is False

        url = f"{server.url}/v1/blobs/{shas[0]}/content"
        got = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200
        assert hashlib.sha256(got.content).hexdigest() == shas[0]
        outsider = tokens["outsider"][1]
        assert httpx.get(url, headers={"Authorization": f"Bearer {outsider}"}).status_code == 403
    finally:
        proxy.close()
        server.stop()
