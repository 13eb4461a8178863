"""requirements.lock (what dev.py installs) pins one version of everything pyproject.toml asks
for, in every extra dev.py installs, and each pin satisfies pyproject's range: a dependency
added without `python3 dev.py lock` fails here, not on a newcomer's machine."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def dev_extras() -> tuple[str, ...]:
    """EXTRAS as dev.py spells it (read, not imported: dev.py runs before any install)."""
    tree = ast.parse((ROOT / "dev.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXTRAS":
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("dev.py has no EXTRAS")


def pins() -> dict[str, list[tuple[str, str]]]:
    """name -> [(version, marker)] from the lock (a universal lock may pin per platform)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        spec, _, marker = line.partition(";")
        name, _, version = spec.strip().partition("==")
        assert version, f"not pinned: {line}"
        out.setdefault(canonicalize_name(name), []).append((version, marker.strip()))
    return out


def wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(r) for r in [*project["dependencies"], *(
        r for e in dev_extras() for r in extras[e])]]  # fmt: skip


def test_every_dependency_is_pinned_within_its_range():
    locked = pins()
    env = {k: str(v) for k, v in default_environment().items()}
    env.update(python_version="3.11", python_full_version="3.11.0")
    for req in wanted():
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        versions = locked.get(canonicalize_name(req.name))
        assert versions, f"{req.name} is not in requirements.lock: run python3 dev.py lock"
        for version, _marker in versions:
            assert req.specifier.contains(version, prereleases=True), (req, version)


def test_the_lock_says_how_to_remake_it():
    head = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[:3]
    assert any("python3 dev.py lock" in line for line in head)
