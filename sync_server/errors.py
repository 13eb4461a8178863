"""The one HTTP error the server raises: status + code + messages, rendered as an ErrorBody.

ApiError
  built by: unauthorized, forbidden, not_found, too_large, bad_request
"""

from __future__ import annotations

from core.errors import DomainError
from core.protocol import ErrorBody


class ApiError(Exception):
    """An error a client can act on; `message` is Bahasa Indonesia and says what to do."""

    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en

    @classmethod
    def from_domain(cls, status: int, exc: DomainError) -> ApiError:
        return cls(status, exc.code, exc.message_id, exc.message_en)

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, message=self.message, message_en=self.message_en)


def unauthorized(code: str, message: str, message_en: str) -> ApiError:
    return ApiError(401, code, message, message_en)


def forbidden(message: str, message_en: str, code: str = "forbidden") -> ApiError:
    return ApiError(403, code, message, message_en)
