"""Domain errors carry a code and a message in Bahasa Indonesia and English."""

from __future__ import annotations


class DomainError(ValueError):
    """A value broke a domain rule; `code` is stable, messages are for people."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        super().__init__(message_id)
        self.code = code
        self.message_id = message_id
        self.message_en = message_en

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" else self.message_id
