"""`verify-log`: the whole change log checked as an outsider would (core/audit.py), in one pass.

Chain links, every signed batch and every op against it, the records table against records
re-derived from the log, and each checkpoint someone holds (the log must still extend it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from core.audit import BatchChecker, Finding, chain_finding, checkpoint_findings, record_findings
from core.ledger import GENESIS, derive
from core.protocol import Checkpoint, DeviceKeyDoc
from sync_server.store.base import Store
from sync_server.store.models import StoredRecord
from sync_server.sync.chain import canonical


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    entries: int = 0
    signed_ops: int = 0
    server_ops: int = 0
    legacy_ops: int = 0
    unsigned_until: int = 0
    records: int = 0
    checkpoints: int = 0


def key_docs(store: Store, device_ids: set[str] | None = None) -> list[DeviceKeyDoc]:
    """Every key of every device (or of `device_ids`), with enrolment and revocation times."""
    out = []
    for d in store.list_devices():
        if device_ids is not None and d.id not in device_ids:
            continue
        for k in store.evidence().keys(d.id):
            out.append(DeviceKeyDoc(device_id=d.id, user_id=d.user_id, key_id=k.key_id,
                                    public_key=k.public_key, from_ms=k.from_ms,
                                    until_ms=k.until_ms, enrolled_ms=d.created_ms,
                                    revoked_ms=d.revoked_ms))  # fmt: skip
    return out


def record_doc(r: StoredRecord) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "tps": r.tps, "author": r.author, "fields": r.fields,
            "stamps": {k: list(v) for k, v in r.stamps.items()}}  # fmt: skip


def verify(store: Store, checkpoints: list[Checkpoint], server_key: str | None) -> Report:
    until = store.evidence().unsigned_until()
    report = Report(checkpoints=len(checkpoints), unsigned_until=until)
    checker = BatchChecker(key_docs(store), unsigned_until=until)
    wanted = {cp.log_id for cp in checkpoints}
    hashes: dict[int, str] = {0: GENESIS}

    def entries() -> Iterator[dict[str, Any]]:
        prev = GENESIS
        for item in store.log_entries():
            text = item.text or canonical(item.entry)
            broken = chain_finding(item.id, prev, item.prev_hash, text, item.hash)
            if broken is not None:
                report.findings.append(broken)
            prev = item.hash
            if item.id in wanted:
                hashes[item.id] = item.hash
            checker.see(item.id, item.entry)
            report.entries += 1
            yield item.entry

    derived = derive(entries())
    stored = [record_doc(r) for r in store.evidence().all_records()]
    report.records = len(stored)
    report.findings += checker.findings
    report.findings += record_findings(derived, stored)
    for cp in checkpoints:
        report.findings += checkpoint_findings(cp, server_key, hashes.get(cp.log_id))
    report.signed_ops, report.server_ops = checker.signed_ops, checker.server_ops
    report.legacy_ops = checker.legacy_ops
    return report
