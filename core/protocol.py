"""Wire models of the sync protocol (sync-design.md), versioned by PROTOCOL_VERSION.

Push:  POST /v1/sync/push  PushRequest -> PushResponse
Epoch: GET  /v1/sync/epoch?epoch=N -> EpochState; POST /v1/sync/epoch -> EpochState (a new one)
Pull:  GET  /v1/sync/pull?since=N&limit=M -> PullResponse
Enrol: POST /v1/enrol  EnrolRequest -> EnrolResponse (the only endpoint without a token)
Blobs: POST /v1/blobs BlobCreate -> BlobStatus; HEAD/PATCH /v1/blobs/{sha256} for offset, chunks
Keys:  POST /v1/device/key KeyRotation -> DeviceKeyOut (a device replaces its signing key)
Checkpoint: GET /v1/checkpoint -> Checkpoint (the latest signed head of the change log)
Every error body is an ErrorBody. Signatures and canonical bytes: core/signing.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.merge import Versioned
from core.records import Kind, Sha256
from core.stamps import Packed
from core.stamps import pack as pack_stamps
from core.stamps import unpack as unpack_stamps

PROTOCOL_VERSION = 2
PROTOCOL_HEADER = "X-Pantau-Protocol"  # a client announces the version it speaks
# From this version on a pull page carries packed stamps (core/stamps.py); a client that
# announces less, or nothing, gets the per-field map it was built for.
PACKED_STAMPS_SINCE = 2
# What a protocol-1 pull page holds: clients built for it forbid any other key, so the
# checkpoint and proofs added later go only to protocol 2 (or to a request for proofs).
PULL_FIELDS_V1 = frozenset({"protocol", "records", "next", "more", "server_hlc"})
MAX_OPS_PER_PUSH = 500
MAX_PULL_LIMIT = 1000

SQL_INT_MAX = 2**63 - 1  # the largest integer a database column holds


# Checked field by field by the record kind's model (core/records.py validate_fields), which
# also bounds how deep a value may nest (records.MAX_DEPTH).
Fields = dict[str, Any]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Hlc = Annotated[int, Field(ge=0, lt=2**63)]
StampWire = tuple[Hlc, Id]
# core.stamps.pack: [] | [hlc, device] | [hlc, device, {name: [dhlc] | [dhlc, device] | null}]
StampException = tuple[int] | tuple[int, Id] | None
PackedStampsWire = tuple[()] | tuple[Hlc, Id] | tuple[Hlc, Id, dict[str, StampException]]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Op(_Wire):
    """One change to one record: the fields it sets, one stamp, and the stamps it had seen."""

    op_id: Id
    seq: Annotated[int, Field(ge=1)]
    record_id: Id
    kind: Kind
    tps: Annotated[str, Field(max_length=20)]
    fields: Fields
    hlc: Hlc
    base: dict[str, StampWire | None] = {}


B64 = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]


class BatchManifest(_Wire):
    """What a device vouches for in one push: the SHA-256 of each op's canonical bytes, in order.

    Named by (device_id, batch); `batch` counts up on the device. When device epochs land, the
    epoch is part of `device_id`'s identity, so the key stays (device, batch)."""

    v: Literal[1] = 1
    device_id: Id
    batch: Annotated[int, Field(ge=1)]
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    ops: Annotated[list[Sha256], Field(max_length=MAX_OPS_PER_PUSH)]


class SignedBatch(_Wire):
    manifest: BatchManifest
    signature: B64  # Ed25519 over BATCH_CONTEXT + canonical manifest (core/signing.py)


class PushRequest(_Wire):
    protocol: int = PROTOCOL_VERSION
    device_id: Id
    # The device's seq namespace: a phone restored from an old copy starts a new one.
    epoch: Annotated[int, Field(ge=0)] = 0
    ops: Annotated[list[Op], Field(max_length=MAX_OPS_PER_PUSH)]
    # Required by the server; optional here so that a missing one is refused in words.
    batch: SignedBatch | None = None


# duplicate: this op id was applied before with this content; reused: with other content
OpStatus = Literal["applied", "duplicate", "conflict", "rejected", "reused"]


class OpResult(_Wire):
    op_id: str
    status: OpStatus
    code: str | None = None
    reason: str | None = None
    reason_en: str | None = None


class PushResponse(_Wire):
    protocol: int = PROTOCOL_VERSION
    acked_seq: int
    results: list[OpResult]
    server_hlc: int


class EpochState(_Wire):
    """The device's newest epoch, and the highest seq the server holds in the one asked for."""

    epoch: int
    held_seq: int


class RecordOut(_Wire):
    id: str
    kind: Kind
    tps: str
    author: str
    fields: dict[str, Any]
    stamps: dict[str, StampWire] | PackedStampsWire  # packed from PACKED_STAMPS_SINCE
    seq: int

    def versioned(self) -> Versioned:
        """Fields and per-field stamps, whichever shape the stamps came in."""
        if isinstance(self.stamps, dict):
            return Versioned(self.fields, dict(self.stamps))
        return Versioned(self.fields, unpack_stamps(self.fields, list(self.stamps)))

    def packed(self) -> Packed:
        """The stamps packed (core/stamps.py), whichever shape they came in."""
        if isinstance(self.stamps, dict):
            return pack_stamps(self.fields, dict(self.stamps))
        if len(self.stamps) < 3:
            return list(self.stamps)
        hlc, device, exceptions = self.stamps
        return [hlc, device, {k: None if v is None else list(v) for k, v in exceptions.items()}]


class Checkpoint(_Wire):
    """The server's signed statement "my change log's entry `log_id` has hash `hash`" at a time.

    Short enough to print or read out (core/checkpoint.py has its text form). A log that does
    not extend a checkpoint someone holds was truncated or rewritten."""

    v: Literal[1] = 1
    server_key: B64  # the server's Ed25519 public key
    log_id: Annotated[int, Field(ge=0)]  # the id of the last change-log entry covered
    hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    time_ms: Annotated[int, Field(ge=0)]
    signature: str = ""  # Ed25519 over CHECKPOINT_CONTEXT + the other fields, canonical


class OpProof(_Wire):
    """One op exactly as its device signed it, and where it sits in which signed batch."""

    op: Op
    device_id: str
    batch: int
    index: int
    log_id: int


class PullResponse(_Wire):
    protocol: int = PROTOCOL_VERSION
    records: list[RecordOut]
    next: int
    more: bool
    server_hlc: int
    checkpoint: Checkpoint | None = None  # the latest; devices keep every one they pull
    # Only with ?proofs=true: the signed ops behind this page's records, and their batches.
    proofs: dict[str, list[OpProof]] = {}
    batches: list[SignedBatch] = []


class ConflictOut(_Wire):
    id: int
    record_id: str
    field: str
    current_value: Any
    current_stamp: StampWire
    incoming_value: Any
    incoming_stamp: StampWire
    resolved: bool = False


class ErrorBody(_Wire):
    code: str
    message: str
    message_en: str
    protocol: int = PROTOCOL_VERSION


class EnrolRequest(_Wire):
    code: Annotated[str, Field(min_length=4, max_length=64)]
    device_name: Annotated[str, Field(max_length=100)] = ""
    # The device's Ed25519 public key (core/signing.py); the private key never leaves it.
    public_key: B64 | None = None


class Me(_Wire):
    user_id: str
    name: str
    role: str
    party: int | None = None
    scope: list[str]


class EnrolResponse(_Wire):
    device_id: str
    token: str
    me: Me
    server_key: str = ""  # the server's checkpoint key, kept by the device


class KeyRotation(_Wire):
    """A device's new public key, signed by its current key (ROTATE_CONTEXT)."""

    public_key: B64
    signature: B64


class DeviceKeyDoc(_Wire):
    """A device key over its life, as an evidence bundle and verify-log see it."""

    device_id: str
    user_id: str = ""
    key_id: str
    public_key: str
    from_ms: int  # registered (enrolment or rotation)
    until_ms: int | None = None  # replaced by a newer key
    enrolled_ms: int = 0
    revoked_ms: int | None = None  # the device was revoked


class DeviceKeyOut(_Wire):
    device_id: str
    key_id: str
    public_key: str
    from_ms: int


class BlobCreate(_Wire):
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, Field(ge=1)]
    content_type: Annotated[str, Field(max_length=100)]
    # The camera's original bytes, before re-encoding (kept to spot one original reused).
    original_sha256: Annotated[str | None, Field(pattern=r"^[0-9a-f]{64}$")] = None


class BlobStatus(_Wire):
    sha256: str
    size: int
    offset: int
    complete: bool


class RecapImport(_Wire):
    """Official recapitulation figures (D.Hasil per desa/kecamatan) as one CSV, from the console."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    csv: Annotated[str, Field(min_length=1, max_length=5_000_000)]
