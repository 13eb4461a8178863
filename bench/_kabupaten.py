"""A server database holding a kabupaten of N records, written through the real push path.

The mix follows the Jombang measurement of issue 15: per 10,000 records 6,476 saksi tallies,
2,312 PTPS tallies, 1,200 vulnerability assessments and 12 incidents. Saksi write per party and
kecamatan, PTPS per desa, police assess per kecamatan; one tally in twenty is corrected by a
second op (a field with its own stamp). Four bench devices are enrolled: a kabupaten
supervisor, a kecamatan supervisor, a PTPS and a saksi of one TPS (who wrote that TPS's tallies).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import signing
from core.election import Election
from core.hlc import pack
from core.protocol import Op, PushRequest
from core.registry import Tps
from sync_server.admin import accounts
from sync_server.admin.demo_records import _tally
from sync_server.auth import Principal
from sync_server.review.reconcile import catch_up, load_election
from sync_server.runtime import Runtime
from sync_server.settings import Settings
from sync_server.store.models import User
from sync_server.store.sqlite import SqliteStore
from sync_server.sync import exchange

T0 = 1_707_890_400_000  # 2024-02-14 13:00 WIB, counting starts
SPAN_MS = 9 * 3_600_000
Work = dict[str, list[tuple[str, str, str, dict[str, Any]]]]


@dataclass(frozen=True)
class Seeded:
    tokens: dict[str, str]  # bench device name -> bearer token
    users: dict[str, User]  # bench device name -> its user (for the same rows' read filter)
    records: int


KEYS: dict[str, bytes] = {}  # device id -> private key of the seeded devices


@dataclass
class _Seeder:
    store: SqliteStore
    election: Election
    rng: random.Random
    principals: dict[str, Principal]
    work: Work

    def who(self, key: str, role: str, scope: str, party: int | None = None) -> str:
        if key not in self.principals:
            user = accounts.create_user(self.store, key, role, [scope], party)
            private = signing.new_private_key()  # seeded devices sign like phones
            public = signing.public_key_of(private)
            device, _ = accounts.add_device(self.store, user.id, key, T0, public)
            self.principals[key] = Principal(device, user)
            KEYS[device.id] = private
        return key

    def add(self, key: str, rid: str, kind: str, tps: str, fields: dict[str, Any]) -> None:
        self.work[key].append((rid, kind, tps, fields))


def _counts(n: int) -> tuple[int, int, int, int]:
    saksi, ptps, assess = round(n * 0.6476), round(n * 0.2312), round(n * 0.12)
    return saksi, ptps, assess, max(n - saksi - ptps - assess, 0)


def _tallies(s: _Seeder, sample: list[Tps], ballots: list[str], n_saksi: int, n_ptps: int) -> None:
    per_tps = -(-n_saksi // max(len(sample), 1))
    saksi_left = n_saksi
    for i, t in enumerate(sample):
        parties = s.rng.sample(range(1, 19), k=min(per_tps, 18))
        for j, ballot in enumerate(ballots):
            base = _tally(s.rng, s.election, t, ballot)
            if i * len(ballots) + j < n_ptps:
                key = s.who(f"ptps-{t.desa}", "ptps", t.desa)
                s.add(key, f"k-{t.id}-{ballot}-ptps", "tally", t.id, base)
            for party in parties[: min(per_tps, saksi_left)]:
                # the first TPS's first party is the bench saksi phone's own user
                mine = i == 0 and party == parties[0]
                key = f"saksi-{t.id}" if mine else f"saksi-{party}-{t.kecamatan}"
                key = s.who(key, "saksi", t.id if mine else t.kecamatan, party)
                s.add(key, f"k-{t.id}-{ballot}-{party}", "tally", t.id, base)
                saksi_left -= 1


def _others(s: _Seeder, tps: list[Tps], sample: list[Tps], n_assess: int, n_inc: int) -> None:
    for t in s.rng.sample(tps, min(n_assess, len(tps))):
        answers = {c: s.rng.random() < 0.08 for c in s.election.indicator_set.codes()}
        assess = {"tps": t.id, "pemilu": s.election.code, "indikator": answers, "status": "final"}
        key = s.who(f"polisi-{t.kecamatan}", "polisi", t.kecamatan)
        s.add(key, f"k-{t.id}-rawan", "assessment", t.id, assess)
    for k in range(n_inc):
        t = sample[k % len(sample)]
        incident = {"jenis": "laporan", "kategori": "logistik", "tps": t.id, "status": "final",
                    "uraian": f"Kotak suara tiba terlambat ({k + 1})",
                    "tingkat": "sedang"}  # fmt: skip
        s.add(s.who(f"ptps-{t.desa}", "ptps", t.desa), f"k-insiden-{k}", "incident", t.id, incident)


def _ops(device_id: str, records: list[tuple[str, str, str, dict[str, Any]]]) -> Iterator[list[Op]]:
    """The records as ops stamped through the afternoon; every 20th tally corrected later."""
    step = SPAN_MS // max(len(records), 1)
    ops: list[Op] = []
    corrections = [r for n, r in enumerate(records) if r[1] == "tally" and n % 20 == 7]
    for n, (rid, kind, tps, fields) in enumerate([*records, *corrections], start=1):
        if n > len(records):
            fields = {"suara_tidak_sah": fields["suara_tidak_sah"], "alasan": "salah baca angka"}
        op = {"op_id": f"{device_id}:{n}", "seq": n, "record_id": rid, "kind": kind, "tps": tps,
              "fields": fields, "hlc": pack(T0 + n * step, n % 3)}  # fmt: skip
        ops.append(Op.model_validate(op))
        if len(ops) == 200:
            yield ops
            ops = []
    if ops:
        yield ops


def seed(db: Path, n: int, ballots: list[str], rng_seed: int = 15) -> Seeded:
    """Write the kabupaten into a fresh server database at `db` and reconcile it."""
    settings = Settings(db_path=db)
    store = SqliteStore(db)
    store.migrate()
    registry = accounts.import_region(store, settings.region_csv)
    election = load_election(settings.election_file)
    assert election is not None
    rng = random.Random(rng_seed)
    s = _Seeder(store, election, rng, {}, defaultdict(list))
    n_saksi, n_ptps, n_assess, n_inc = _counts(n)
    tps = list(registry.tps)
    n_tps = min(len(tps), max(-(-n_ptps // len(ballots)), 1))
    sample = sorted(rng.sample(tps, n_tps), key=lambda t: t.id)
    _tallies(s, sample, ballots, n_saksi, n_ptps)
    _others(s, tps, sample, n_assess, n_inc)
    runtime = Runtime(settings, lambda: store)
    for key, records in s.work.items():
        who = s.principals[key]
        for n, ops in enumerate(_ops(who.device.id, records), start=1):
            signed = signing.sign_batch(KEYS[who.device.id], who.device.id, n, ops)
            request = PushRequest(device_id=who.device.id, ops=ops, batch=signed)
            results = exchange.push(store, runtime.clock, who, request).results
            assert all(r.status != "rejected" for r in results), results[:2]
    catch_up(store, election)  # the server's worker is idle while the bench pulls
    first = sample[0]
    users = {"saksi": s.principals[f"saksi-{first.id}"].user}
    for name, role, scope in (("kabupaten", "supervisor", "35.17"),
                              ("kecamatan", "supervisor", first.kecamatan),
                              ("ptps", "ptps", first.id)):  # fmt: skip
        users[name] = accounts.create_user(store, f"bench {name}", role, [scope])
    tokens = {name: accounts.add_device(store, u.id, name, T0)[1] for name, u in users.items()}
    count = store.count_records()
    store.close()
    return Seeded(tokens, users, count)
