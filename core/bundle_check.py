"""Checking an evidence bundle offline: given its files, a verdict naming every failure.

Pure (the files come in as bytes; `verifier/main.py` reads the ZIP and prints). What it proves
and what it cannot: every op in the bundle is exactly what a registered device signed, its
batch arrived while the device's key was valid and before the device was revoked, the records
are what the ops add up to, the photos are the bytes the ops cite, and the checkpoint is
signed by the server's key. It cannot see entries outside the bundle: that the whole server
log still extends the checkpoint is proven on the server with `verify-log --checkpoints`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from core import ledger, signing
from core.audit import BatchChecker, Finding, chain_finding, record_findings
from core.protocol import Checkpoint, DeviceKeyDoc

PHOTO_FIELDS = ("photos", "bukti")


@dataclass
class Verdict:
    findings: list[Finding] = field(default_factory=list)
    signed_ops: int = 0
    server_ops: int = 0
    records: int = 0
    photos: int = 0
    devices: list[DeviceKeyDoc] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    after_checkpoint: int = 0  # entries newer than the checkpoint

    @property
    def ok(self) -> bool:
        return not self.findings


def _bad(v: Verdict, code: str, where: str, id_: str, en: str) -> None:
    v.findings.append(Finding(code, where, id_, en))


def _load(files: Mapping[str, bytes], name: str, v: Verdict) -> Any:
    try:
        return json.loads(files[name])
    except KeyError:
        _bad(v, "file_missing", name, "berkas tidak ada di bundel", "file missing from the bundle")
    except ValueError:
        _bad(v, "file_unreadable", name, "berkas bukan JSON yang sah", "file is not valid JSON")
    return None


def _files(files: Mapping[str, bytes], v: Verdict) -> None:
    """Each file as the manifest lists it; each photo's bytes hash to its own name."""
    manifest = _load(files, "manifest.json", v) or {}
    listed = {f["name"]: f["sha256"] for f in manifest.get("files", [])}
    for name, data in sorted(files.items()):
        if name == "manifest.json":
            continue
        if name not in listed:
            _bad(v, "file_unlisted", name, "berkas tidak tercantum di manifest.json",
                 "file not listed in manifest.json")  # fmt: skip
        elif hashlib.sha256(data).hexdigest() != listed[name]:
            _bad(v, "file_altered", name, "isi berkas berbeda dari sha256 di manifest.json",
                 "file content differs from its sha256 in manifest.json")  # fmt: skip
        if name.startswith("photos/"):
            v.photos += 1
            if hashlib.sha256(data).hexdigest() != name.removeprefix("photos/").split(".")[0]:
                _bad(v, "photo_swapped", name, "foto ditukar: isinya bukan foto dengan hash ini",
                     "photo swapped: its bytes are not the photo with this hash")  # fmt: skip
    for name in listed:
        if name not in files:
            _bad(v, "file_missing", name, "berkas tercantum tetapi tidak ada",
                 "listed file is missing")  # fmt: skip


def _entries(files: Mapping[str, bytes], v: Verdict) -> list[tuple[int, dict[str, Any]]]:
    """Every log entry in the bundle (history and batches) by id, each link checked."""
    raw: dict[int, dict[str, Any]] = {}
    history = _load(files, "history.json", v) or {}
    for items in history.values():
        for item in items:
            raw[int(item["log_id"])] = item
    for item in _load(files, "batches.json", v) or []:
        raw[int(item["log_id"])] = item
    out = []
    for log_id in sorted(raw):
        item = raw[log_id]
        text = str(item.get("entry_json", ""))
        bad = chain_finding(log_id, str(item.get("prev_hash")), str(item.get("prev_hash")),
                            text, str(item.get("hash")))  # fmt: skip
        before = raw.get(log_id - 1)
        if bad is None and before is not None and before.get("hash") != item.get("prev_hash"):
            bad = chain_finding(log_id, str(before.get("hash")), str(item.get("prev_hash")),
                                text, str(item.get("hash")))  # fmt: skip
        if bad is not None:
            v.findings.append(bad)
        out.append((log_id, json.loads(text) if text else {}))
    return out


def _photos_cited(files: Mapping[str, bytes], entries: list[tuple[int, dict[str, Any]]],
                  v: Verdict) -> None:  # fmt: skip
    cited = {p for _, e in entries if ledger.is_op(e) for n in PHOTO_FIELDS
             for p in (e["fields"].get(n) or []) if isinstance(p, str)}  # fmt: skip
    for name in files:
        sha = name.removeprefix("photos/").split(".")[0]
        if name.startswith("photos/") and sha not in cited:
            _bad(v, "photo_not_cited", name, "tidak ada op bertanda tangan yang mengutip foto ini",
                 "no signed op cites this photo")  # fmt: skip


def _checkpoint(files: Mapping[str, bytes], entries: list[tuple[int, dict[str, Any]]],
                v: Verdict, server_key: str | None) -> None:  # fmt: skip
    doc = _load(files, "checkpoint.json", v)
    if doc is None:
        return
    try:
        cp = Checkpoint.model_validate(doc)
    except ValidationError:
        return _bad(v, "checkpoint_unreadable", "checkpoint.json", "checkpoint tidak terbaca",
                    "checkpoint cannot be read")  # fmt: skip
    v.checkpoint = cp
    if not signing.verify_checkpoint(cp, server_key):
        _bad(v, "checkpoint_forged", "checkpoint.json",
             "checkpoint tidak ditandatangani kunci server" + (" yang diberikan" if server_key
                                                               else ""),
             "the checkpoint is not signed by the server key")  # fmt: skip
    v.after_checkpoint = sum(1 for log_id, _ in entries if log_id > cp.log_id)


def check(files: Mapping[str, bytes], server_key: str | None = None) -> Verdict:
    """Every check over one bundle; `server_key` pins the server's published key."""
    v = Verdict()
    _files(files, v)
    entries = _entries(files, v)
    try:
        v.devices = [DeviceKeyDoc.model_validate(d) for d in _load(files, "devices.json", v) or []]
    except ValidationError:
        _bad(v, "file_unreadable", "devices.json", "daftar kunci perangkat tidak terbaca",
             "the device key list cannot be read")  # fmt: skip
    checker = BatchChecker(v.devices)
    for log_id, entry in entries:
        checker.see(log_id, entry)
    v.findings += checker.findings
    v.signed_ops, v.server_ops = checker.signed_ops, checker.server_ops
    stored = _load(files, "records.json", v) or []
    v.records = len(stored)
    v.findings += record_findings(ledger.derive(e for _, e in entries), stored)
    _photos_cited(files, entries, v)
    _checkpoint(files, entries, v, server_key)
    return v
