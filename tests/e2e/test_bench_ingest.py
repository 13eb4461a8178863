"""bench/ingest.py runs end to end on a tiny burst and reports every figure issue 12 and 13
ask for (the figures themselves are read by people, never asserted: no timed tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_ingest_bench_reports_every_figure() -> None:
    run = subprocess.run(
        [sys.executable, "bench/ingest.py", "--n", "400", "--batch", "200", "--rounds", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]  # every push applied, or the bench fails
    for figure in (
        "ratio HTTP / raw",
        "signing on the phone",
        "push latency (worker on)",
        "wire bytes per tally",
        "reconciliation catch-up",
    ):
        assert figure in run.stdout, run.stdout
