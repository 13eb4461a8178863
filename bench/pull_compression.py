"""Which compression pays for pull pages: gzip levels, zstd, and a preset dictionary.

    python bench/pull_compression.py [--n 10000]

Seeds a kabupaten (bench/_kabupaten.py), fetches every protocol-2 pull page uncompressed from
the real server for each bench device, then compresses the same bodies every way and prints
bytes, server CPU time and the time those bytes take on 2G (EDGE, ~50 kbit/s) and 3G
(~1 Mbit/s). The dictionary (zlib's preset dictionary, zstd's trained one) is built from a
second kabupaten seeded differently, as a shipped dictionary would be.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._kabupaten import seed
from bench._server import running_server

LINKS = {"2G": 50_000 / 8, "3G": 1_000_000 / 8}  # bytes per second


def pages(url: str, token: str) -> list[bytes]:
    """Every pull page of a fresh device, as the server writes it before compression."""
    headers = {"Authorization": f"Bearer {token}", "X-Pantau-Protocol": "2",
               "Accept-Encoding": "identity"}  # fmt: skip
    out, since = [], 0
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:
        for _ in range(1000):
            r = http.get("/v1/sync/pull", params={"since": since, "limit": 1000})
            r.raise_for_status()
            out.append(r.content)
            body = r.json()
            since = body["next"]
            if not body["more"]:
                break
    return out


def codecs(sample: list[bytes]) -> dict[str, Callable[[bytes], bytes]]:
    """Every candidate; the dictionaries come from `sample` (another kabupaten's pages)."""
    found: dict[str, Callable[[bytes], bytes]] = {
        f"gzip -{lvl}": functools.partial(gzip.compress, compresslevel=lvl, mtime=0)
        for lvl in (1, 4, 6, 9)
    }
    zdict = b"".join(p[:4000] for p in sample)[-32768:]

    def deflate_dict(b: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
        return c.compress(b) + c.flush()

    found["deflate -9 + 32 KB dictionary"] = deflate_dict
    try:
        import zstandard
    except ImportError:
        print("zstandard not installed: zstd rows skipped (pip install zstandard)")
        return found
    for lvl in (3, 9, 19):
        found[f"zstd -{lvl}"] = zstandard.ZstdCompressor(level=lvl).compress
    chunks: list[bytes | bytearray | memoryview] = [
        p[i : i + 2000] for p in sample for i in range(0, len(p), 2000)
    ]
    trained = zstandard.train_dictionary(65536, chunks)
    found["zstd -3 + 64 KB dictionary"] = zstandard.ZstdCompressor(
        level=3, dict_data=trained
    ).compress
    return found


def table(name: str, bodies: list[bytes], codecs_: dict[str, Callable[[bytes], bytes]]) -> None:
    raw = sum(len(b) for b in bodies)
    print(f"\n== {name}: {len(bodies)} pages, {raw:,} B of JSON")
    print(f"  {'codec':32} {'bytes':>10} {'ratio':>6} {'CPU ms':>8} {'2G s':>7} {'3G s':>6}")
    for label, fn in codecs_.items():
        start = time.process_time()
        size = sum(len(fn(b)) for b in bodies)
        cpu = (time.process_time() - start) * 1000
        print(f"  {label:32} {size:>10,} {size / raw:6.3f} {cpu:8.1f} "
              f"{size / LINKS['2G']:7.1f} {size / LINKS['3G']:6.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        other = seed(folder / "other.db", max(args.n // 5, 200), ["ppwp"], rng_seed=99)
        seeded = seed(folder / "server.db", args.n, ["ppwp"])
        with running_server(folder / "other.db") as url:
            sample = pages(url, other.tokens["kabupaten"])
        choices = codecs(sample)
        with running_server(folder / "server.db") as url:
            for name in ("kabupaten", "kecamatan", "ptps", "saksi"):
                table(name, pages(url, seeded.tokens[name]), choices)


if __name__ == "__main__":
    main()
