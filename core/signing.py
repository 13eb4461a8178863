"""Device and server signatures (Ed25519) over canonical bytes, defined once for every side.

Canonical bytes of an op (`op_bytes`): the UTF-8 of the JSON object with exactly the keys
`op_id, seq, record_id, kind, tps, fields, hlc, base` (base stamps as `[hlc, device]` or null),
keys sorted at every level, no whitespace (`","` and `":"`), non-ASCII kept as UTF-8, no NaN or
infinity. Every part of the op is covered, so an op cannot be moved to another record, TPS or
device seq, nor its values changed, without its SHA-256 (`op_digest`) changing.

A batch manifest (`BatchManifest`: device, batch number, key id, the SHA-256 of each op in
order) is signed once per push: the signature covers `BATCH_CONTEXT` followed by the manifest's
canonical JSON. A checkpoint of the server's log head is signed the same way under
`CHECKPOINT_CONTEXT`, and a key rotation under `ROTATE_CONTEXT`. The contexts keep one kind of
signature from ever passing for another.

A phone sends its ops with their keys already in canonical order (`in_canonical_order`), so
the server can check an op against its signed digest by hashing the op as it arrived, encoded
by pydantic-core's fast encoder (`op_matches`): equal SHA-256 means equal bytes, so this is the
same check, about 4x cheaper; when the hashes differ (another key order, a float written
otherwise) it falls back to `op_digest`.

Keys and signatures travel as unpadded base64url; a key id is the first 16 hex digits of the
SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic_core import PydanticSerializationError, to_json

from core.protocol import BatchManifest, Checkpoint, Op, SignedBatch

BATCH_CONTEXT = b"pantau-tps/batch/v1\n"
CHECKPOINT_CONTEXT = b"pantau-tps/checkpoint/v1\n"
ROTATE_CONTEXT = b"pantau-tps/rotate/v1\n"

_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> bytes:
    return _CANONICAL.encode(value).encode()


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def op_doc(op: Op) -> dict[str, Any]:
    """The op as the plain JSON value its canonical bytes encode."""
    base = {k: None if v is None else [v[0], v[1]] for k, v in op.base.items()}
    return {"op_id": op.op_id, "seq": op.seq, "record_id": op.record_id, "kind": op.kind,
            "tps": op.tps, "fields": op.fields, "hlc": op.hlc, "base": base}  # fmt: skip


def op_bytes(op: Op) -> bytes:
    return canonical_json(op_doc(op))


def op_digest(op: Op) -> str:
    return hashlib.sha256(op_bytes(op)).hexdigest()


def in_canonical_order(value: Any) -> Any:
    """`value` with every object's keys sorted (what a phone sends: see `op_matches`)."""
    if isinstance(value, dict):
        return {k: in_canonical_order(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [in_canonical_order(v) for v in value]
    return value


def digest_as_sent(op: Op) -> str | None:
    """The SHA-256 of the op as it arrived: top-level keys in canonical order, everything below
    in its own order, through pydantic-core's encoder (None when that encoder refuses it). For
    an op a phone sent in canonical order this is its canonical digest."""
    doc = {"base": {k: None if v is None else [v[0], v[1]] for k, v in op.base.items()},
           "fields": op.fields, "hlc": op.hlc, "kind": op.kind, "op_id": op.op_id,
           "record_id": op.record_id, "seq": op.seq, "tps": op.tps}  # fmt: skip
    try:
        return hashlib.sha256(to_json(doc)).hexdigest()
    except PydanticSerializationError:  # e.g. an integer too large for its encoder
        return None


def op_matches(op: Op, digest: str) -> bool:
    """Whether `op` is the op whose canonical bytes hash to `digest`: a SHA-256 of the op as
    sent equal to the signed one proves equal bytes; otherwise (keys in another order, a float
    the two encoders write differently) the canonical encoding decides."""
    return digest_as_sent(op) == digest or op_digest(op) == digest


def key_id(public_key: str) -> str:
    """A short name of a public key (base64url of its 32 raw bytes)."""
    return hashlib.sha256(unb64(public_key)).hexdigest()[:16]


def new_private_key() -> bytes:
    """A fresh Ed25519 private key as its 32 raw bytes."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def public_key_of(private_key: bytes) -> str:
    public = Ed25519PrivateKey.from_private_bytes(private_key).public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64(raw)


def sign(private_key: bytes, context: bytes, message: bytes) -> str:
    return b64(Ed25519PrivateKey.from_private_bytes(private_key).sign(context + message))


def verify(public_key: str, context: bytes, message: bytes, signature: str) -> bool:
    """True only for a well-formed key and a signature it made over context + message."""
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public_key))
        key.verify(unb64(signature), context + message)
    except (InvalidSignature, ValueError):
        return False
    return True


def manifest_bytes(manifest: BatchManifest) -> bytes:
    return canonical_json(manifest.model_dump(mode="json"))


def sign_batch(private_key: bytes, device_id: str, batch: int, ops: Sequence[Op]) -> SignedBatch:
    """The manifest of `ops` as one push, signed once by the device key."""
    manifest = BatchManifest(
        device_id=device_id,
        batch=batch,
        key_id=key_id(public_key_of(private_key)),
        ops=[op_digest(op) for op in ops],
    )
    signature = sign(private_key, BATCH_CONTEXT, manifest_bytes(manifest))
    return SignedBatch(manifest=manifest, signature=signature)


def verify_batch(public_key: str, batch: SignedBatch) -> bool:
    return verify(public_key, BATCH_CONTEXT, manifest_bytes(batch.manifest), batch.signature)


def checkpoint_bytes(cp: Checkpoint) -> bytes:
    """What a checkpoint's signature covers: every field but the signature itself."""
    return canonical_json(cp.model_dump(mode="json", exclude={"signature"}))


def sign_checkpoint(private_key: bytes, cp: Checkpoint) -> Checkpoint:
    return cp.model_copy(update={"signature": sign(private_key, CHECKPOINT_CONTEXT,
                                                   checkpoint_bytes(cp))})  # fmt: skip


def verify_checkpoint(cp: Checkpoint, public_key: str | None = None) -> bool:
    """The checkpoint is signed by its own key (and that key is `public_key` when given)."""
    if public_key is not None and public_key != cp.server_key:
        return False
    return verify(cp.server_key, CHECKPOINT_CONTEXT, checkpoint_bytes(cp), cp.signature)


def rotation_bytes(device_id: str, new_public_key: str) -> bytes:
    return canonical_json({"device_id": device_id, "public_key": new_public_key})
