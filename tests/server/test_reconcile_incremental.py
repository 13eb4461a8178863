"""Property: reconciliation caught up with the log at any points (after every push, after a
few, or only at the end) equals a full recompute from the start of the log (Hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core import signing
from core.hlc import pack
from core.protocol import Op, PushRequest
from core.registry import build
from sync_server.admin import accounts
from sync_server.auth import Principal
from sync_server.review.official import import_rows
from sync_server.review.reconcile import catch_up, load_election, recompute_all
from sync_server.runtime import Runtime
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from sync_server.sync import exchange
from tests.server.conftest import REGION_ROWS, T0, TPS, TPS_2, TPS_GUDO
from tests.server.recon_helpers import VOTES, form

TPS_LIST = (TPS, TPS_2, TPS_GUDO)
ACTORS = (("ptps", None), ("polisi", None), ("saksi", 1), ("saksi", 2), ("supervisor", None))
SHAS = tuple(c * 64 for c in "abc")
COMPLETE = {k: v for k, v in form(VOTES).items() if k not in ("ballot", "status", "suara")}
TABLES = ("recon_state", "recon_value", "recon_snapshot", "recon_photo")

tally_fields = st.fixed_dictionaries(
    {},
    optional={
        "ballot": st.sampled_from(["ppwp", "dpr_ri"]),
        "status": st.sampled_from(["draft", "final"]),
        "dpt_j": st.integers(298, 300),
        "suara_sah": st.integers(0, 1),
        "suara": st.dictionaries(st.sampled_from(["1", "2"]), st.integers(0, 2), max_size=2),
        "photos": st.lists(st.sampled_from(SHAS), max_size=2, unique=True),
        "deleted": st.booleans(),
    },
)
verify_fields = st.fixed_dictionaries(
    {"ballot": st.sampled_from(["ppwp", "dpr_ri"])},
    optional={
        "nilai": st.dictionaries(st.sampled_from(["suara.1", "dpt_j"]), st.integers(0, 2)),
        "alasan": st.just("cek foto"),
        "deleted": st.booleans(),
    },
)
incident_fields = st.fixed_dictionaries(
    {"jenis": st.just("laporan")},
    optional={
        "bukti": st.lists(st.sampled_from(SHAS), max_size=2, unique=True),
        "deleted": st.booleans(),
    },
)
step = st.one_of(
    st.tuples(st.sampled_from(range(4)), st.integers(0, 4), tally_fields, st.integers(1, 40)),
    st.tuples(st.just(4), st.integers(0, 2), verify_fields, st.integers(1, 40)),
    st.tuples(st.just(-1), st.integers(0, 2), st.integers(0, 300), st.just(0)),
    st.tuples(st.just(-2), st.just(0), st.integers(1, 3), st.just(0)),  # catch up, in chunks
    st.tuples(st.just(5), st.integers(0, 2), incident_fields, st.integers(1, 40)),
)


KEYS: dict[str, bytes] = {}  # device id -> its private key (devices are made per example)


def _setup(path: Path) -> tuple[SqliteStore, Runtime, list[Principal]]:
    cfg = Settings(db_path=path, now_ms=lambda: T0 + 3_600_000)
    store = SqliteStore(path)
    store.migrate()
    store.replace_region(build(REGION_ROWS))
    who = []
    for role, party in ACTORS:
        user = accounts.create_user(store, role, role, ["35.17"], party)
        key = signing.new_private_key()
        device, _ = accounts.add_device(store, user.id, role, T0, signing.public_key_of(key))
        KEYS[device.id] = key
        who.append(Principal(device, user))
    return store, Runtime(cfg, lambda: SqliteStore(path)), who


def _push(store: SqliteStore, rt: Runtime, who: Principal, rid: str, tps: str, kind: str,
          fields: dict[str, Any], hlc: int, seq: int) -> None:  # fmt: skip
    if kind in ("verification", "incident"):
        fields["tps"] = tps
    if kind == "tally" and fields.get("status") == "final":  # a final form is complete
        votes = {"1": 0, "2": 0, "3": 0, **fields.get("suara", {})}
        fields = {**COMPLETE, **fields, "suara": votes}
    op = {"op_id": f"o{seq}", "seq": seq, "record_id": rid, "kind": kind, "tps": tps,
          "fields": fields, "hlc": hlc}  # fmt: skip
    ops = [Op.model_validate(op)]
    signed = signing.sign_batch(KEYS[who.device.id], who.device.id, seq, ops)
    req = PushRequest(device_id=who.device.id, ops=ops, batch=signed)
    [result] = exchange.push(store, rt.clock, who, req).results
    # every generated step is a valid write, except an empty tally (nothing to write) and
    # the undelete of a final that was deleted before it was ever complete
    assert result.status != "rejected" or result.code in ("empty_op", "incomplete_final"), result
    if result.code == "incomplete_final":
        event("incomplete final refused")


def _dump(store: SqliteStore) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted(tuple(r.values()) for r in store.db.table(t).rows) for t in TABLES}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=25))
def test_incremental_equals_full_recompute(steps):
    with tempfile.TemporaryDirectory() as tmp:
        store, rt, who = _setup(Path(tmp) / "s.db")
        try:
            for seq, (actor, k, fields, counter) in enumerate(steps, start=1):
                tps = TPS_LIST[k % 3]
                if actor == -2:
                    catch_up(store, load_election(rt.settings.election_file), chunk=fields)
                    continue
                if actor == -1:
                    row = {"tps": tps, "ballot": "ppwp", "suara.1": fields % 3}
                    election = load_election(rt.settings.election_file)
                    import_rows(store, [row], T0 + seq, "resmi.csv", election)
                    continue
                kind = {4: "verification", 5: "incident"}.get(actor, "tally")
                by = who[0 if actor == 5 else actor]  # incidents: reported by the PTPS
                _push(store, rt, by, f"r{actor}-{k}", tps, kind, dict(fields),
                      pack(T0, counter), seq)  # fmt: skip
            catch_up(store, load_election(rt.settings.election_file))
            incremental = _dump(store)
            recompute_all(store, rt.settings.election_file)
            event(f"TPS-ballots kept: {min(len(incremental['recon_state']), 3)}")
            assert _dump(store) == incremental
        finally:
            store.close()
