"""A protocol-2 pull page written from the stored text of its records, without decoding them.

The server keeps each record's fields as compact JSON and its stamps also in their wire form
(`records.packed`, core/stamps.py), so a page is those texts joined inside the envelope that
`PullResponse` itself serialises. Decoding every record and packing its stamps again was about
60% of a kabupaten pull's server CPU (issue 15). A row written before `packed` was kept is
packed as it is read. The bytes parse to the same `PullResponse` as `exchange.pull` gives
(tests/server/test_pull_wire.py).
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as quote

from pydantic_core import from_json

from core.protocol import PROTOCOL_VERSION, PullResponse
from core.stamps import pack
from sync_server.auth import Principal
from sync_server.clock import ServerClock
from sync_server.store.base import Store
from sync_server.store.models import WireRow
from sync_server.store.sqlite_rows import json_text
from sync_server.sync.scope import read_filter

RECORDS = '"records":[]'


def record_json(row: WireRow) -> str:
    """One record as `RecordOut` with packed stamps, from its stored text."""
    packed = row.packed
    if packed is None:  # written before m017 / m010: pack the per-field map now
        per_field = {k: (v[0], v[1]) for k, v in from_json(row.stamps or "{}").items()}
        packed = json_text(pack(from_json(row.fields), per_field))
    return (
        f'{{"id":{quote(row.id)},"kind":{quote(row.kind)},"tps":{quote(row.tps)},'
        f'"author":{quote(row.author)},"fields":{row.fields},"stamps":{packed},"seq":{row.seq}}}'
    )


def page(
    store: Store, clock: ServerClock, who: Principal, since: int, limit: int, protocol: int
) -> bytes:
    """The JSON body of a pull page for a client that speaks packed stamps (no proofs)."""
    store.note_pulled(who.device.id, since)
    rows = store.wire_since(since, limit + 1, read_filter(who.user))
    shown = rows[:limit]
    envelope = PullResponse(
        protocol=min(protocol, PROTOCOL_VERSION),
        records=[],
        next=shown[-1].seq if shown else since,
        more=len(rows) > limit,
        server_hlc=clock.now(),
        checkpoint=store.evidence().latest_checkpoint(),
    ).model_dump_json()
    head, found, tail = envelope.partition(RECORDS)
    if not found:  # the model's own shape changed: this module must follow it
        raise RuntimeError("PullResponse no longer serialises an empty records list")
    return f'{head}"records":[{",".join(map(record_json, shown))}]{tail}'.encode()
