"""Enrolment: exchange a one-time code for this device's token and identity."""

from __future__ import annotations

import httpx

from app.store import Identity, Store
from app.sync.client import Offline, SyncError
from app.sync.tls import fetch_pinned, verify_for
from core.enrolment import split_pin
from core.errors import DomainError
from core.protocol import EnrolRequest, EnrolResponse, ErrorBody


def enrol(
    store: Store,
    server_url: str,
    code: str,
    device_name: str = "",
    transport: httpx.BaseTransport | None = None,
) -> Identity:
    """Ask the server for a device token; on success the identity is saved on the device.

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
    body = EnrolRequest(code=code.strip(), device_name=device_name)
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
        server_cert=cert,
    )
    store.set_identity(identity)
    return identity
