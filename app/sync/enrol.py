"""Enrolment: exchange a one-time code and a new public key for this device's token and
identity; later, rotate the signing key."""

from __future__ import annotations

import httpx

from app.store import Identity, Store
from app.store.keys import key_path, load_key, write_key
from app.sync.client import Offline, SyncClient, SyncError
from app.sync.tls import fetch_pinned, verify_for
from core import signing
from core.enrolment import split_pin
from core.errors import DomainError
from core.protocol import DeviceKeyOut, EnrolRequest, EnrolResponse, ErrorBody, KeyRotation


def enrol(
    store: Store,
    server_url: str,
    code: str,
    device_name: str = "",
    transport: httpx.BaseTransport | None = None,
) -> Identity:
    """Ask the server for a device token, registering a new Ed25519 public key; on success the
    private key (file 0600) and the identity are saved on the device.

    An address carrying a certificate fingerprint (`https://...#sha256=...`, from the QR code)
    has its certificate checked and pinned before the code is sent."""
    try:
        url, pin = split_pin(server_url)
    except DomainError as exc:
        raise SyncError(exc.message_id, exc.message_en, exc.code) from None
    if not url.startswith(("http://", "https://")):
        raise SyncError(
            "Alamat server harus diawali http:// atau https://",
            "The server address must start with http:// or https://",
            "invalid_url",
        )
    private_key = signing.new_private_key()
    public_key = signing.public_key_of(private_key)
    body = EnrolRequest(code=code.strip(), device_name=device_name, public_key=public_key)
    cert = fetch_pinned(url, pin) if pin and transport is None else ""
    try:
        with httpx.Client(
            base_url=url, transport=transport, timeout=20, verify=verify_for(cert)
        ) as http:
            response = http.post(
                "/v1/enrol",
                content=body.model_dump_json(),
                headers={"Content-Type": "application/json"},
            )
    except httpx.TransportError as exc:
        raise Offline(str(exc)) from None
    if response.status_code != 200:
        try:
            err = ErrorBody.model_validate(response.json())
        except ValueError:
            raise SyncError(
                f"Pendaftaran gagal (HTTP {response.status_code}). Periksa alamat server.",
                f"Enrolment failed (HTTP {response.status_code}). Check the server address.",
            ) from None
        raise SyncError(err.message, err.message_en, err.code)
    got = EnrolResponse.model_validate(response.json())
    identity = Identity(
        server_url=url,
        device_id=got.device_id,
        token=got.token,
        user_id=got.me.user_id,
        name=got.me.name,
        role=got.me.role,
        party=got.me.party,
        scope=tuple(got.me.scope),
        server_key=got.server_key,
        server_cert=cert,
    )
    write_key(key_path(store), private_key)
    store.set_identity(identity)
    return identity


def rotate_key(store: Store, client: SyncClient) -> str:
    """Replace this device's signing key: the current key signs the new public key, and the
    new key file replaces the old one only once the server has accepted it. Returns its id."""
    old = load_key(store)
    if old is None:
        raise SyncError(
            "HP ini belum punya kunci; daftarkan ulang perangkat dengan kode baru dari admin.",
            "This phone has no key yet; enrol it again with a new code from your admin.",
            "no_device_key",
        )
    new = signing.new_private_key()
    public = signing.public_key_of(new)
    message = signing.rotation_bytes(store.device_id, public)
    body = KeyRotation(
        public_key=public, signature=signing.sign(old, signing.ROTATE_CONTEXT, message)
    )
    raw = client.call("POST", "/v1/device/key", content=body.model_dump_json(),
                      headers={"Content-Type": "application/json"})  # fmt: skip
    got = DeviceKeyOut.model_validate(raw)
    write_key(key_path(store), new)
    return got.key_id
