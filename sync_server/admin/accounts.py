"""Account and reference-data verbs shared by the CLI, the enrol route and test harnesses."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

from core.errors import DomainError
from core.protocol import EnrolResponse, Me
from core.records import Role
from core.registry import Registry, build
from core.wilayah import parse_tps, region_level
from sync_server.admin import device_keys
from sync_server.auth import hash_code, hash_secret, new_enrol_code, new_token
from sync_server.store.base import Store
from sync_server.store.models import ROLES, Device, EnrolCode, User

HOUR_MS = 3_600_000


def _invalid(code: str, message_id: str, message_en: str) -> DomainError:
    return DomainError(code, message_id, message_en)


def _check_scope(scope: list[str]) -> tuple[str, ...]:
    if not scope:
        raise _invalid(
            "invalid_scope",
            "Wilayah tugas kosong: isi kode TPS atau kode wilayah, mis. 3517012001001 atau 35.17",
            "Empty scope: give TPS ids or region codes, e.g. 3517012001001 or 35.17",
        )
    for item in scope:
        if "." in item or len(item) <= 2:
            region_level(item)
        else:
            parse_tps(item)
    return tuple(scope)


def _check_role(role: str, party: int | None) -> Role:
    if role not in ROLES:
        raise _invalid(
            "invalid_role",
            f"Peran '{role}' tidak dikenal; pilih salah satu: {', '.join(ROLES)}",
            f"Unknown role '{role}'; choose one of: {', '.join(ROLES)}",
        )
    if role == "saksi" and (party is None or not 1 <= party <= 99):
        raise _invalid(
            "invalid_party",
            "Saksi wajib punya nomor urut partai (1-99), mis. --party 1 untuk PKB",
            "A saksi needs a party ballot number (1-99), e.g. --party 1 for PKB",
        )
    if role != "saksi" and party is not None:
        raise _invalid(
            "invalid_party",
            "Hanya saksi yang punya partai; hapus --party untuk peran ini",
            "Only a saksi has a party; drop --party for this role",
        )
    return role


def create_user(
    store: Store, name: str, role: str, scope: list[str], party: int | None = None
) -> User:
    """Validate and add a user; raise DomainError naming what to fix."""
    if not name.strip():
        raise _invalid("invalid_name", "Nama pengguna kosong", "Empty user name")
    user = User(
        id=f"u-{secrets.token_hex(4)}",
        name=name.strip(),
        role=_check_role(role, party),
        party=party,
        scope=_check_scope(scope),
    )
    store.add_user(user)
    return user


def issue_enrol_code(
    store: Store, user_id: str, now_ms: int, ttl_hours: float = 72, *, key: bytes
) -> str:
    """A one-time code for `user_id`, valid for `ttl_hours`; only its keyed hash is stored."""
    if store.get_user(user_id) is None:
        raise _invalid(
            "unknown_user",
            f"Pengguna '{user_id}' tidak ada; lihat daftar pengguna dengan list-users",
            f"No user '{user_id}'",
        )
    code = new_enrol_code()
    expires = now_ms + int(ttl_hours * HOUR_MS)
    store.add_enrol_code(EnrolCode(hash_code(key, code), user_id, expires))
    return code


def add_device(
    store: Store, user_id: str, name: str, now_ms: int, public_key: str | None = None
) -> tuple[Device, str]:
    """Create a device and its token directly (CLI, tests); returns (device, plain token).
    Its pushes are accepted only once `public_key` (its signing key) is registered."""
    token = new_token()
    device = Device(f"d-{secrets.token_hex(6)}", user_id, name, now_ms)
    with store.transaction():
        store.add_device(device, hash_secret(token))
        if public_key is not None:
            device_keys.register(store, device.id, public_key, now_ms)
    return device, token


def me(user: User) -> Me:
    return Me(
        user_id=user.id, name=user.name, role=user.role, party=user.party, scope=list(user.scope)
    )


def code_open(store: Store, code: str, now_ms: int, *, key: bytes) -> bool:
    """Whether a one-time code can still enrol a device (known, unused, not expired)."""
    found = store.get_enrol_code(hash_code(key, code))
    return found is not None and found.used_ms is None and now_ms <= found.expires_ms


def enrol(
    store: Store,
    code: str,
    device_name: str,
    now_ms: int,
    *,
    key: bytes,
    public_key: str | None = None,
) -> EnrolResponse:
    """Exchange a one-time code and the device's public key for a device token; raise
    DomainError when it cannot be used."""
    code_hash = hash_code(key, code)
    with store.transaction():
        found = store.get_enrol_code(code_hash)
        if found is None:
            raise _invalid(
                "enrol_code_invalid",
                "Kode pendaftaran salah; periksa lagi hurufnya atau minta kode baru kepada admin",
                "Wrong enrolment code; check it or ask your admin for a new one",
            )
        if found.used_ms is not None:
            raise _invalid(
                "enrol_code_used",
                "Kode pendaftaran ini sudah dipakai; minta kode baru kepada admin",
                "This enrolment code was already used; ask your admin for a new one",
            )
        if now_ms > found.expires_ms:
            raise _invalid(
                "enrol_code_expired",
                "Kode pendaftaran sudah kedaluwarsa; minta kode baru kepada admin",
                "This enrolment code has expired; ask your admin for a new one",
            )
        user = store.get_user(found.user_id)
        assert user is not None  # enrol_codes.user_id is a foreign key
        if public_key is None:  # checked after the code: a wrong code is a wrong code
            raise _invalid(
                "public_key_missing",
                "Aplikasi ini belum mengirim kunci perangkat; perbarui aplikasi lalu daftar lagi",
                "This app sent no device key; update the app and enrol again",
            )
        device, token = add_device(store, user.id, device_name, now_ms, public_key)
        store.use_enrol_code(code_hash, now_ms, device.id)
    return EnrolResponse(device_id=device.id, token=token, me=me(user))


def read_region(path: Path) -> Registry:
    """Parse and validate a whole wilayah CSV; raise DomainError on the first bad row."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return build(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise _invalid(
            "unreadable_file",
            f"Berkas {path} tidak bisa dibaca ({exc.__class__.__name__}); periksa nama dan isinya",
            f"Cannot read {path} ({exc})",
        ) from None


def import_region(store: Store, path: Path) -> Registry:
    """All or nothing: validate every row first, then replace the registry in one transaction."""
    registry = read_region(path)
    if not registry.tps:
        raise _invalid(
            "empty_region",
            f"Berkas {path} tidak berisi satu TPS pun; periksa kolom jumlah TPS",
            f"{path} holds no TPS",
        )
    store.replace_region(registry)
    return registry
