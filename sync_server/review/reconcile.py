"""Tally reconciliation, derived from the change log (sync-design "Reconciliation").

A push only appends to the log. `catch_up(store)` reads the entries after the reconciliation
cursor: each tally or verification entry is merged onto the record's snapshot, its photo uses
are updated, and only the TPS-ballots it touches (its own, and those of other TPS sharing one of
its photos) are recomputed, once per batch of entries. Work is proportional to that TPS's
sources. Review reads catch up first (routes/review.py), and `recon_worker` catches up in the
background once pushes pause, so ingest never waits for reconciliation.
`recompute_all(store)` rebuilds every row from the start of the log; it must equal catching up
step by step (tests/server/test_reconcile_incremental.py). The comparison itself is pure
(`sync_server.review.comparison`, `sync_server.review.flags`).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from core import merge
from core.election import Election
from core.hlc import Stamp
from sync_server.review import source_checks
from sync_server.review.comparison import (
    RESMI,
    TOTAL_FIELDS,
    Comparison,
    Decision,
    Source,
    compare,
    counted,
    coverage,
    field_label,
    flatten,
    source_label,
    source_of,
)
from sync_server.review.flags import (
    HIGH,
    Change,
    Flag,
    Reuse,
    all_flags,
    is_counted,
    is_decided,
    is_open,
)
from sync_server.store.base import Store
from sync_server.store.models import ReadFilter, StoredRecord
from sync_server.store.recon_base import KeyState, QueueFilter, ReconStore, Snapshot

ROOT = Path(__file__).resolve().parents[2]
TRACKED = ("tally", "verification", "incident")  # incidents: only for their photos
PHOTO_FIELD = {"tally": "photos", "incident": "bukti"}
CHUNK = 500  # at most this many log entries per catch-up transaction
FIRST_CHUNK = 50  # the first chunk, before the cost per entry is known
BUDGET_S = 0.2  # about this long per catch-up transaction: a push waits at most one of them
# Bump when review.comparison or review.flags change what a stored row holds: the next
# catch-up (the worker's, at server start) rebuilds every row from the change log.
RULES_VERSION = "6"  # 2: changed_after_verification, identity errors high, reading order
# 3: a source stored after the verification is unseen even when its phone's clock is behind
# 4: an incident's evidence photo counts as a use of that photo at its TPS
# 5: fields in the form's order (IV before V)
# 6: every form check per source (findings in the doc), status `partial`, values per field
#    (agreed by two sources or verified), coverage, party totals, photo twins
Key = tuple[str, str]


@lru_cache(maxsize=8)
def load_election(path: Path | None) -> Election | None:
    """The election file (relative paths from the working directory, else the project root)."""
    if path is None:
        return None
    for candidate in (path, ROOT / path):
        if candidate.is_file():
            return _parse_election(candidate.resolve(), candidate.stat().st_mtime_ns)
    return None


@functools.lru_cache(maxsize=8)
def _parse_election(path: Path, _mtime_ns: int) -> Election:
    """Parsed once per file version: pushes call this for every tally."""
    return Election.model_validate(json.loads(path.read_text(encoding="utf-8")))


def catch_up(
    store: Store,
    election: Election | None,
    *,
    chunk: int = CHUNK,
    budget_s: float = BUDGET_S,
    pause: Callable[[], None] | None = None,
) -> int:
    """Bring reconciliation up to date with the change log; returns the entries read.

    Reads the log after the cursor a chunk at a time, one short transaction each, and
    recomputes each TPS-ballot those entries touch once per chunk, however many of its tallies
    changed. A chunk holds the write lock about `budget_s` (its size follows the measured cost
    per entry, at most `chunk`), and `pause` runs between chunks: the worker passes one that
    lets waiting pushes go first, so a push never waits for more than one chunk.
    """
    rs = store.recon()
    if rs.rules_version() != RULES_VERSION:
        with store.transaction():  # a second caller waits here, then finds the version current
            if rs.rules_version() != RULES_VERSION:
                _restart(rs, election)
    read, size = 0, min(chunk, FIRST_CHUNK)
    while True:
        if read and pause is not None:
            pause()
        start = time.perf_counter()
        with store.transaction():
            entries = store.log_since(rs.cursor(), size)
            keys: set[Key] = set()
            for item in entries:
                keys |= replay(rs, item.entry)
            for tps, ballot in sorted(keys):
                recompute_key(rs, tps, ballot, election)
            if entries:
                rs.set_cursor(entries[-1].id)
        read += len(entries)
        if len(entries) < size:
            return read
        per_entry = (time.perf_counter() - start) / len(entries)
        size = max(1, min(chunk, int(budget_s / max(per_entry, 1e-6))))


def _restart(rs: ReconStore, election: Election | None) -> None:
    """Drop every derived row and start again from the head of the log under the current
    rules; the official figures' TPS-ballots are computed here, the rest as the log is read
    again (in chunks, like any catch-up)."""
    rs.clear()
    rs.set_rules_version(RULES_VERSION)
    for tps, ballot in rs.official_keys():
        recompute_key(rs, tps, ballot, election)


def replay(rs: ReconStore, entry: dict[str, Any]) -> set[Key]:
    """Merge one log entry onto the record's snapshot; return the TPS-ballots to recompute."""
    if entry.get("kind") not in TRACKED:
        return set()
    rid = entry["record_id"]
    snap = rs.get_snapshot(rid)
    current = merge.Versioned(snap.fields, snap.stamps) if snap else merge.Versioned()
    stamp: Stamp = (entry["hlc"], entry["device_id"])
    v = merge.apply(current, entry["fields"], stamp)[0]
    record = StoredRecord(rid, entry["kind"], entry["tps"], "", "", None, dict(v.fields),
                          dict(v.stamps))  # fmt: skip
    return _track(rs, record, snap)


def recompute_all(store: Store, election_file: Path | None = None) -> int:
    """Rebuild every reconciliation row from the change log; returns the TPS-ballots kept."""
    return recompute_all_with(store, load_election(election_file))


def recompute_all_with(store: Store, election: Election | None) -> int:
    rs = store.recon()
    with store.transaction():
        _restart(rs, election)
    catch_up(store, election)
    return len(rs.states(QueueFilter(all_scope())))


def _ballot(fields: dict[str, Any]) -> str:
    value = fields.get("ballot")
    return value if isinstance(value, str) else ""


def _final(fields: dict[str, Any]) -> bool:
    return fields.get("status") == "final" and not fields.get("deleted")


def _photos(fields: dict[str, Any], name: str = "photos") -> list[str]:
    if fields.get("deleted"):
        return []
    return sorted({p for p in fields.get(name) or [] if isinstance(p, str)})


def _change(record: StoredRecord, before: dict[str, Any]) -> dict[str, Any] | None:
    names = sorted(
        n for n in set(before) | set(record.fields) if before.get(n) != record.fields.get(n)
    )
    if not names:
        return None
    hlc, device = max(record.stamps.get(n, (0, "")) for n in names)
    return {"record_id": record.id, "fields": names, "hlc": hlc, "device_id": device}


def track(rs: ReconStore, record: StoredRecord) -> set[Key]:
    """Update the record's snapshot and photo uses; return the TPS-ballots to recompute."""
    return _track(rs, record, rs.get_snapshot(record.id))


def _track(rs: ReconStore, record: StoredRecord, snap: Snapshot | None) -> set[Key]:
    """`track` with the record's snapshot already read (replay reads it once for both)."""
    ballot = _ballot(record.fields)
    changes = list(snap.changes) if snap else []
    if snap is not None and snap.final and record.kind == "tally":
        change = _change(record, snap.fields)
        if change is not None:
            changes.append(change)
    final = record.kind == "tally" and _final(record.fields)
    rs.put_snapshot(Snapshot(record.id, record.tps, ballot, final, dict(record.fields), changes,
                             dict(record.stamps)))  # fmt: skip
    keys = {(record.tps, ballot)} | ({(snap.tps, snap.ballot)} if snap else set())
    name = PHOTO_FIELD.get(record.kind)
    if name is not None:  # a C.Hasil photo, or an incident's evidence: reuse across TPS
        now = _photos(record.fields, name)
        hashes = sorted(set(_photos(snap.fields, name) if snap else []) | set(now))
        hashes = sorted({*hashes, *(t.twin for t in rs.photo_twins(hashes))})
        rs.set_photos(record.id, record.tps, ballot, now)
        # the uses after are those before, less this record's, plus its own (record.tps, ballot)
        keys |= {(u.tps, u.ballot) for u in rs.photo_uses(hashes)}
    return {k for k in keys if k[1]}  # an incident has no ballot: only tallies are recomputed


def _source(record: StoredRecord) -> Source | None:
    name = source_of(record.author_role, record.author_party)
    if name is None:
        return None
    stamp = max(record.stamps.values(), default=(0, ""))
    photos = tuple(_photos(record.fields))
    f = record.fields
    return Source(name, record.id, record.author, flatten(f), photos, stamp, record.seq,
                  str(f.get("alasan") or ""), f.get("tertulis_demikian") is True)  # fmt: skip


def _decision(records: list[StoredRecord], ballot: str) -> Decision | None:
    live = [r for r in records if _ballot(r.fields) == ballot and not r.fields.get("deleted")]
    if not live:
        return None
    r = max(live, key=lambda x: (max(x.stamps.values(), default=(0, "")), x.id))
    f = r.fields
    return Decision(
        r.id, r.author, flatten(f.get("nilai") or {}), tuple(f.get("sumber") or ()),
        tuple(f.get("photos") or ()), str(f.get("alasan") or ""),
        max(r.stamps.values(), default=(0, "")), r.seq,
    )  # fmt: skip


def gather(
    rs: ReconStore, tps: str, ballot: str, records: list[StoredRecord]
) -> tuple[list[Source], Decision | None]:
    """The sources and the latest verification of one TPS-ballot, from the TPS's records."""
    tallies = [r for r in records if r.kind == "tally" and _ballot(r.fields) == ballot]
    sources = [s for r in tallies if _final(r.fields) and (s := _source(r)) is not None]
    official = rs.get_official(tps, ballot)
    if official is not None:
        stamp = (official.imported_ms << 16, RESMI)
        rid = f"{RESMI}:{tps}:{ballot}"
        sources.append(Source(RESMI, rid, RESMI, flatten(official.fields), (), stamp))
    verifications = [r for r in records if r.kind == "verification"]
    return sources, _decision(verifications, ballot)


def _reuses(rs: ReconStore, tps: str, tallies: list[StoredRecord]) -> list[Reuse]:
    """Photos of these tallies cited at another TPS: the same file, or another file of the same
    sheet (the same camera original, or alike by fingerprint: sync_server.blobs.similar).
    Two queries for all the tallies (PostgreSQL pays a round trip per query)."""
    mine_of = {r.id: _photos(r.fields) for r in tallies}
    every = sorted({h for hashes in mine_of.values() for h in hashes})
    twins = rs.photo_twins(every)
    uses = rs.photo_uses(sorted({*every, *(t.twin for t in twins)}))
    out = []
    for r in tallies:
        source = source_of(r.author_role, r.author_party) or r.author_role
        for sha in mine_of[r.id]:
            others = sorted({u.tps for u in uses if u.sha256 == sha and u.tps != tps})
            if others:
                out.append(Reuse(sha, source, tuple(others)))
            for t in (t for t in twins if t.sha256 == sha):
                far = sorted({u.tps for u in uses if u.sha256 == t.twin and u.tps != tps})
                if far:
                    out.append(Reuse(sha, source, tuple(far), t.twin, t.via, t.distance))
    return out


def _changes(rs: ReconStore, tps: str, ballot: str, tallies: list[StoredRecord]) -> list[Change]:
    sources = {r.id: r for r in tallies}
    out = []
    for snap in rs.snapshots_at(tps):
        rec = sources.get(snap.record_id)
        if snap.ballot != ballot or rec is None:
            continue
        source = source_of(rec.author_role, rec.author_party) or rec.author_role
        for ch in snap.changes:
            out.append(
                Change(snap.record_id, source, tuple(ch["fields"]), ch["hlc"], ch["device_id"], tps)
            )
    return out


def recompute_key(rs: ReconStore, tps: str, ballot: str, election: Election | None) -> int:
    """Recompute one TPS-ballot and store it; returns 1 when a row is kept, 0 when dropped."""
    records = rs.records_at(tps)
    sources, decision = gather(rs, tps, ballot, records)
    c = compare(sources, decision, election, ballot)
    tallies = [r for r in records if r.kind == "tally" and _ballot(r.fields) == ballot]
    reuses, changes = _reuses(rs, tps, tallies), _changes(rs, tps, ballot, tallies)
    checks = [f for s in c.sources for f in source_checks.source_flags(s, ballot, election)]
    flags = all_flags(c, ballot, election, reuses, changes, checks)
    if c.status == "no_data" and not flags and decision is None:
        rs.delete_state(tps, ballot)
        return 0
    rs.put_state(state_of(tps, ballot, c, flags, election))
    return 1


def state_of(
    tps: str, ballot: str, c: Comparison, flags: list[Flag], election: Election | None
) -> KeyState:
    high = any(f.severity >= HIGH for f in flags)
    values = {k: v for k, v in counted(c, high).items()
              if k in TOTAL_FIELDS or k.startswith(("suara.", "jumlah_partai."))}  # fmt: skip
    doc = {
        "tps": tps,
        "ballot": ballot,
        "status": c.status,
        "sources": [_source_doc(s, ballot, election) for s in c.sources],
        "fields": [{**f.__dict__, "label": field_label(f.field)} for f in c.fields],
        "flags": [f.to_json() for f in flags],
        "decision": None if c.decision is None else {
            **c.decision.__dict__, "sumber": list(c.decision.sumber),
            "photos": list(c.decision.photos), "stamp": list(c.decision.stamp)},
        "values": values,
        "coverage": coverage(c),
    }  # fmt: skip
    rules = tuple(sorted({f.rule for f in flags}))
    severity = max((f.severity for f in flags), default=0)
    return KeyState(tps, ballot, c.status, severity, len(c.sources), rules, doc, values,
                    is_open(c.status, rules), is_decided(c.status, severity, rules),
                    counted=is_counted(c.status, severity, rules),
                    n_single=coverage(c)["single"])  # fmt: skip


def _source_doc(s: Source, ballot: str, election: Election | None) -> dict[str, Any]:
    return {
        "source": s.source,
        "label": source_label(s.source, election),
        "label_en": source_label(s.source, election, "en"),
        "record_id": s.record_id,
        "author": s.author,
        "photos": list(s.photos),
        "values": s.values,
        "alasan": s.alasan,
        "tertulis_demikian": s.paper,
        "findings": source_checks.finding_docs(s, ballot, election),
    }


def all_scope() -> ReadFilter:
    """Every TPS: the empty prefix matches all ids."""
    return ReadFilter(("",))
