"""The text form of a signed checkpoint: a few lines to print, publish or read out.

    PANTAU TPS CHECKPOINT v1
    log: 1234
    hash: 9f2c...(64 hex)
    time: 2026-11-30T16:00:00Z (1796054400000)
    server-key: <base64url public key>
    signature: <base64url Ed25519 signature>

Read aloud, `log` and the first digits of `hash` are enough to compare with a printed copy;
the signature proves the server said it. A file of checkpoints holds any number of these
blocks, or JSON (one Checkpoint object, a list of them, or one per line).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pydantic import ValidationError

from core.protocol import Checkpoint

HEADER = "PANTAU TPS CHECKPOINT v1"


def to_text(cp: Checkpoint) -> str:
    when = datetime.fromtimestamp(cp.time_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{HEADER}\nlog: {cp.log_id}\nhash: {cp.hash}\ntime: {when} ({cp.time_ms})\n"
        f"server-key: {cp.server_key}\nsignature: {cp.signature}\n"
    )


def _from_block(lines: list[str]) -> Checkpoint:
    values = dict(line.split(":", 1) for line in lines if ":" in line)
    values = {k.strip(): v.strip() for k, v in values.items()}
    time_ms = values.get("time", "").rpartition("(")[2].rstrip(")")
    return Checkpoint(
        server_key=values.get("server-key", ""),
        log_id=int(values.get("log", "-1")),
        hash=values.get("hash", ""),
        time_ms=int(time_ms or "-1"),
        signature=values.get("signature", ""),
    )


def parse(text: str) -> list[Checkpoint]:
    """Every checkpoint in a file's text; ValueError naming what could not be read."""
    stripped = text.strip()
    try:
        if stripped.startswith("["):
            return [Checkpoint.model_validate(c) for c in json.loads(stripped)]
        if stripped.startswith("{"):
            return [Checkpoint.model_validate_json(x) for x in stripped.splitlines() if x.strip()]
        blocks: list[list[str]] = []
        for line in stripped.splitlines():
            if line.strip() == HEADER:
                blocks.append([])
            elif blocks and line.strip():
                blocks[-1].append(line)
        return [_from_block(b) for b in blocks]
    except (ValidationError, ValueError) as exc:
        raise ValueError(f"checkpoint tidak terbaca / unreadable checkpoint: {exc}") from None
