"""The one HTTP seam of the field app: `Api` sends a request with this device's token and is
the one place where the network can fail.

Exceptions (drawn here, as httpx does):

    SyncError            the server refused the request, in its own words (both languages)
    ├── Offline          the server could not be reached (after retries with backoff)
    └── AuthError        the server refused this device (401/403 on the whole request)

Transport errors, timeouts, retryable statuses and unreadable bodies are retried with
exponential backoff and jitter, then become `Offline`; any other 4xx/5xx is a refusal.
"""

from __future__ import annotations

import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from core.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ErrorBody

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class SyncError(Exception):
    def __init__(self, message: str, message_en: str, code: str = "sync_error") -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.code = code


class Offline(SyncError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Server tidak terjangkau. Data aman di HP ini dan akan dikirim otomatis saat ada "
            "sinyal.",
            "Server unreachable. Your data is safe on this phone and will be sent "
            "automatically when there is signal.",
            "offline",
        )
        self.detail = detail


class AuthError(SyncError):
    pass


def refusal(response: httpx.Response) -> SyncError:
    """The server's refusal of a whole request, in its own words."""
    try:
        err = ErrorBody.model_validate(response.json())
    except ValueError:
        return SyncError(
            f"Server menolak permintaan (HTTP {response.status_code}).",
            f"The server refused the request (HTTP {response.status_code}).",
        )
    cls = AuthError if response.status_code in (401, 403) else SyncError
    return cls(err.message, err.message_en, err.code)


def read_json(response: httpx.Response) -> Any:
    response.read()
    return response.json()


@dataclass
class Api:
    base_url: str
    token: str
    transport: httpx.BaseTransport | None = None
    attempts: int = 4
    backoff_s: float = 0.5
    timeout_s: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random
    verify: ssl.SSLContext | bool = True  # app.sync.tls.verify_for(identity.server_cert)
    _http: httpx.Client | None = field(default=None, repr=False)

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                base_url=self.base_url,
                transport=self.transport,
                timeout=self.timeout_s,
                verify=self.verify,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                },
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One JSON request; its decoded body."""
        return self.request(method, path, read_json, **kwargs)

    def request(
        self, method: str, path: str, read: Callable[[httpx.Response], Any], **kwargs: Any
    ) -> Any:
        """Send, retry what may be retried, then `read` the streamed response."""
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff_s * (2 ** (attempt - 1)) * (0.5 + self.jitter()))
            try:
                with self.http.stream(method, path, **kwargs) as response:
                    if response.status_code in RETRY_STATUS:
                        last = f"HTTP {response.status_code}"
                        continue
                    if response.status_code >= 400:
                        response.read()
                        raise refusal(response)
                    return read(response)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            except ValueError:
                last = "response is not JSON"
        raise Offline(last)
