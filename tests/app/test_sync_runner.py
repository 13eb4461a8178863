"""One sync at a time per process (app.sync.runner): a second caller either gives up at once
or blocks on the lock for a bounded time, never polls; the console's "send now" says why it
could not send."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from app.store import Identity, Store, open_store
from app.sync import Offline, SyncError, runner


def dead_url() -> str:
    """A loopback port nobody listens on: connecting fails at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "device.db")
    s.set_identity(Identity(dead_url(), s.device_id, "tok", "u1", "Siti", "supervisor"))
    return s


def test_not_enrolled_is_said(tmp_path: Path):
    with pytest.raises(SyncError) as exc:
        runner.sync_now(open_store(tmp_path / "d.db"))
    assert exc.value.code == "not_enrolled"


def test_busy_lock_gives_up_after_the_wait(store: Store):
    with runner._SYNC:  # another session is syncing
        assert runner.run_sync(store, lambda _p: None) is False  # no wait: at once
        with pytest.raises(SyncError) as exc:
            runner.sync_now(store, wait_s=0.05)
    assert exc.value.code == "sync_busy"
    assert "otomatis" in exc.value.message


def test_a_waiting_caller_runs_once_the_lock_is_free(store: Store):
    """The caller blocks on the lock itself and syncs as soon as the other sync ends: here the
    server is down, so its own sync's Offline comes out (not sync_busy)."""
    runner._SYNC.acquire()
    outcome: list[BaseException] = []

    def send() -> None:
        try:
            runner.sync_now(store, wait_s=30)
        except SyncError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=send)
    caller.start()
    caller.join(0.2)
    assert caller.is_alive()
    assert outcome == []
    runner._SYNC.release()
    caller.join(30)
    assert not caller.is_alive()
    assert isinstance(outcome[0], Offline)
    assert runner._SYNC.acquire(blocking=False)  # released after the failed sync
    runner._SYNC.release()
