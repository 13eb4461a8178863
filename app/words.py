"""Words in two languages: one lookup for every (Bahasa Indonesia, English) table of the apps."""

from __future__ import annotations

from typing import Any


def lookup(table: dict[str, tuple[str, str]], lang: str, key: str, **kw: Any) -> str:
    """`key` from an (id, en) table in `lang` (Bahasa Indonesia unless "en"), formatted."""
    pair = table.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**kw) if kw else text
