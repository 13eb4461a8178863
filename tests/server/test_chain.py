"""The change log's hash chain verifies, and detects an edited, removed or reordered entry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.ledger import is_op
from sync_server.store.models import LogEntry
from sync_server.sync.chain import GENESIS, entry_hash, verify_chain
from tests.server.conftest import MakeDevice


def chain(*entries: dict[str, Any]) -> list[LogEntry]:
    out, prev = [], GENESIS
    for n, entry in enumerate(entries, start=1):
        digest = entry_hash(prev, entry)
        out.append(LogEntry(n, entry, prev, digest))
        prev = digest
    return out


def test_an_intact_chain_verifies():
    assert verify_chain(chain({"a": 1}, {"b": 2}, {"c": 3})) is None
    assert verify_chain([]) is None


@pytest.mark.parametrize(
    ("tamper", "first_bad"),
    [
        (lambda c: [c[0], LogEntry(2, {"b": 999}, c[1].prev_hash, c[1].hash), c[2]], 2),
        (lambda c: [c[0], c[2]], 3),
        (lambda c: [c[1], c[0], c[2]], 2),
        (lambda c: [LogEntry(1, c[0].entry, "f" * 64, c[0].hash), *c[1:]], 1),
    ],
)
def test_tampering_is_found(tamper, first_bad):
    assert verify_chain(tamper(chain({"a": 1}, {"b": 2}, {"c": 3}))) == first_bad


def test_every_applied_push_is_logged_and_tampering_in_the_db_is_found(
    make_device: MakeDevice, store
):
    phone = make_device("ptps")
    phone.push(*[phone.op(f"r{i}", {"suara_sah": i}) for i in range(3)])
    phone.push(phone.op("bad", {"suara_sah": 5000}))  # rejected: not a change, not logged
    entries = list(store.log_entries())
    assert [e.entry["record_id"] for e in entries if is_op(e.entry)] == ["r0", "r1", "r2"]
    assert verify_chain(entries) is None
    # The table refuses edits; an attacker with file access must drop the guard first.
    with pytest.raises(Exception, match="append-only"):
        store.db.execute("UPDATE changelog SET entry = '{}' WHERE id = 2")
    store.db.execute("DROP TRIGGER changelog_no_update")
    forged = json.dumps({**entries[1].entry, "fields": {"suara_sah": 300}})
    store.db.execute("UPDATE changelog SET entry = ? WHERE id = ?", [forged, entries[1].id])
    assert verify_chain(store.log_entries()) == entries[1].id


def test_entries_written_as_canonical_json_still_verify(store):
    """Logs written before the chain hashed the stored text held canonical JSON: still valid."""
    prev = GENESIS
    entries: list[dict[str, Any]] = [{"b": 1, "a": "ñ"}, {"n": 2}]
    for n, entry in enumerate(entries, start=1):
        text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = entry_hash(prev, entry)
        store.db.execute(
            "INSERT INTO changelog (id, entry, prev_hash, hash) VALUES (?, ?, ?, ?)",
            [n, text, prev, digest],
        )
        prev = digest
    assert verify_chain(store.log_entries()) is None
    store.append_log({"z": 1, "a": [1, 2]})  # new entries: hashed as stored, unsorted
    assert verify_chain(store.log_entries()) is None
