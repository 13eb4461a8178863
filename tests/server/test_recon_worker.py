"""Reconciliation off the push path: a push only appends to the log; the background worker
catches up once pushes pause, and a review read catches up by itself before it answers."""

from __future__ import annotations

import threading
import time

from sync_server.review.reconcile import RULES_VERSION, catch_up, load_election
from sync_server.review.worker import ReconWorker
from sync_server.settings import Settings
from sync_server.store.sqlite import SqliteStore
from tests.server.conftest import TPS, MakeDevice, runtime_of
from tests.server.recon_helpers import VOTES, form, send


def _wait_for(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def _states(store: SqliteStore) -> int:
    return int(store.db.execute("SELECT count(*) FROM recon_state").fetchone()[0])


def test_the_worker_catches_up_after_pushes_pause(make_device: MakeDevice, store: SqliteStore):
    ptps = make_device("ptps")
    send(ptps, "t1", form(VOTES))
    # Pushed, logged; the worker (started with the app) reconciles it without any read.
    assert _wait_for(lambda: _states(store) == 1)
    cursor = store.recon().cursor()
    assert cursor == max(e.id for e in store.log_entries())


def test_a_review_read_never_sees_a_stale_row(make_device: MakeDevice):
    ptps, boss = make_device("ptps"), make_device("supervisor", scope=["35.17"])
    runtime_of(boss.client).recon_worker.stop()  # only the read can catch up now
    for n in range(3):
        send(ptps, "t1", form({"1": 10 + n, "2": 120, "3": 50}))
        got = boss.client.get(f"/v1/review/tps/{TPS}/ppwp", headers=boss.headers)
        assert got.status_code == 200, got.text
        values = {f["field"]: f for f in got.json()["fields"]}
        assert values["suara.1"]["value"] == 10 + n


def test_the_worker_waits_for_a_pause_but_not_forever():
    opened: list[float] = []

    def open_store():
        opened.append(time.monotonic())
        raise RuntimeError("no database here")  # the worker logs it and goes on

    worker = ReconWorker(open_store, None, idle_s=0.2, max_lag_s=0.6)
    worker.start()
    try:
        start = time.monotonic()
        while time.monotonic() - start < 1.0:  # pushes keep coming for 1 s
            worker.poke()
            time.sleep(0.05)
        assert _wait_for(lambda: len(opened) >= 2, 3)
        # Under steady pushes it still ran after at most max_lag, not only after the pause.
        assert opened[0] - start < 0.9
    finally:
        worker.stop()
    assert worker._thread is None


def test_a_started_worker_catches_up_with_what_the_log_holds(
    make_device: MakeDevice, store: SqliteStore
):
    ptps = make_device("ptps")
    worker = runtime_of(ptps.client).recon_worker
    worker.stop()
    send(ptps, "t1", form(VOTES))  # logged while nobody reconciles (as before an upgrade)
    time.sleep(0.5)
    assert _states(store) == 0
    worker.start()  # as at server start: no push, no read
    assert _wait_for(lambda: _states(store) == 1)


def test_after_an_upgrade_changed_the_rules_the_worker_rebuilds_at_start(
    make_device: MakeDevice, store: SqliteStore
):
    ptps = make_device("ptps")
    worker = runtime_of(ptps.client).recon_worker
    send(ptps, "t1", form(VOTES))
    assert _wait_for(lambda: _states(store) == 1)
    worker.stop()
    with store.transaction():  # rows as an older server's rules left them
        store.db.execute("UPDATE recon_state SET status = 'stale'")
        store.recon().set_rules_version("1")
    worker.start()  # server start: no read needed
    head = max(e.id for e in store.log_entries())
    rs = store.recon()
    assert _wait_for(lambda: rs.rules_version() == RULES_VERSION and rs.cursor() == head)
    [state] = store.db.execute("SELECT status FROM recon_state").fetchall()
    assert state[0] == "one_source"


def test_catching_up_lets_other_writers_in_between_short_chunks(
    make_device: MakeDevice, store: SqliteStore
):
    ptps = make_device("ptps")
    runtime_of(ptps.client).recon_worker.stop()
    for n in range(12):
        send(ptps, f"t{n}", form(VOTES))
    other = make_device("ptps")
    cursors: list[int] = []

    def pause() -> None:  # between two chunks: the lock is free, a push gets through
        assert not store.db.conn.in_transaction
        cursors.append(store.recon().cursor())
        if len(cursors) <= 3:
            send(other, f"o{len(cursors)}", form(VOTES))

    election = load_election(Settings().election_file)
    read = catch_up(store, election, chunk=4, budget_s=1e-9, pause=pause)
    assert len(cursors) >= 10
    assert cursors == sorted(cursors)
    # 15 pushes of one op: each logs its signed manifest, then the op
    assert read == 2 * 15 == store.recon().cursor() == max(e.id for e in store.log_entries())


def test_the_worker_yields_to_a_push_in_flight():
    worker = ReconWorker(lambda: None, None, max_yield_s=30)  # type: ignore[arg-type,return-value]
    inside, leave, yielded = threading.Event(), threading.Event(), threading.Event()

    def push() -> None:
        with worker.pushing():
            inside.set()
            leave.wait(10)

    def between_chunks() -> None:
        worker.yield_to_pushes()
        yielded.set()

    pusher = threading.Thread(target=push)
    pusher.start()
    inside.wait(5)
    waiter = threading.Thread(target=between_chunks)
    waiter.start()
    assert not yielded.wait(0.3)  # the push is still in flight: reconciliation waits
    leave.set()
    assert yielded.wait(5)  # the push is done: the next chunk may start
    pusher.join(5)
    waiter.join(5)
