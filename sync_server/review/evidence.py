"""An evidence bundle (ZIP) for one TPS or one incident, for Bawaslu / Gakkumdu.

Contents: `records.json` (current state of each record), `history.json` (its change-log entries
with their hash chain: each entry's `hash` is sha256 of `prev_hash` followed by `entry_json`,
the entry exactly as the server stored it), `batches.json` (the `signed_batch` log entries that
carried those ops: each device's manifest and Ed25519 signature), `devices.json` (the public
keys of those devices with enrolment, rotation and revocation times), `checkpoint.json` (the
server's signed log head, made when the bundle is), `reconciliation.json` (for a TPS),
`photos/<sha256>.jpg` for every cited photo whose verified bytes are on this server, and
`manifest.json` listing each file with its SHA-256 (and the photos that were cited but are not
here yet), with `how_to_check` saying the same in words. `pantau-verify BUNDLE.zip` checks all
of it offline (core/bundle_check.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from core.ledger import is_op
from core.protocol import Checkpoint
from sync_server.blobs.access import uploaders
from sync_server.review.reads import history
from sync_server.store.base import Store
from sync_server.store.models import StoredRecord
from sync_server.sync.audit import key_docs
from sync_server.sync.chain import canonical

PHOTO_FIELDS = ("photos", "bukti")


def _photo_file(blob_dir: Path, sha: str) -> bytes | None:
    """The bytes of a complete photo, only when they still hash to their name."""
    for path in (blob_dir / sha[:2] / sha, blob_dir / sha):
        if path.is_file():
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == sha:
                return data
    return None


def _cited(records: list[StoredRecord]) -> list[str]:
    found = {p for r in records for name in PHOTO_FIELDS for p in r.fields.get(name) or []}
    return sorted(p for p in found if isinstance(p, str))


def _record_doc(r: StoredRecord) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "tps": r.tps, "author": r.author,
            "author_role": r.author_role, "author_party": r.author_party, "fields": r.fields,
            "stamps": {k: list(v) for k, v in r.stamps.items()}, "seq": r.seq}  # fmt: skip


def _signed(store: Store, records: list[StoredRecord]) -> tuple[list[dict[str, Any]], set[str]]:
    """The signed-batch entries that carried the records' ops, and the devices involved."""
    ev = store.evidence()
    found: dict[int, dict[str, Any]] = {}
    devices: set[str] = set()
    for r in records:
        for item in store.recon().history(r.id):
            e = item.entry
            if not is_op(e) or "batch" not in e:
                continue
            devices.add(str(e["device_id"]))
            carrier = ev.batch_entry(str(e["device_id"]), int(e["batch"]), item.id)
            if carrier is not None:
                found[carrier.id] = {
                    "log_id": carrier.id,
                    "entry_json": carrier.text,
                    "prev_hash": carrier.prev_hash,
                    "hash": carrier.hash,
                }
    return [found[k] for k in sorted(found)], devices


def bundle(
    store: Store,
    records: list[StoredRecord],
    blob_dir: Path,
    subject: dict[str, Any],
    checkpoint: Checkpoint,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """Zip the records, their history with its signed batches and device keys, the latest
    checkpoint, the reconciliation and the photos, with a manifest."""
    batches, devices = _signed(store, records)
    keys = [k.model_dump() for k in key_docs(store, devices)]
    files: dict[str, bytes] = {
        "records.json": _json([_record_doc(r) for r in records]),
        "history.json": _json({r.id: history(store, r.id) for r in records}),
        "batches.json": _json(batches),
        "devices.json": _json(keys),
        "checkpoint.json": _json(checkpoint.model_dump()),
    }
    for name, value in (extra or {}).items():
        files[name] = _json(value)
    missing = []
    authors = {r.author for r in records}
    for sha in _cited(records):  # a hash cited by someone who never uploaded it opens nothing
        data = _photo_file(blob_dir, sha) if uploaders(store, sha) & authors else None
        if data is None:
            missing.append(sha)
        else:
            files[f"photos/{sha}.jpg"] = data
    manifest = {
        "subject": subject,
        "how_to_check": HOW_TO_CHECK,
        "files": [
            {"name": n, "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)}
            for n, b in sorted(files.items())
        ],
        "photos_missing": missing,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            z.writestr(name, data)
        z.writestr("manifest.json", _json(manifest))
    return out.getvalue()


HOW_TO_CHECK = {
    "id": "Jalankan: pantau-verify BERKAS.zip (tanpa internet, tanpa server). Setiap berkas: "
    "sha256 isinya sama dengan 'sha256' di daftar ini. Setiap entri history.json: "
    "sha256(prev_hash + entry_json) sama dengan 'hash'. Setiap op: sha256 bentuk kanoniknya "
    "ada di manifest batch-nya (batches.json) yang ditandatangani kunci perangkat "
    "(devices.json). Data di records.json sama dengan hasil menerapkan ulang history.json. "
    "checkpoint.json ditandatangani kunci server; seluruh log server diperiksa terhadap "
    "checkpoint dengan perintah server verify-log --checkpoints.",
    "en": "Run: pantau-verify FILE.zip (offline, no server). Each file: the sha256 of its "
    "bytes equals its 'sha256' here. Each history.json entry: sha256(prev_hash + entry_json) "
    "equals its 'hash'. Each op: the sha256 of its canonical form is listed in its batch "
    "manifest (batches.json), signed by the device key (devices.json). records.json equals "
    "history.json replayed. checkpoint.json is signed by the server key; the whole server log "
    "is checked against checkpoints with the server command verify-log --checkpoints.",
}


def _json(value: Any) -> bytes:
    return json.dumps(json.loads(canonical(value)), indent=2, ensure_ascii=False).encode()


def for_tps(store: Store, tps: str, blob_dir: Path, checkpoint: Checkpoint) -> bytes:
    records = store.recon().records_at(tps)
    states = {s.ballot: s.doc for s in _states(store, tps)}
    extra = {"reconciliation.json": states}
    return bundle(store, records, blob_dir, {"tps": tps}, checkpoint, extra)


def _states(store: Store, tps: str) -> list[Any]:
    rs = store.recon()
    ballots = {str(r.fields.get("ballot")) for r in rs.records_at(tps) if r.fields.get("ballot")}
    found = [rs.get_state(tps, b) for b in sorted(ballots)]
    return [s for s in found if s is not None]


def for_incident(
    store: Store, record: StoredRecord, blob_dir: Path, checkpoint: Checkpoint
) -> bytes:
    subject = {"incident": record.id, "tps": record.tps}
    return bundle(store, [record], blob_dir, subject, checkpoint)
