"""The sync as a field season runs it, as a Hypothesis state machine (shrinks failing runs).

Four phones (two devices of one PTPS, another PTPS, a supervisor) against an in-process server
on a temp file. Steps: saves and deletes (some the server must refuse), drafts on record ids
another device shares, syncs with random batch sizes over a faulty network (drops, responses
lost after commit, duplicates, late replays), saves while a push is under way, crashes inside a
local transaction with a restart from the file, backups and restores from an older copy, clocks
days ahead or behind. Checked after every sync: each op the phone stopped holding is on the
server with its content (or refused there); the phone shows its own unsent writes. At
quiescence: every replica equals the server, every write not lost to a restore is on the server
or superseded, and every recorded conflict is the one the oracle expects (tests/sync_oracle.py).

    pytest tests/test_sync_simulation.py                          # 40 runs
    PANTAU_SIM_EXAMPLES=1000 pytest tests/test_sync_simulation.py  # many more on demand
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

import app.sync.client as sync_client
from app.store.exchange import apply_pull, apply_push
from core.hlc import is_too_far_ahead
from core.ledger import is_op
from core.protocol import Op
from tests.sync_oracle import check_conflicts, differences, gone_unheld, outbox, unsent_shown
from tests.sync_sim import DAY, TPS, Phone, World, crashy, server_view

# Real SQLite files; on a RAM disk where there is one, so thousands of fsyncs stay cheap.
TMP = "/dev/shm" if os.path.isdir("/dev/shm") else None
STATS: Counter[str] = Counter()  # what the runs exercised, printed with -s
EXAMPLES = int(os.environ.get("PANTAU_SIM_EXAMPLES", "40"))
# bench/mutants.py only needs to know that a run fails, not its shrunk form
PHASES = [p for p in Phase if p != Phase.shrink or not os.environ.get("PANTAU_SIM_NO_SHRINK")]
# (phone, user, role): P1 and P2 are one PTPS's two devices
PHONES = [("p1", "P", "ptps"), ("p2", "P", "ptps"), ("q1", "Q", "ptps"), ("s1", "S", "supervisor")]
RECORDS = {"t1": "tally", "t2": "tally", "i1": "incident", "qi": "incident"}
OWNER = {"t1": "P", "t2": "P", "i1": "P", "qi": "Q"}
VALUES = {"dpt_l": st.integers(0, 3), "suara_sah": st.integers(0, 3), "uraian": st.sampled_from("abc"),
          "tempat": st.sampled_from("xyz"), "proses": st.sampled_from(["registrasi", "kajian"])}  # fmt: skip
KIND_FIELDS = {"tally": ["dpt_l", "suara_sah"], "incident": ["uraian", "tempat"]}
Saved = dict[str, Any]  # record_id, name, value, stamp, at, phone, backup_gen


class Season(RuleBasedStateMachine):
    @initialize(seed=st.integers(0, 2**16), skews=st.lists(
        st.sampled_from([0, 0, 3 * DAY, -3 * DAY, 5 * 60_000]), min_size=4, max_size=4))  # fmt: skip
    def start(self, seed: int, skews: list[int]) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pantau-sim-", dir=TMP))
        self.world = World(self.root)
        self.sent: dict[str, Op] = {}
        users = {u: self.world.user(role) for _, u, role in PHONES}
        self.phones: dict[str, Phone] = {}
        self.user_of: dict[str, str] = {}
        for (name, u, role), skew in zip(PHONES, skews, strict=True):
            rng = random.Random(seed * 7 + len(self.phones))
            self.phones[name] = self.world.phone(name, users[u], role, skew, rng, self.sent)
            self.user_of[name] = u
        self.saved: list[Saved] = []
        self.backups: dict[str, tuple[Path, int]] = {}
        self.gen: dict[str, int] = dict.fromkeys(self.phones, 0)

    def teardown(self) -> None:
        if hasattr(self, "world"):
            try:
                self.quiesce_and_check()
            finally:
                self.world.close()
                shutil.rmtree(self.root, ignore_errors=True)

    # -- what people do -----------------------------------------------------------------
    def _write(self, phone: Phone, record_id: str, fields: dict[str, Any], foreign: bool) -> None:
        kind = RECORDS[record_id]
        rec = phone.store.save(record_id, kind, TPS, fields)
        STATS["saves"] += 1
        for name, value in fields.items():
            self.saved.append({"record_id": record_id, "name": name, "value": value,
                               "stamp": rec.stamps[name], "at": self.world.now[0],
                               "phone": phone.name, "gen": self.gen[phone.name],
                               "foreign": foreign})  # fmt: skip

    @rule(data=st.data(), count=st.integers(1, 4))
    def save(self, data: st.DataObject, count: int) -> None:
        """A few saves by phones of their own records or, refused later, of others' records."""
        for _ in range(count):
            name = data.draw(st.sampled_from(["p1", "p2", "q1"]))
            record_id = data.draw(st.sampled_from(sorted(RECORDS)))
            phone = self.phones[name]
            foreign = OWNER[record_id] != self.user_of[name]
            if foreign and phone.store.record(record_id) is None:
                continue  # it would create the record as its own
            names = data.draw(st.lists(st.sampled_from(KIND_FIELDS[RECORDS[record_id]]),
                                       min_size=1, max_size=2, unique=True))  # fmt: skip
            self._write(phone, record_id, {n: data.draw(VALUES[n]) for n in names}, foreign)

    @rule(name=st.sampled_from(["p1", "p2", "q1"]), record_id=st.sampled_from(["i1", "qi"]))
    def delete(self, name: str, record_id: str) -> None:
        phone = self.phones[name]
        if phone.store.record(record_id) is not None:
            self._write(phone, record_id, {"deleted": True}, OWNER[record_id] != self.user_of[name])

    @rule(value=VALUES["proses"], record_id=st.sampled_from(["i1", "qi"]), bad=st.booleans())
    def supervise(self, value: str, record_id: str, bad: bool) -> None:
        """The supervisor moves an incident on; changing its story is refused."""
        phone = self.phones["s1"]
        if phone.store.record(record_id) is not None:
            self._write(phone, record_id, {"uraian": "s"} if bad else {"proses": value}, bad)

    @rule(name=st.sampled_from(["p1", "p2"]), value=VALUES["dpt_l"])
    def draft(self, name: str, value: int) -> None:
        """A draft on a record id the other device of the same user may share first."""
        self.phones[name].store.save_draft("t2", "tally", TPS, {"dpt_l": value, "suara_sah": 9})

    # -- what the phone and the network do ----------------------------------------------
    @rule(name=st.sampled_from(sorted(n for n, *_ in PHONES)), batch=st.integers(1, 4),
          faulty=st.booleans(), crash=st.booleans(), save_during=st.booleans())  # fmt: skip
    def sync(self, name: str, batch: int, faulty: bool, crash: bool, save_during: bool) -> None:
        phone = self.phones[name]
        STATS["syncs"] += 1
        before = outbox(phone.store)
        phone.net.faulty, phone.crash_next = faulty, crash
        if save_during and name != "s1":
            record_id = "i1" if self.user_of[name] == "P" else "qi"
            phone.net.during_push = lambda: self._write_if_held(phone, record_id)
        phone.sync(batch)
        phone.net.faulty = phone.crash_next = False
        phone.net.during_push = None
        self._check_gone(phone, before)

    def _write_if_held(self, phone: Phone, record_id: str) -> None:
        self._write(phone, record_id, {"tempat": "w"}, False)

    @rule(name=st.sampled_from(sorted(n for n, *_ in PHONES)))
    def restart(self, name: str) -> None:
        self.phones[name].die()

    @rule(name=st.sampled_from(["p1", "p2", "q1"]))
    def backup(self, name: str) -> None:
        path = self.root / f"{name}-backup.db"
        self.phones[name].backup(path)
        self.backups[name] = (path, self.gen[name])

    @precondition(lambda self: bool(self.backups))
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        """Restored from an older copy: writes made since the backup may be gone for good."""
        name = data.draw(st.sampled_from(sorted(self.backups)))
        path, gen = self.backups[name]
        self.gen[name] += 1
        for w in self.saved:
            if w["phone"] == name and w["gen"] >= gen and not w.get("confirmed"):
                w["maybe_lost"] = True
        self.phones[name].restore(path)
        record_id = "t1" if self.user_of[name] == "P" else "qi"  # and the work goes on
        fields = {"dpt_l": 2} if record_id == "t1" else {"uraian": "r"}
        self._write(self.phones[name], record_id, fields, False)

    @rule(ms=st.integers(1_000, 3_600_000))
    def time_passes(self, ms: int) -> None:
        self.world.now[0] += ms

    @invariant()
    def phones_show_their_unsent_writes(self) -> None:
        for phone in getattr(self, "phones", {}).values():
            assert unsent_shown(phone.store) == [], phone.name

    # -- checks ---------------------------------------------------------------------------
    def _check_gone(self, phone: Phone, before: dict[str, dict[str, Any]]) -> None:
        """Ops the phone no longer holds are on the server with their content (under whatever
        op id a new epoch gave them), or were refused there and the user was told."""
        with _closing(self.world.server()) as s:
            log = [e.entry for e in s.log_entries() if is_op(e.entry)]  # not signed batches
        lost, confirmed = gone_unheld(phone.store, before, log, self.sent)
        assert lost == [], f"{phone.name} dropped ops the server does not hold"
        for op in confirmed:
            for w in self.saved:
                mine = w["phone"] == phone.name and w["record_id"] == op["record_id"]
                if mine and w["stamp"][0] <= op["hlc"]:
                    w["confirmed"] = True

    def quiesce_and_check(self) -> None:
        for phone in self.phones.values():
            phone.net.faulty, phone.crash_next = False, False
            phone.net.stale.clear()
        for _ in range(3):
            for phone in self.phones.values():
                phone.client.sync_once()
        for phone in self.phones.values():
            assert phone.store.counts()["pending"] == 0, phone.name
            assert differences(phone.store, server_view(phone)) == [], phone.name
        self._check_saved()
        with _closing(self.world.server()) as s:
            log = [e.entry for e in s.log_entries() if is_op(e.entry)]  # not signed batches
        STATS["ops checked against the conflict rule"] += check_conflicts(log, self.sent)
        STATS["conflicts recorded"] += sum(bool(e.get("conflicts")) for e in log)
        STATS["epochs started"] += sum(p.store.epoch for p in self.phones.values())
        STATS["refusals"] += sum(p.store.counts()["failed"] for p in self.phones.values())
        STATS["runs"] += 1

    def _told_refused(self, w: Saved) -> bool:
        """A change folded into a refused op is refused with it, and the user is told."""
        rows = (
            self.phones[w["phone"]]
            .store.db.execute("select fields from refusals where record_id = ?", [w["record_id"]])
            .fetchall()
        )
        return any(json.loads(f).get(w["name"], object()) == w["value"] for (f,) in rows)

    def _check_saved(self) -> None:
        with _closing(self.world.server()) as s:
            records = {r: s.get_record(r) for r in RECORDS}
        for w in self.saved:
            rec = records[w["record_id"]]
            if w["foreign"] or w.get("maybe_lost") or self._told_refused(w):
                continue
            assert rec is not None, f"{w} lost"
            assert w["name"] in rec.stamps, f"{w} lost"
            stamp = rec.stamps[w["name"]]
            if stamp == w["stamp"]:
                assert rec.fields[w["name"]] == w["value"], f"{w} has another value"
            else:  # superseded by a later write, or our far-future stamp was clamped
                assert stamp > w["stamp"] or is_too_far_ahead(w["stamp"][0], w["at"]), f"{w}"


class _closing:
    def __init__(self, store: Any) -> None:
        self.store = store

    def __enter__(self) -> Any:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_season_of_syncs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_client, "apply_pull", crashy(apply_pull))
    monkeypatch.setattr(sync_client, "apply_push", crashy(apply_push))
    run_state_machine_as_test(
        Season,
        settings=settings(
            max_examples=EXAMPLES,
            phases=PHASES,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(dict(STATS))
