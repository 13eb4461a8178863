"""Imports run one way (README, "Layout"): read from the source, so a shortcut fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports(package: str) -> dict[str, set[str]]:
    """Module path -> every module it imports (absolute names), for one package folder."""
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        out[str(path.relative_to(ROOT))] = names
    return out


def offenders(package: str, forbidden: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(path, name) for path, names in imports(package).items() for name in sorted(names)
            if any(name == f or name.startswith(f + ".") for f in forbidden)]  # fmt: skip


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("core", ("app", "sync_server")),
        ("sync_server", ("app",)),
        ("app/store", ("app.sync", "app.ui", "app.console", "sync_server")),
        ("app/sync", ("app.ui", "app.console", "sync_server")),
        ("app/console", ("app.ui", "sync_server")),
        ("app/ui", ("app.console", "sync_server")),
    ],
)
def test_imports_run_one_way(package: str, forbidden: tuple[str, ...]):
    assert offenders(package, forbidden) == []


@pytest.mark.parametrize("job", ["sync", "review", "blobs", "admin"])
def test_server_services_take_what_they_use_not_the_runtime(job: str):
    """Routes hold the Runtime and hand a service its clock or settings."""
    assert offenders(f"sync_server/{job}", ("sync_server.runtime",)) == []
