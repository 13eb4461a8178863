"""Server configuration, injected into `create_app`; read from `PANTAU_*` environment variables."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.protocol import MAX_OPS_PER_PUSH

# Packaged reference data ships beside the code, whatever the working directory.
ASSETS = Path(__file__).resolve().parent.parent / "assets"


def wall_ms() -> int:
    """Milliseconds since the epoch from the machine clock."""
    return time.time_ns() // 1_000_000


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PANTAU_")

    db_path: Path = Path("data/pantau.db")
    # postgresql://user@host:port/dbname selects the PostgreSQL backend (db_path is then unused).
    database_url: str | None = Field(default=None, pattern=r"^postgres(ql)?://")
    db_pool_size: int = Field(default=16, ge=1)  # PostgreSQL connections per server process
    # How long a write waits for another writer's lock before the request is answered 503.
    db_lock_timeout_ms: int = Field(default=10_000, ge=1)
    blob_dir: Path = Path("data/blobs")
    region_csv: Path = ASSETS / "data/jombang_wilayah.csv"
    election_file: Path = ASSETS / "elections/pemilu2024.json"
    max_ops_per_push: int = Field(default=MAX_OPS_PER_PUSH, ge=1, le=MAX_OPS_PER_PUSH)
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    enrol_code_ttl_hours: float = Field(default=72, gt=0)
    # The key enrolment codes are hashed with (sync_server.secret); beside db_path when unset.
    secret_file: Path | None = None
    # Reverse proxies whose X-Forwarded-For is believed (IPs or networks); none by default.
    trusted_proxies: list[str] = []
    # /docs and /openapi.json: off unless asked for (they map the whole API for a stranger).
    api_docs: bool = False
    # TLS (README "TLS"): certificate and key files; plain HTTP off loopback only if allowed.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    allow_plain_http: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=1, le=65535)
    # Photos: the largest accepted file, and how long an unfinished upload is kept.
    max_blob_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    blob_upload_ttl_hours: float = Field(default=24, gt=0)
    # The server's Ed25519 key for signed checkpoints (created 0600 on first start; bawaan:
    # beside the database as server-key.b64) and how often the log head is signed (0 = only on
    # demand, `pantau-server checkpoint`).
    server_key_path: Path | None = None
    checkpoint_interval_s: float = Field(default=300, ge=0)
    max_open_uploads_per_device: int = Field(default=50, ge=1)
    # Only for fault tests: hold the push transaction open this long so a test can kill -9.
    test_push_delay_ms: int = Field(default=0, ge=0)
    # The wall clock; tests inject a fake one. Not meant to come from the environment.
    now_ms: Callable[[], int] = Field(default=wall_ms, exclude=True)

    def key_path(self) -> Path:
        return self.server_key_path or self.db_path.with_name("server-key.b64")
