"""Demo records for `seed-demo`: tallies from several sources, assessments, TPS positions and
incidents across the region, pushed through the real push path so that reconciliation, flags
and the change log are built exactly as in the field: each demo device gets its own key and
signs its batches (the private keys live in memory while seeding, then are gone, like a phone
that was wiped). Everything is labelled demo.

Deterministic (one seed): a few tallies carry a misread digit (99 -> 44) in one source, and
two carry Sirekap-style impossible totals (948 votes at a TPS of about 300 voters). The tallies
of the first PHOTO_TPS TPS carry a C.Hasil photo per source (demo_photos): each page shows what
is on the paper, so the source that misread a digit is contradicted by its own photo.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from typing import Any

from core import signing
from core.election import Ballot, Election
from core.hlc import pack
from core.protocol import Op, PushRequest
from core.records import pembuat
from core.registry import Tps
from sync_server.admin import accounts, demo_photos
from sync_server.auth import Principal
from sync_server.clock import ServerClock
from sync_server.settings import Settings
from sync_server.store.base import Store
from sync_server.sync import exchange

DEMO = "[DEMO]"
Source = tuple[str, int | None]
SOURCES: tuple[Source, ...] = (("saksi", 1), ("saksi", 2), ("ptps", None))
Fields = dict[str, Any]
Work = list[tuple[str, str, str, Fields]]
DAY_SPAN_MS = 9 * 3_600_000  # counting runs from about 13:00 to 22:00
PHOTO_TPS = 4  # TPS whose demo tallies carry a photo (the 4th has the misread digit)
CATEGORIES = ("politik_uang", "kampanye_di_luar_jadwal", "netralitas", "intimidasi", "logistik")


def _principal(
    store: Store, role: str, party: int | None, now_ms: int, keys: dict[str, bytes]
) -> Principal:
    """A demo device with its own signing key, held in memory only while seeding."""
    label = {"saksi": f"Saksi partai {party}", "ptps": "PTPS", "polisi": "Polisi"}[role]
    user = accounts.create_user(store, f"{DEMO} {label} (data contoh)", role, ["35.17"], party)
    key = signing.new_private_key()
    public = signing.public_key_of(key)
    device, _ = accounts.add_device(store, user.id, "data contoh", now_ms, public)
    keys[device.id] = key
    return Principal(device, user)


def card(who: Principal) -> Fields:
    """The `pembuat` a demo device writes on its records, as a phone does."""
    return pembuat(who.user.role, who.user.name, who.user.party)


def _tally(rng: random.Random, election: Election, tps: Tps, ballot: str) -> dict[str, Any]:
    """A consistent C.Hasil for one ballot of one TPS (DPT about 200-300)."""
    dpt_l, dpt_p = rng.randint(100, 150), rng.randint(100, 150)
    keys = election.ballot(ballot).vote_keys()
    turnout = rng.randint(int((dpt_l + dpt_p) * 0.6), int((dpt_l + dpt_p) * 0.85))
    invalid = rng.randint(0, 8)
    weights = [rng.random() ** 2 for _ in keys]
    share = sum(weights)
    votes = {k: int((turnout - invalid) * w / share) for k, w in zip(keys, weights, strict=True)}
    sah = sum(votes.values())
    voters = sah + invalid
    vl = min(dpt_l, voters // 2)
    t: dict[str, Any] = {"tps": tps.id, "pemilu": election.code, "ballot": ballot}
    t.update(dpt_l=dpt_l, dpt_p=dpt_p, dpt_j=dpt_l + dpt_p)
    t.update(pemilih_dpt_l=vl, pemilih_dpt_p=voters - vl, pemilih_dpt_j=voters)
    for row in ("pemilih_dptb", "pemilih_dpk"):
        t.update({f"{row}_l": 0, f"{row}_p": 0, f"{row}_j": 0})
    t.update(pengguna_hak_pilih_l=vl, pengguna_hak_pilih_p=voters - vl)
    t.update(pengguna_hak_pilih_j=voters, disabilitas_l=0, disabilitas_p=0, disabilitas_j=0)
    received = t["dpt_j"] + round(t["dpt_j"] * election.reserve_ratio)
    t.update(ss_diterima=received, ss_digunakan=voters, ss_rusak=0, ss_sisa=received - voters)
    t.update(suara=votes, suara_sah=sah, suara_tidak_sah=invalid, suara_total=voters)
    t.update(status="final", catatan="Data contoh (demo), bukan hasil resmi")
    return t


def _misread(t: dict[str, Any]) -> dict[str, Any]:
    """One source copied a 9 as a 4 (the Sirekap 99 -> 44 error)."""
    votes = dict(t["suara"])
    key = max(votes, key=votes.get)  # type: ignore[arg-type]
    votes[key] = int(str(votes[key]).replace("9", "4")) if "9" in str(votes[key]) else 44
    return {**t, "suara": votes}


def _photo(
    store: Store, settings: Settings, who: Principal, ballot: Ballot, t: Tps, paper: Fields
) -> str:
    """The C.Hasil page as `who` photographed it: the paper's numbers, stored as an upload
    from that source's device."""
    place = f"{t.label}, Kec. {t.kecamatan_name}"
    seed = zlib.crc32(f"{t.id}:{who.device.id}".encode())
    return demo_photos.store_photo(
        store, settings, who, demo_photos.sheet(paper, ballot, place, seed)
    )


def _ops(principal: Principal, records: Work, start_ms: int) -> Iterator[list[Op]]:
    """Ops stamped across the last hours, as phones report through an afternoon and evening."""
    step = DAY_SPAN_MS // max(len(records), 1)
    batch: list[Op] = []
    for n, (rid, kind, tps, fields) in enumerate(records, start=1):
        op = {"op_id": f"{principal.device.id}:{n}", "seq": n, "record_id": rid, "kind": kind,
              "tps": tps, "fields": fields, "hlc": pack(start_ms + n * step)}  # fmt: skip
        batch.append(Op.model_validate(op))
        if len(batch) == 200:
            yield batch
            batch = []
    if batch:
        yield batch


def seed_records(
    store: Store,
    clock: ServerClock,
    election: Election,
    tps: list[Tps],
    now_ms: int,
    n_tps: int = 300,
    *,
    settings: Settings,
) -> int:
    """Push demo records for `n_tps` TPS; returns how many records were written. Photos go
    to `settings.blob_dir`, as uploads do."""
    rng = random.Random(2024)
    keys: dict[str, bytes] = {}
    who = {src: _principal(store, src[0], src[1], now_ms, keys) for src in SOURCES}
    police = _principal(store, "polisi", None, now_ms, keys)
    work: dict[Principal, Work] = {p: [] for p in [*who.values(), police]}
    sample = rng.sample(tps, min(n_tps, len(tps)))
    ppwp = election.ballot("ppwp")
    for i, t in enumerate(sample):
        base = _tally(rng, election, t, "ppwp")
        if i < 2:
            base = {**base, "suara": {**base["suara"], "1": 948}}  # impossible: flagged
        for j, src in enumerate(SOURCES):
            misread = i % 17 == 3 and j == 0
            if src[0] == "saksi" and rng.random() < 0.25 and not misread:
                continue  # not every party had a witness here
            fields = _misread(base) if misread else base
            if i < PHOTO_TPS:
                shot = _photo(store, settings, who[src], ppwp, t, base)
                fields = {**fields, "photos": [shot]}
            work[who[src]].append((f"demo-{t.id}-ppwp-{j}", "tally", t.id, fields))
    for t in rng.sample(tps, min(len(tps), n_tps * 4)):
        answers = {c: rng.random() < 0.08 for c in election.indicator_set.codes()}
        answers["t"] = t.number >= 900  # special-location TPS are numbered 9xx
        assess = {"tps": t.id, "pemilu": election.code, "indikator": answers, "status": "final",
                  "pembuat": card(police)}  # fmt: skip
        work[police].append((f"demo-{t.id}-rawan", "assessment", t.id, assess))
    for k in range(12):
        t = rng.choice(sample)
        incident = {"jenis": rng.choice(["laporan", "temuan"]), "kategori": rng.choice(CATEGORIES),
                    "tps": t.id, "uraian": f"Kejadian contoh {k + 1} (demo)", "tingkat": rng.choice(
                        ["rendah", "sedang", "tinggi"]), "status": "final",
                    "pembuat": card(who[("ptps", None)])}  # fmt: skip
        work[who[("ptps", None)]].append((f"demo-insiden-{k}", "incident", t.id, incident))
    written = 0
    start_ms = now_ms - DAY_SPAN_MS
    for principal, records in work.items():
        device_id = principal.device.id
        for batch, ops in enumerate(_ops(principal, records, start_ms), start=1):
            signed = signing.sign_batch(keys[device_id], device_id, batch, ops)
            request = PushRequest(device_id=device_id, ops=ops, batch=signed)
            results = exchange.push(store, clock, principal, request, election=election).results
            written += sum(r.status != "rejected" for r in results)
    return written
