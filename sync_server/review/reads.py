"""The supervisor console's reads: review queue, TPS comparison with history, totals.

Every function takes the caller's `Principal`; only supervisor and admin pass `require_reviewer`
and each sees only TPS in their region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from core.election import Election
from core.errors import DomainError
from core.hlc import wall_ms
from core.wilayah import parse_tps
from sync_server.auth import Principal
from sync_server.errors import ApiError, forbidden
from sync_server.review.comparison import STATUS_NAMES
from sync_server.review.flags import REOPENS, RULES, SEVERITY_NAMES, local_time
from sync_server.review.incidents import incident_rows
from sync_server.store.base import Store
from sync_server.store.recon_base import KeyState, Level, QueueFilter
from sync_server.store.reconcile_sqlite import LEVEL_DIGITS
from sync_server.sync.scope import SUPERVISORS, in_scope, read_filter


def require_reviewer(who: Principal) -> None:
    if who.user.role not in SUPERVISORS:
        raise forbidden(
            f"Halaman ini hanya untuk supervisor atau admin; peran Anda {who.user.role}",
            f"Only supervisors and admins may use this; your role is {who.user.role}",
            code="reviewer_only",
        )


def require_tps(store: Store, who: Principal, tps: str) -> None:
    try:
        parse_tps(tps)
    except DomainError as exc:
        raise ApiError(422, "invalid_tps", exc.message_id, exc.message_en) from None
    if not in_scope(who.user, tps):
        raise forbidden(
            f"TPS {tps} di luar wilayah tugas Anda",
            f"TPS {tps} is outside your assigned area",
            code="out_of_scope",
        )
    if store.recon().get_tps(tps) is None:
        raise ApiError(404, "unknown_tps", f"TPS {tps} tidak terdaftar", f"No TPS {tps}")


def dotted(area: str) -> str:
    """`351701` -> `35.17.01`; `3517012001` -> `35.17.01.2001`."""
    parts = [area[0:2], area[2:4], area[4:6], area[6:10]]
    return ".".join(p for p in parts if p)


SORTS = ("severity", "tps", "ballot", "status", "sources")
TPS_STATUSES = ("conflict", "one_source", "agree", "verified")


def _top_flag(s: KeyState) -> dict[str, Any] | None:
    """The flag the queue shows: what sent a verified TPS-ballot back, else the first (flags
    come worst first, in reading order)."""
    flags: list[dict[str, Any]] = s.doc["flags"]
    back = [f for f in flags if f["rule"] == REOPENS]
    return (back or flags)[0] if flags else None


def _sort_key(sort: str) -> Callable[[dict[str, Any]], Any]:
    def key(i: dict[str, Any]) -> Any:
        place = (i["tps"], i.get("ballot", ""))
        if sort == "tps":
            return place
        if sort == "ballot":
            return (i.get("ballot", ""), i["tps"])
        if sort == "status":
            return (i["status"] if i["type"] == "tps" else "~incident", -i["severity"], *place)
        if sort == "sources":
            return (i.get("n_sources", 0), -i["severity"], *place)
        disputed = i["status"] == "conflict" or REOPENS in i.get("rules", ())
        return (-i["severity"], i["type"] != "tps", not disputed, *place)

    return key


def queue(
    store: Store,
    who: Principal,
    now_ms: int,
    *,
    kecamatan: str | None = None,
    ballot: str | None = None,
    flag: str | None = None,
    status: str | None = None,
    sort: str = "severity",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> dict[str, Any]:
    """TPS-ballots and incidents needing a decision, worst first (or sorted by `sort`), one page
    of them from `offset`, with `total` (all that match) and counts at the top.

    `status` keeps TPS-ballots of one status (`incident`: incidents only)."""
    read = read_filter(who.user)
    tps_status = status if status in TPS_STATUSES else None
    where = QueueFilter(read, kecamatan, ballot, flag, tps_status)
    states = [] if status == "incident" else store.recon().states(where, open_only=True)
    items: list[dict[str, Any]] = [
        {
            "type": "tps",
            "tps": s.tps,
            "ballot": s.ballot,
            "status": s.status,
            "severity": s.severity,
            "rules": list(s.rules),
            "n_sources": s.n_sources,
            "top_flag": _top_flag(s),
        }
        for s in states
    ]
    incidents = [] if ballot else incident_rows(store, who, now_ms)
    if kecamatan:
        incidents = [i for i in incidents if i["tps"].startswith(kecamatan.replace(".", ""))]
    open_incidents = [{"type": "incident", **i, "status": "incident"} for i in incidents
                      if i["open"]]  # fmt: skip
    items += [] if flag or status not in (None, "", "incident") else open_incidents
    items.sort(key=_sort_key(sort if sort in SORTS else "severity"), reverse=descending)
    counts = _counts(store, QueueFilter(read, kecamatan, ballot, flag), open_incidents)
    end = len(items) if limit is None else offset + limit
    return {"counts": counts, "total": len(items), "offset": offset, "items": items[offset:end]}


def _counts(store: Store, where: QueueFilter, incidents: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over every TPS-ballot in the kecamatan/ballot filter, whatever the status filter:
    by status, and of those needing a decision, by status and by rule."""
    every = store.recon().state_counts(QueueFilter(where.read, where.kecamatan, where.ballot))
    by_status: dict[str, int] = defaultdict(int)
    open_by_status: dict[str, int] = defaultdict(int)
    by_rule: dict[str, int] = defaultdict(int)
    for status, is_open, rules, n in every:
        by_status[status] += n
        if is_open and (not where.rule or where.rule in rules):
            open_by_status[status] += n
            for rule in rules:
                by_rule[rule] += n
    return {
        "queue": sum(open_by_status.values()),
        "by_status": dict(by_status),
        "open_by_status": dict(open_by_status),
        "by_rule": dict(by_rule),
        "incidents_open": len(incidents),
        "incidents_overdue": sum(1 for i in incidents if i["overdue"]),
    }


def comparison(store: Store, who: Principal, tps: str, ballot: str) -> dict[str, Any]:
    """Sources side by side per field, flags, the decision, and every record's history."""
    require_tps(store, who, tps)
    rs = store.recon()
    state = rs.get_state(tps, ballot)
    doc = state.doc if state else {"tps": tps, "ballot": ballot, "status": "no_data",
                                   "sources": [], "fields": [], "flags": [], "decision": None,
                                   "values": {}}  # fmt: skip
    ids = [s["record_id"] for s in doc["sources"] if s["source"] != "resmi"]
    if doc["decision"]:
        ids.append(doc["decision"]["record_id"])
    differences = [f["field"] for f in doc["fields"] if f["state"] == "conflict"]
    info = rs.get_tps(tps)
    return {
        **doc,
        "tps_label": info.label if info else tps,
        "status_label": STATUS_NAMES[doc["status"]],
        "differences": differences,
        "photos": sorted({p for s in doc["sources"] for p in s["photos"]}),
        "history": {rid: history(store, rid) for rid in ids},
    }


def history(store: Store, record_id: str) -> list[dict[str, Any]]:
    """Who changed what, when, from which device, and conflicts resolved on it (with the
    reason): the record's change-log entries."""
    out = []
    names: dict[str, str] = {}
    for item in store.recon().history(record_id):
        e = item.entry
        uid = str(e.get("user_id", ""))
        if uid not in names:
            user = store.get_user(uid)
            names[uid] = user.name if user else uid
        out.append(
            {
                "log_id": item.id,
                "at_ms": wall_ms(int(e.get("hlc", 0))),
                "at": local_time(wall_ms(int(e.get("hlc", 0)))),
                "user_id": uid,
                "user_name": names[uid],
                "device_id": e.get("device_id"),
                "kind": e.get("kind"),
                "fields": e.get("fields", {}),
                "conflicts": e.get("conflicts", []),
                "note": e.get("note"),
                "resolution": _resolution(e),
                "hash": item.hash,
                "prev_hash": item.prev_hash,
                # sha256(prev_hash + entry_json) == hash: anyone can check the chain link
                "entry_json": item.text,
            }
        )
    return out


def record_history(store: Store, who: Principal, record_id: str) -> dict[str, Any]:
    """One record's history, for any record in the caller's region (e.g. an incident)."""
    record = store.get_record(record_id)
    if record is None or not in_scope(who.user, record.tps):
        raise ApiError(404, "unknown_record", f"Data {record_id} tidak ada di wilayah Anda",
                       f"No record {record_id} in your area")  # fmt: skip
    return {"record_id": record.id, "kind": record.kind, "tps": record.tps,
            "entries": history(store, record.id)}  # fmt: skip


def _resolution(e: dict[str, Any]) -> dict[str, Any] | None:
    """What a conflict resolution entry decided (sync_server.review.resolution)."""
    if e.get("kind") != "conflict_resolution":
        return None
    keys = ("conflict_id", "field", "choice", "value", "previous", "written", "alasan")
    return {k: e.get(k) for k in keys}


def totals(
    store: Store, who: Principal, level: Level, election: Election | None, ballot: str | None
) -> dict[str, Any]:
    """Decided votes per area and ballot, with how many TPS are decided, in conflict or open."""
    read = read_filter(who.user)
    rs = store.recon()
    n = LEVEL_DIGITS[level]
    n_tps: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for t in rs.tps_in(read):
        area = t.id[:n]
        n_tps[area] += 1
        names[area] = {"desa": t.desa_name, "kecamatan": t.kecamatan_name}.get(level, dotted(area))
    ballots = [ballot] if ballot else (election.ballot_codes() if election else ["ppwp"])
    votes: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for area, b, key, total in rs.totals(read, level):
        votes[(area, b)][key] = total
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for area, b, status, k in rs.status_counts(read, level):
        counts[(area, b)][status] += k
    decided = {(area, b): k for area, b, k in rs.decided_counts(read, level)}
    rows = []
    for area in sorted(n_tps):
        for b in ballots:
            c = counts[(area, b)]
            done = decided.get((area, b), 0)
            rows.append({
                "code": dotted(area), "name": names[area], "ballot": b, "tps": n_tps[area],
                "decided": done, "verified": c["verified"], "conflict": c["conflict"],
                "open": n_tps[area] - done - c["conflict"], "values": votes.get((area, b), {}),
            })  # fmt: skip
    return {"level": level, "rows": rows}


WIB = timezone(timedelta(hours=7))


def progress(store: Store, who: Principal, ballot: str | None) -> dict[str, Any]:
    """Reporting over the day: TPS-ballots with a first final tally, cumulative per hour (WIB)."""
    read = read_filter(who.user)
    rs = store.recon()
    first: dict[tuple[str, str], int] = {}
    for tps, b, hlc in rs.first_finals(read):
        if ballot is None or b == ballot:
            first[(tps, b)] = min(hlc, first.get((tps, b), hlc))
    per_hour: dict[datetime, int] = defaultdict(int)
    for hlc in first.values():
        at = datetime.fromtimestamp(wall_ms(hlc) / 1000, WIB)
        per_hour[at.replace(minute=0, second=0, microsecond=0)] += 1
    running, buckets = 0, []
    for hour in sorted(per_hour):
        running += per_hour[hour]
        buckets.append({"hour": hour.isoformat(), "new": per_hour[hour], "reported": running})
    return {"ballot": ballot, "tps": len(rs.tps_in(read)), "reported": running, "hours": buckets}


def legend() -> dict[str, Any]:
    """Words for statuses, rules and severities, for the console (both languages)."""
    return {
        "status": {k: list(v) for k, v in STATUS_NAMES.items()},
        "rules": {k: list(v) for k, v in RULES.items()},
        "severity": {str(k): list(v) for k, v in SEVERITY_NAMES.items()},
    }
