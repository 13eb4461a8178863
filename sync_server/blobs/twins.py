"""When a photo is complete: fingerprint it, find the photos that look like the same sheet,
and reconcile again every TPS-ballot that cites it or one of them (photo_reused flags)."""

from __future__ import annotations

import logging
from pathlib import Path

from sync_server.blobs import similar
from sync_server.review import reconcile
from sync_server.settings import Settings
from sync_server.store.base import Store

log = logging.getLogger(__name__)


def index_photo(store: Store, settings: Settings, sha256: str, path: Path) -> list[str]:
    """Store the photo's fingerprint and its look-alikes; returns the look-alikes' hashes."""
    fp = similar.fingerprint(path.read_bytes())
    found: list[tuple[str, int]] = []
    with store.transaction():
        if fp is not None:
            blobs = store.blobs()
            for other, text in blobs.prints():
                if other == sha256:
                    continue
                d = similar.distance(fp, similar.decode(text))
                if d <= similar.SIMILAR_BITS:
                    found.append((other, d))
            blobs.put_print(sha256, similar.encode(fp))
            blobs.put_twins(sha256, found)
        _recompute(store, settings, sha256)
    if found:
        log.info("photo %s looks like %d other photo(s)", sha256[:12], len(found))
    return [t for t, _ in found]


def _recompute(store: Store, settings: Settings, sha256: str) -> None:
    """The TPS-ballots citing this photo or another file of the same sheet see it now."""
    election = reconcile.load_election(settings.election_file)
    reconcile.catch_up(store, election)
    rs = store.recon()
    hashes = sorted({sha256, *(t.twin for t in rs.photo_twins([sha256]))})
    for key in sorted({(u.tps, u.ballot) for u in rs.photo_uses(hashes) if u.ballot}):
        reconcile.recompute_key(rs, *key, election)
