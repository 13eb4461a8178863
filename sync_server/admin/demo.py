"""`seed-demo`: a labelled Jombang demo (region, one user of every role, enrolment codes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync_server.admin import accounts, demo_records
from sync_server.admin.accounts import read_region
from sync_server.clock import ServerClock
from sync_server.review.reconcile import catch_up, load_election
from sync_server.settings import Settings
from sync_server.store.base import Store

DEMO_TPS = "3517012001001"  # TPS 001 Jantiganggong, Kec. Perak, Kab. Jombang
DEMO_LABEL = "[DEMO]"


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    scope: list[str]
    party: int | None = None


DEMO_USERS = (
    DemoUser(f"{DEMO_LABEL} Supervisor Polres Jombang", "supervisor", ["35.17"]),
    DemoUser(f"{DEMO_LABEL} PTPS 001 Jantiganggong", "ptps", [DEMO_TPS]),
    DemoUser(f"{DEMO_LABEL} Bhabinkamtibmas Jantiganggong", "polisi", ["35.17.01.2001"]),
    DemoUser(f"{DEMO_LABEL} Saksi PKB TPS 001", "saksi", [DEMO_TPS], party=1),
    DemoUser(f"{DEMO_LABEL} Saksi Gerindra TPS 001", "saksi", [DEMO_TPS], party=2),
)


def seed(
    store: Store, region_csv: Path, now_ms: int, ttl_hours: float, *, key: bytes
) -> list[tuple[str, str]]:
    """Import the region and create the demo users; returns (user name, enrolment code)."""
    accounts.import_region(store, region_csv)
    codes = []
    for demo in DEMO_USERS:
        user = accounts.create_user(store, demo.name, demo.role, demo.scope, demo.party)
        codes.append(
            (user.name, accounts.issue_enrol_code(store, user.id, now_ms, ttl_hours, key=key))
        )
    return codes


def seed_records(store: Store, settings: Settings, n_tps: int) -> int:
    """Demo tallies, assessments and incidents for `n_tps` TPS, pushed like a device's."""
    election = load_election(settings.election_file)
    if election is None:
        raise FileNotFoundError(settings.election_file)
    clock = ServerClock(settings.now_ms)
    tps = [t for t in read_region(settings.region_csv).tps if store.has_tps(t.id)]
    n = demo_records.seed_records(
        store, clock, election, tps, settings.now_ms(), n_tps, settings=settings
    )
    catch_up(store, election)  # the console opens on a reconciled queue
    return n
