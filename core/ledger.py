"""Reading the change log without trusting who stored it (shared by the server's verify-log and
the offline verifier, pantau-verify).

An entry's hash is sha256(previous hash + the entry's JSON text exactly as stored). An op entry
(one with an `op_id`) keeps what its device signed: `op_seq`, `base`, the device's `hlc` (or
`device_hlc` when the server clamped it) and where it sits in its signed batch (`batch`,
`index`); the batch itself is an earlier entry with kind `signed_batch` holding the manifest
and its signature. An op entry with `via: "server"` was written by the server on a supervisor's
behalf (a conflict resolution) and carries no device signature. Records are re-derived by
folding every op entry, in log order, with the same merge the server uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core import merge
from core.hlc import Stamp
from core.protocol import Op, SignedBatch

GENESIS = "0" * 64
SIGNED_BATCH = "signed_batch"


def chained_hash(prev_hash: str, text: str) -> str:
    """The hash of an entry given as the JSON text the log stores."""
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def is_op(entry: Mapping[str, Any]) -> bool:
    return "op_id" in entry and "fields" in entry


def is_batch(entry: Mapping[str, Any]) -> bool:
    return entry.get("kind") == SIGNED_BATCH


def batch_key(device_id: str, batch: int) -> str:
    return f"{device_id}/{batch}"


def op_of(entry: Mapping[str, Any]) -> Op:
    """The op exactly as its device sent it, rebuilt from its log entry."""
    base = entry.get("base") or {}
    return Op.model_validate(
        {
            "op_id": entry["op_id"],
            "seq": entry.get("op_seq", 1),
            "record_id": entry["record_id"],
            "kind": entry["kind"],
            "tps": entry["tps"],
            "fields": entry["fields"],
            "hlc": entry.get("device_hlc", entry["hlc"]),
            "base": {k: None if v is None else (v[0], v[1]) for k, v in base.items()},
        }
    )


def batch_of(entry: Mapping[str, Any]) -> SignedBatch:
    return SignedBatch.model_validate(
        {"manifest": entry["manifest"], "signature": entry["signature"]}
    )


@dataclass
class Derived:
    """A record as the log says it should be."""

    id: str
    kind: str
    tps: str
    author: str
    fields: dict[str, Any] = field(default_factory=dict)
    stamps: dict[str, Stamp] = field(default_factory=dict)


def derive(entries: Iterable[Mapping[str, Any]]) -> dict[str, Derived]:
    """Every record re-derived from op entries in log order (merge = the server's merge)."""
    out: dict[str, Derived] = {}
    for e in entries:
        if not is_op(e):
            continue
        rid = str(e["record_id"])
        d = out.get(rid) or Derived(rid, str(e["kind"]), str(e["tps"]), str(e.get("user_id", "")))
        stamp: Stamp = (int(e["hlc"]), str(e["device_id"]))
        v = merge.apply(merge.Versioned(d.fields, d.stamps), e["fields"], stamp)[0]
        d.fields, d.stamps = dict(v.fields), dict(v.stamps)
        out[rid] = d
    return out


def differences(
    derived: Derived, fields: Mapping[str, Any], stamps: Mapping[str, Any]
) -> list[str]:
    """Names of the fields whose stored value or stamp differs from the derived record."""
    names = set(derived.fields) | set(fields)
    bad = [n for n in names if derived.fields.get(n) != fields.get(n)]
    for n in set(derived.stamps) | set(stamps):
        got = stamps.get(n)
        if n not in bad and (got is None or tuple(got) != tuple(derived.stamps.get(n) or ())):
            bad.append(n)
    return sorted(bad)
