"""Checks of the change log that trust neither the server nor its database (pure, no I/O).

Used by the server's `verify-log` over the whole log and by `pantau-verify` over an evidence
bundle. Every failure is a `Finding` naming where it is and what is wrong, in Bahasa Indonesia
and English. What is checked:

- the hash chain (each entry hashes its predecessor's hash and its own stored text);
- each signed batch: its signature by the device key it names, that key registered for that
  device and valid when the batch arrived, the device not revoked by then;
- each op: rebuilt from its entry, its SHA-256 is the one its batch lists at its position
  (an op edited, moved to another record or TPS, or credited to another device fails here);
- records as stored equal records re-derived from the log;
- checkpoints: signed by the server's key, and the log still holds their entry and hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from core import ledger, signing
from core.protocol import Checkpoint, DeviceKeyDoc, SignedBatch


@dataclass(frozen=True)
class Finding:
    code: str
    where: str
    id: str
    en: str

    def text(self, lang: str = "id") -> str:
        return f"{self.where}: {self.id if lang == 'id' else self.en}"


def chain_finding(log_id: int, prev: str, prev_hash: str, text: str, digest: str) -> Finding | None:
    """The link of entry `log_id` to the hash before it (`prev`), checked on its stored text."""
    if prev_hash != prev or ledger.chained_hash(prev, text) != digest:
        return Finding("chain_broken", f"log {log_id}",
                       f"rantai hash putus di entri {log_id}: entri ini diubah, disisipkan atau "
                       "entri sebelumnya dihapus", f"hash chain broken at entry {log_id}: it was "
                       "edited or inserted, or the one before it removed")  # fmt: skip
    return None


@dataclass
class BatchChecker:
    """Feed entries in log order with `see`; it keeps the batches it met and the findings."""

    keys: list[DeviceKeyDoc]
    unsigned_until: int = 0  # ops up to this log id were logged before signing began
    findings: list[Finding] = field(default_factory=list)
    signed_ops: int = 0
    server_ops: int = 0
    legacy_ops: int = 0
    _batches: dict[str, SignedBatch] = field(default_factory=dict)

    def _bad(self, code: str, where: str, id_: str, en: str) -> None:
        self.findings.append(Finding(code, where, id_, en))

    def see(self, log_id: int, entry: Mapping[str, Any]) -> None:
        if ledger.is_batch(entry):
            self._batch(log_id, entry)
        elif ledger.is_op(entry):
            self._op(log_id, entry)

    def _key(self, device_id: str, key_id: str) -> DeviceKeyDoc | None:
        return next((k for k in self.keys if k.device_id == device_id and k.key_id == key_id),
                    None)  # fmt: skip

    def _batch(self, log_id: int, entry: Mapping[str, Any]) -> None:
        where = f"log {log_id} (batch {entry.get('batch_of')})"
        try:
            batch = ledger.batch_of(entry)
        except (ValidationError, KeyError):
            return self._bad("batch_unreadable", where, "manifest batch tidak terbaca",
                             "the batch manifest cannot be read")  # fmt: skip
        m, at = batch.manifest, int(entry.get("received_ms", 0))
        key = self._key(m.device_id, m.key_id)
        device = entry.get("device_id")
        if m.device_id != device or key is None:
            return self._bad("batch_key_unknown", where,
                             f"kunci {m.key_id} bukan kunci perangkat {device}",
                             f"key {m.key_id} is not a key of device {device}")  # fmt: skip
        if not signing.verify_batch(key.public_key, batch):
            return self._bad("batch_forged", where,
                             "tanda tangan batch tidak sah (dipalsukan atau diubah)",
                             "the batch signature does not verify (forged or altered)")  # fmt: skip
        if key.revoked_ms is not None and at > key.revoked_ms:
            self._bad("batch_after_revocation", where,
                      f"batch diterima setelah perangkat {m.device_id} dicabut",
                      f"batch received after device {m.device_id} was revoked")  # fmt: skip
        elif at < key.from_ms or (key.until_ms is not None and at >= key.until_ms):
            self._bad("batch_key_not_valid", where,
                      f"kunci {m.key_id} tidak berlaku saat batch diterima",
                      f"key {m.key_id} was not valid when the batch arrived")  # fmt: skip
        self._batches[ledger.batch_key(m.device_id, m.batch)] = batch

    def _op(self, log_id: int, entry: Mapping[str, Any]) -> None:
        where = f"log {log_id} (op {entry.get('op_id')}, data {entry.get('record_id')})"
        if entry.get("via") == "server" and "batch" not in entry:
            self.server_ops += 1
            return
        if "batch" not in entry and log_id <= self.unsigned_until:
            self.legacy_ops += 1
            return
        device = str(entry.get("device_id", ""))
        batch = self._batches.get(ledger.batch_key(device, int(entry.get("batch", 0))))
        index = int(entry.get("index", -1))
        if batch is None or not 0 <= index < len(batch.manifest.ops):
            return self._bad("op_unsigned", where,
                             f"tidak ada batch bertanda tangan perangkat {device} untuk op ini",
                             f"no batch signed by device {device} carries this op")  # fmt: skip
        try:
            digest = signing.op_digest(ledger.op_of(entry))
        except (ValidationError, KeyError):
            digest = ""
        if digest != batch.manifest.ops[index]:
            return self._bad("op_altered", where,
                             "op tidak sama dengan yang ditandatangani perangkat (isi, data, "
                             "TPS atau perangkat diubah)", "the op differs from what its device "
                             "signed (values, record, TPS or device changed)")  # fmt: skip
        self.signed_ops += 1


def record_findings(
    derived: Mapping[str, ledger.Derived], stored: Iterable[Mapping[str, Any]]
) -> list[Finding]:
    """Stored records (id, kind, tps, author, fields, stamps) against those re-derived."""
    out, seen = [], set()
    for r in stored:
        rid = str(r["id"])
        seen.add(rid)
        where = f"data {rid}"
        d = derived.get(rid)
        if d is None:
            out.append(Finding("record_not_in_log", where, "data ini tidak berasal dari log",
                               "this record does not come from the log"))  # fmt: skip
            continue
        bad = ledger.differences(d, r["fields"], r["stamps"])
        bad += [k for k in ("kind", "tps", "author") if str(r[k]) != getattr(d, k)]
        if bad:
            names = ", ".join(bad)
            out.append(Finding("record_edited", where,
                               f"isi tersimpan berbeda dari log pada: {names}",
                               f"stored values differ from the log in: {names}"))  # fmt: skip
    for rid, d in derived.items():
        if rid not in seen and not d.fields.get("deleted"):
            out.append(Finding("record_missing", f"data {rid}", "data dari log hilang",
                               "a record of the log is missing"))  # fmt: skip
    return out


def checkpoint_findings(
    cp: Checkpoint, server_key: str | None, hash_at: str | None
) -> list[Finding]:
    """One held checkpoint: signed by the server key, and the log still extends it."""
    where = f"checkpoint log {cp.log_id}"
    if not signing.verify_checkpoint(cp, server_key):
        return [Finding("checkpoint_forged", where,
                        "checkpoint tidak ditandatangani kunci server ini",
                        "the checkpoint is not signed by this server's key")]  # fmt: skip
    if hash_at is None:
        return [Finding("log_truncated", where,
                        f"log berakhir sebelum entri {cp.log_id}: ekor log dipotong",
                        f"the log ends before entry {cp.log_id}: its tail was cut")]  # fmt: skip
    if hash_at != cp.hash:
        return [Finding("log_rewritten", where,
                        f"hash entri {cp.log_id} berbeda dari checkpoint: log ditulis ulang",
                        f"entry {cp.log_id} hashes differently from the checkpoint: the log "
                        "was rewritten")]  # fmt: skip
    return []
