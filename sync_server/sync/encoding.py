"""How pull pages are compressed, chosen by measurement (bench/pull_compression.py).

A kabupaten of 10,000 records (20 pages, 7.4 MB of JSON, protocol 2) on this machine:

    codec     bytes     CPU    2G (50 kbit/s)
    gzip -6   622 KB    87 ms  99 s
    gzip -9   555 KB   253 ms  89 s
    zstd -3   436 KB     9 ms  70 s
    zstd -9   319 KB    44 ms  51 s
    zstd -19  283 KB  1704 ms  45 s

So a client that accepts zstd (httpx does when `zstandard` is installed: laptops, extra
`desktop`) gets zstd -9: 43% fewer bytes than gzip -9 at a sixth of its CPU. Everyone else
gets gzip -6 from the middleware: a phone's first pull is one page of about 1 KB, where every
gzip level gives the same bytes, and a big gzip pull costs a third of level 9's CPU for 12%
more bytes. A preset dictionary would shrink a phone's 1 KB page to about 200 B (0.05 s on 2G)
at the price of a custom encoding and a dictionary to ship and version: not worth it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import Response

log = logging.getLogger(__name__)

GZIP_LEVEL = 6
ZSTD_LEVEL = 9
MIN_BYTES = 512  # as the phones gzip pushes: below this, too few bytes saved to matter

try:
    import zstandard
except ImportError:  # the `server` extra installs it; without it every client gets gzip
    zstd: Callable[[bytes], bytes] | None = None
    log.info("zstandard not installed: pull pages go out as gzip only")
else:

    def zstd(body: bytes) -> bytes:
        # a compressor per call: one instance is not safe across the server's worker threads
        return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(body)


def accepts(header: str, coding: str) -> bool:
    """True when an Accept-Encoding header lists `coding` without q=0."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() == coding:
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def json_response(body: bytes, accept_encoding: str) -> Response:
    """A JSON body, zstd-compressed for a client that accepts it; else left to the gzip
    middleware (a response that already has a Content-Encoding passes it untouched)."""
    if zstd is not None and len(body) >= MIN_BYTES and accepts(accept_encoding, "zstd"):
        packed = zstd(body)
        headers = {"Content-Encoding": "zstd", "Vary": "Accept-Encoding"}
        return Response(packed, media_type="application/json", headers=headers)
    return Response(body, media_type="application/json")
