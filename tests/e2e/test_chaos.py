"""Two short seeds of bench/chaos.py in the normal test run: a real server process killed with
SIGKILL inside pushes, cutting proxies, client faults, restores. Many more on demand:

    .venv/bin/python bench/chaos.py --seeds 200 --steps 300
"""

from __future__ import annotations

import pytest

from bench.chaos import run

pytestmark = pytest.mark.e2e


def test_chaos_seeds_converge_and_lose_nothing_sent() -> None:
    stats = run(range(2), steps=80)  # every check is an assertion inside the run
    assert stats["seeds"] == 2
    assert stats["syncs"] > 0
    assert stats["ops checked against the conflict rule"] > 0
