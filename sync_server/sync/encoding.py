"""How pull pages are compressed, chosen by measurement (bench/pull_compression.py).

A kabupaten of 10,000 records (10 pages of 1000, 7.4 MB of JSON, protocol 2), this machine:

    codec     bytes     CPU    2G (50 kbit/s)
    gzip -6   613 KB    86 ms  98 s
    gzip -9   545 KB   253 ms  87 s
    zstd -3   401 KB     8 ms  64 s
    zstd -9   283 KB    53 ms  45 s
    zstd -19  248 KB  1547 ms  40 s

So a client that accepts zstd (httpx does when `zstandard` is installed: laptops, extra
`desktop`) gets zstd -9: 48% fewer bytes than gzip -9 at a fifth of its CPU. Everyone else
gets gzip -6 from the middleware: a phone's first pull is one page of about 1 KB, where every
gzip level gives the same bytes (525 B for a PTPS), and a big gzip pull costs a third of level
9's CPU for 12% more bytes. A preset dictionary shrinks that PTPS page to 190 B (0.05 s less on
2G) and does nothing for big pages (539 KB vs 545 KB), at the price of a custom encoding and a
dictionary to ship and version with the protocol: not worth it.
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
