"""Device signing keys: registered at enrolment, rotated by the device, kept for ever.

A rotation is signed by the device's current key (ROTATE_CONTEXT over the device id and the new
public key), closes that key (`until_ms`) and opens the new one: later batches must use the new
key, and what the old one signed before still verifies.
"""

from __future__ import annotations

from core import signing
from core.errors import DomainError
from core.protocol import DeviceKeyOut, KeyRotation
from sync_server.store.base import Store
from sync_server.store.evidence_base import DeviceKey


def _bad_key() -> DomainError:
    return DomainError("public_key_invalid",
                       "Kunci publik perangkat tidak sah; perbarui aplikasi lalu daftar lagi",
                       "The device's public key is not a valid Ed25519 key")  # fmt: skip


def register(store: Store, device_id: str, public_key: str, now_ms: int) -> DeviceKey:
    try:
        raw = signing.unb64(public_key)
    except ValueError:
        raise _bad_key() from None
    if len(raw) != 32:
        raise _bad_key()
    key = DeviceKey(device_id, signing.key_id(public_key), public_key, now_ms)
    store.evidence().add_key(key)
    return key


def current(store: Store, device_id: str) -> DeviceKey | None:
    keys = [k for k in store.evidence().keys(device_id) if k.until_ms is None]
    return keys[-1] if keys else None


def rotate(store: Store, device_id: str, body: KeyRotation, now_ms: int) -> DeviceKeyOut:
    """Replace the device's key; DomainError when the old key did not sign the new one."""
    with store.transaction():
        old = current(store, device_id)
        message = signing.rotation_bytes(device_id, body.public_key)
        if old is None or not signing.verify(
            old.public_key, signing.ROTATE_CONTEXT, message, body.signature
        ):
            raise DomainError(
                "rotation_signature_invalid",
                "Penggantian kunci harus ditandatangani kunci lama perangkat ini",
                "A key rotation must be signed by this device's current key",
            )
        if old.public_key == body.public_key:
            return out(old)
        store.evidence().retire_key(device_id, old.key_id, now_ms)
        new = register(store, device_id, body.public_key, now_ms)
    return out(new)


def out(key: DeviceKey) -> DeviceKeyOut:
    return DeviceKeyOut(device_id=key.device_id, key_id=key.key_id,
                        public_key=key.public_key, from_ms=key.from_ms)  # fmt: skip
