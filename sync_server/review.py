"""The supervisor console's reads: review queue, TPS comparison with history, totals.

Every function takes the caller's `Principal`; only supervisor and admin pass `require_reviewer`
and each sees only TPS in their region.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from core.election import Election
from core.hlc import wall_ms
from core.wilayah import parse_tps
from sync_server.auth import Principal
from sync_server.comparison import STATUS_NAMES
from sync_server.errors import ApiError, forbidden
from sync_server.flags import RULES, SEVERITY_NAMES, local_time
from sync_server.incidents import incident_rows
from sync_server.scope import SUPERVISORS, in_scope, read_filter
from sync_server.store.base import Store
from sync_server.store.recon_base import Level, QueueFilter
from sync_server.store.reconcile_sqlite import LEVEL_DIGITS

DECIDED = ("agree", "verified")


def require_reviewer(who: Principal) -> None:
    if who.user.role not in SUPERVISORS:
        raise forbidden(
            f"Halaman ini hanya untuk supervisor atau admin; peran Anda {who.user.role}",
            f"Only supervisors and admins may use this; your role is {who.user.role}",
            code="reviewer_only",
        )


def require_tps(store: Store, who: Principal, tps: str) -> None:
    parse_tps(tps)
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


def queue(
    store: Store,
    who: Principal,
    now_ms: int,
    *,
    kecamatan: str | None = None,
    ballot: str | None = None,
    flag: str | None = None,
) -> dict[str, Any]:
    """TPS-ballots and incidents needing a decision, worst first, with counts at the top."""
    read = read_filter(who.user)
    where = QueueFilter(read, kecamatan, ballot, flag)
    states = store.recon().states(where, open_only=True)
    items: list[dict[str, Any]] = [
        {
            "type": "tps",
            "tps": s.tps,
            "ballot": s.ballot,
            "status": s.status,
            "severity": s.severity,
            "rules": list(s.rules),
            "n_sources": s.n_sources,
            "top_flag": s.doc["flags"][0] if s.doc["flags"] else None,
        }
        for s in states
    ]
    incidents = [] if ballot else incident_rows(store, who, now_ms)
    if kecamatan:
        incidents = [i for i in incidents if i["tps"].startswith(kecamatan.replace(".", ""))]
    open_incidents = [{"type": "incident", **i} for i in incidents if i["open"]]
    items += [] if flag else open_incidents
    items.sort(key=lambda i: (-i["severity"], i["type"] != "tps", i["tps"], i.get("ballot", "")))
    return {"counts": _counts(store, where, states, open_incidents), "items": items}


def _counts(
    store: Store, where: QueueFilter, states: list[Any], incidents: list[dict[str, Any]]
) -> dict[str, Any]:
    every = store.recon().states(QueueFilter(where.read, where.kecamatan, where.ballot))
    by_status: dict[str, int] = defaultdict(int)
    for s in every:
        by_status[s.status] += 1
    by_rule: dict[str, int] = defaultdict(int)
    for s in states:
        for rule in s.rules:
            by_rule[rule] += 1
    return {
        "queue": len(states),
        "by_status": dict(by_status),
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
    """Who changed what, when, from which device: the record's change-log entries."""
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
                "fields": e.get("fields", {}),
                "conflicts": e.get("conflicts", []),
                "note": e.get("note"),
                "hash": item.hash,
                "prev_hash": item.prev_hash,
            }
        )
    return out


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
    rows = []
    for area in sorted(n_tps):
        for b in ballots:
            c = counts[(area, b)]
            done = sum(c[s] for s in DECIDED)
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
