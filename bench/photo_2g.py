"""Photo upload over a 2G-like link: one TPS's day of photos through a throttled, cut proxy.

    python bench/photo_2g.py                 # full size, ~7 min at 50 kbit/s
    python bench/photo_2g.py --scale 0.3     # smaller photos, ~1 min

A loopback proxy throttles to --kbit (50) each way with --latency-ms (300) and cuts the
connection --cuts (10) times at random points of the photo bytes. The phone sends its records
first, then 5 C.Hasil photos and 3 incident photos re-encoded by `app.store.photos` (~300 KB
each at full scale). Prints total time against the link's ideal time (bytes / rate, the
baseline), the bytes re-sent, and the ratio of bytes put on the link to photo bytes needed
(target <= 1.05). Everything is on 127.0.0.1; the server and proxy stop at the end.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.store import Identity, open_store
from app.store.keys import key_path, write_key
from app.store.photos import add_photo, upload_queue
from app.sync import Offline, SyncClient
from app.sync.uploads import UploadProgress, upload_photos
from bench._server import running_server
from core import signing
from core.registry import build
from sync_server.admin import accounts
from sync_server.settings import wall_ms
from sync_server.store.sqlite import SqliteStore
from tests.netproxy import Proxy
from tests.photos import form_photo

TPS = "3517012001001"
REGION = [
    {"kode": "35.17", "nama": "Kabupaten Jombang"},
    {"kode": "35.17.01", "nama": "Perak"},
    {
        "kode": "35.17.01.2001",
        "nama": "Jantiganggong",
        "nama_kecamatan": "Perak",
        "tps_reguler_pemilu2024": "3",
    },
]
BALLOTS = ("ppwp", "dpr", "dpd", "dprd_prov", "dprd_kab")


def _server_db(db: Path) -> tuple[str, str, str, bytes]:
    store = SqliteStore(db)
    store.migrate()
    store.replace_region(build(REGION))
    user = accounts.create_user(store, "Saksi bench", "saksi", [TPS], 1)
    key = signing.new_private_key()  # the phone's signing key
    device, token = accounts.add_device(store, user.id, "hp", wall_ms(), signing.public_key_of(key))
    store.close()
    return device.id, token, user.id, key


def _phone(path: Path, ident: tuple[str, str, str, bytes], scale: float, seed: int) -> list[str]:
    """A day at one TPS: 5 tallies with a C.Hasil photo each, 1 incident with 3 photos."""
    store = open_store(path)
    device_id, token, user_id, key = ident
    write_key(key_path(store), key)
    store.set_identity(Identity("", device_id, token, user_id, "Saksi", "saksi", 1, (TPS,)))
    w, h = max(64, int(4000 * scale)), max(48, int(3000 * scale))
    shas = []
    for i, ballot in enumerate(BALLOTS):
        sha = add_photo(store, form_photo(w, h, seed=seed + i, noise=40))
        store.save(f"tally-{ballot}", "tally", TPS, {"ballot": ballot, "photos": [sha]})
        shas.append(sha)
    bukti = [add_photo(store, form_photo(h, w, seed=seed + 10 + i, noise=40)) for i in range(3)]
    store.save("incident-1", "incident", TPS, {"kategori": "logistik", "bukti": bukti})
    store.db.conn.close()
    return shas + bukti


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="photo side factor (1 = 4000 px)")
    ap.add_argument("--kbit", type=float, default=50.0)
    ap.add_argument("--latency-ms", type=float, default=300.0)
    ap.add_argument("--cuts", type=int, default=10)
    ap.add_argument("--chunk-kb", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rate = args.kbit * 1000 / 8
    chunk = args.chunk_kb * 1024

    with tempfile.TemporaryDirectory(prefix="photo2g-") as tmp:
        db, phone_db = Path(tmp) / "server.db", Path(tmp) / "phone.db"
        ident = _server_db(db)
        t0 = time.monotonic()
        shas = _phone(phone_db, ident, args.scale, args.seed)
        print(f"photos: {len(shas)} re-encoded in {time.monotonic() - t0:.1f} s")
        with running_server(db) as url:
            port = int(url.rsplit(":", 1)[1])
            proxy = Proxy(port, rate=rate, latency_s=args.latency_ms / 1000)
            try:
                run(proxy, phone_db, ident[1], args, rate, chunk)
            finally:
                proxy.close()


def run(
    proxy: Proxy, phone_db: Path, token: str, args: argparse.Namespace, rate: float, chunk: int
) -> None:
    store = open_store(phone_db)
    client = SyncClient(store, proxy.url, token, backoff_s=0.5, timeout_s=60)
    started = time.monotonic()
    client.sync_once()
    record_bytes, record_s = proxy.up_bytes, time.monotonic() - started
    queue = upload_queue(store)
    needed = sum(p.size for p in queue)
    rng = random.Random(args.seed)
    proxy.pending_cuts = sorted(
        record_bytes + rng.randrange(1, int(needed * 0.97)) for _ in range(args.cuts)
    )
    print(
        f"records: {record_bytes} B up in {record_s:.1f} s; photos: {len(queue)}, "
        f"{needed} B ({needed // len(queue) // 1024} KB each on average)"
    )
    last = [0.0]

    def show(p: UploadProgress) -> None:
        if time.monotonic() - last[0] > 15 or p.done_bytes == p.total_bytes:
            last[0] = time.monotonic()
            print(
                f"  {time.monotonic() - started:6.1f} s  {p.done_bytes}/{p.total_bytes} B  "
                f"{p.photos_left} photos left  cuts so far {proxy.cuts_done}",
                flush=True,
            )

    body_sent = drops = rounds = 0
    while rounds < 40:  # bounded: every round resumes from the server's offsets
        rounds += 1
        try:
            report = upload_photos(client, show, chunk_bytes=chunk, chunk_timeout_s=180)
            body_sent += report.bytes_sent
            drops += report.drops
            if not upload_queue(store):
                break
        except Offline as exc:
            print(f"  offline ({exc.detail}); the app tries again", flush=True)
    total = time.monotonic() - started
    photo_up = proxy.up_bytes - record_bytes
    ideal = (record_bytes + needed) / rate
    left = len(upload_queue(store))
    print(f"done: {len(queue) - left}/{len(queue)} photos, {proxy.cuts_done} cuts, {rounds} runs")
    print(
        f"total time: {total:.1f} s; link ideal (bytes / {args.kbit:g} kbit/s): {ideal:.1f} s; "
        f"ratio {total / ideal:.2f}"
    )
    print(
        f"photo bytes needed: {needed}; put on the link: {photo_up} (headers included); "
        f"re-sent: {photo_up - needed} B"
    )
    print(f"chunk bytes handed to the socket (finished runs): {body_sent}, drops {drops}")
    print(f"ratio sent / needed: {photo_up / needed:.3f} (target <= 1.05)")
    client.close()
    store.db.conn.close()


if __name__ == "__main__":
    main()
