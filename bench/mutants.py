"""Plant known bugs in the merge, the phone's exchange and the push path; count how many the
test suite kills. Each mutant is one textual change applied to a copy of the worktree.

    .venv/bin/python bench/mutants.py              # every mutant; prints killed / total
    .venv/bin/python bench/mutants.py -k trim      # those whose name contains "trim"

The first group are the bugs issue 9 found or named; all of them must be killed, and at least
90% overall. A mutant is killed when the tests exit non-zero.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/core/test_merge.py",
    "tests/core/test_conflicts.py",
    "tests/app/test_store.py",
    "tests/app/test_sync_client.py",
    "tests/server/test_push_pull.py",
    "tests/server/test_epochs.py",
    "tests/test_sync_simulation.py",
]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    listed: bool = False  # named in issue 9: must be killed


MERGE = "core/merge.py"
EXCHANGE = "app/store/exchange.py"
STORE = "app/store/store.py"
PUSH = "sync_server/sync/exchange.py"
SQL = "sync_server/store/sqlite.py"
MUTANTS = [
    # -- named in the issue ------------------------------------------------------------------
    Mutant(
        "trim one op past the ack",
        EXCHANGE,
        "elif op.seq <= response.acked_seq:",
        "elif op.seq <= response.acked_seq + 1:",
        True,
    ),
    Mutant(
        "trim on acked_seq alone (op id only)",
        EXCHANGE,
        "        store.clock.observe(response.server_hlc)\n        _save_hlc(store)\n    return",
        "        db.execute('delete from outbox where seq <= ?', [response.acked_seq])\n"
        "        store.clock.observe(response.server_hlc)\n        _save_hlc(store)\n    return",
        True,
    ),
    Mutant(
        "ack non-contiguous ops",
        SQL,
        "            if seq != acked + 1:\n                break",
        "            if seq < acked:\n                break",
        True,
    ),
    Mutant(
        "a pull overwrites unsent local fields",
        EXCHANGE,
        "        merged = _rebase(mine.versioned, remote, mine.unsent)",
        "        merged = remote",
        True,
    ),
    Mutant(
        "conflict: a newer base counts as seen",
        MERGE,
        "    if seen is not None and tuple(seen) == tuple(current_stamp):",
        "    if seen is not None and tuple(seen) >= tuple(current_stamp):",
        True,
    ),
    Mutant(
        "conflict: drop the delete-touches-all branch",
        MERGE,
        "    if incoming.get(DELETED):\n        names |= set(current.stamps)\n    elif",
        "    if False:\n        pass\n    elif",
        True,
    ),
    Mutant(
        "conflict: drop the edit-of-deleted branch",
        MERGE,
        "    elif current.deleted:\n        names.add(DELETED)",
        "",
        True,
    ),
    Mutant(
        "conflict: drop the own-write rule",
        MERGE,
        "    return current_stamp[1] == stamp[1]",
        "    return False",
        True,
    ),
    Mutant(
        "conflict: drop the same-value rule",
        MERGE,
        "        if _canonical(incoming_value) == _canonical(current.fields.get(name)):\n"
        "            continue\n",
        "",
        True,
    ),
    Mutant(
        "push: duplicate without comparing content",
        PUSH,
        "    if prior.content_hash is not None and prior.content_hash != content:",
        "    if False:",
        True,
    ),
    Mutant(
        "phone: reused op id trimmed",
        EXCHANGE,
        '            elif result.status == "reused":\n                reused = True',
        '            elif result.status == "reused":\n                reused = False',
        True,
    ),
    Mutant(
        "phone: refused field re-sent with the next change",
        STORE,
        "            sent = fields\n",
        "            sent = fields = {**self.refused(record_id), **fields}\n",
        True,
    ),
    Mutant(
        "phone: refused value kept on screen",
        EXCHANGE,
        "    undone = [name for name in op.fields if local.stamps.get(name) == stamp]",
        "    undone: list[str] = []",
        True,
    ),
    Mutant(
        "phone: a pulled draft marked sent",
        EXCHANGE,
        "rows[mine is None or not mine.draft].append(row)",
        "rows[True].append(row)",
        True,
    ),
    Mutant(
        "phone: folded op keeps the earlier stamps",
        STORE,
        "            merged = merge(versioned, write(sent, stamp))",
        "            merged = merge(versioned, write(fields, stamp))",
        True,
    ),
    Mutant(
        "phone: a delete's own stamp left out of the base",
        STORE,
        "    names = set(fields) | ({DELETED} & set(versioned.stamps))",
        "    names = set(fields)",
        True,
    ),
    Mutant(
        "phone: no start-up epoch check",
        "app/sync/client.py",
        "        if state.epoch != epoch or state.held_seq > last_seq(self.store):",
        "        if False:",
        True,
    ),
    # -- more ------------------------------------------------------------------------------
    Mutant(
        "merge: ties keep the left value",
        MERGE,
        "    return _canonical(a_value) >= _canonical(b_value)",
        "    return False",
    ),
    Mutant(
        "merge: older stamp wins",
        MERGE,
        "        return a_stamp > b_stamp",
        "        return a_stamp < b_stamp",
    ),
    Mutant(
        "conflict: the value for a delete's other fields",
        MERGE,
        "    return None  # removed by the incoming delete",
        "    return current.fields.get(name)",
    ),
    Mutant(
        "conflict: a revive reads as deleted",
        MERGE,
        "        return False  # an edit revives the record",
        "        return True",
    ),
    Mutant(
        "phone: rejected op stays queued",
        EXCHANGE,
        '            if result.status == "rejected":\n                _refuse(store, op, result)',
        '            if result.status == "rejected":\n                pass',
    ),
    Mutant(
        "phone: applied op never trimmed",
        EXCHANGE,
        '                db.execute("delete from outbox where seq = ? and op_id = ?", '
        "[op.seq, op.op_id])\n        store.clock",
        "                pass\n        store.clock",
    ),
    Mutant(
        "phone: cursor not stored with the page",
        EXCHANGE,
        '{"cursor": str(page.next)}',
        '{"cursor": "0"}',
    ),
    Mutant(
        "phone: epoch renumbering keeps old op ids",
        EXCHANGE,
        "[n, op_id(store.device_id, epoch, n), seq]",
        "[n, f'{store.device_id}:{n}', seq]",
    ),
    Mutant(
        "phone: sent op still folded",
        STORE,
        '"and attempted = 0 order by seq desc limit 1"',
        '"order by seq desc limit 1"',
    ),
    Mutant(
        "phone: fold loses the first base",
        STORE,
        "merged_base = {**_base_json(base), **json.loads(last[2])}",
        "merged_base = {**json.loads(last[2]), **_base_json(base)}",
    ),
    Mutant(
        "push: rejected retry answered duplicate",
        PUSH,
        '    status = "rejected" if prior.status == "rejected" else "duplicate"',
        '    status = "duplicate"',
    ),
    Mutant(
        "push: a clamped stamp kept",
        PUSH,
        "    if is_too_far_ahead(op.hlc, b.clock.wall()):",
        "    if False:",
    ),
    Mutant(
        "push: base ignored",
        PUSH,
        "    new, found = merge.apply(current, op.fields, (hlc, device_id), base)",
        "    new, found = merge.apply(current, op.fields, (hlc, device_id), {})",
    ),
    Mutant(
        "push: an old epoch accepted",
        "sync_server/sync/epochs.py",
        "    if epoch != latest:",
        "    if epoch > latest:",
    ),
]


def run(mutant: Mutant, tests: list[str], sim_examples: str) -> bool:
    """True when the suite fails with the mutant planted (it is killed)."""
    with tempfile.TemporaryDirectory(prefix="pantau-mutant-", dir=_tmp()) as tmp:
        work = Path(tmp) / "wt"
        shutil.copytree(
            ROOT,
            work,
            ignore=shutil.ignore_patterns(".git", ".venv", "data", "__pycache__", "*.db"),
        )
        target = work / mutant.path
        text = target.read_text()
        if text.count(mutant.old) != 1:
            raise SystemExit(f"mutant '{mutant.name}': not found once in {mutant.path}")
        target.write_text(text.replace(mutant.old, mutant.new))
        env = {**os.environ, "PYTHONPATH": str(work), "PANTAU_SIM_EXAMPLES": sim_examples,
               "PANTAU_SIM_NO_SHRINK": "1"}  # fmt: skip
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
        done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, timeout=1800)
        return done.returncode != 0


def _tmp() -> str | None:
    return "/dev/shm" if os.path.isdir("/dev/shm") else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutants whose name contains this")
    parser.add_argument("--sim-examples", default="40", help="state machine runs per mutant")
    parser.add_argument("--skip", type=int, default=0, help="start at this mutant (resume)")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if args.k in m.name][args.skip :]
    killed, listed_alive = 0, []
    start = time.monotonic()
    for m in chosen:
        dead = run(m, TESTS, args.sim_examples)
        killed += dead
        if m.listed and not dead:
            listed_alive.append(m.name)
        print(f"{'killed  ' if dead else 'SURVIVED'}  {m.name}", flush=True)
    share = killed / len(chosen) if chosen else 0.0
    took = time.monotonic() - start
    print(f"\n{killed}/{len(chosen)} mutants killed ({share:.0%}) in {took:.0f} s")
    print("listed mutants surviving:", ", ".join(listed_alive) or "none")
    sys.exit(0 if not listed_alive and share >= 0.9 else 1)


if __name__ == "__main__":
    main()
