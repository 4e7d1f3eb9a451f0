"""The README's benchmark command works right after the README's test set-up (issue 17, "Also").

``bash .ci/setup`` installs ``tpnb[test]``; every third-party module that a benchmark script in
``tests/benchmarks`` imports (at the top or inside a function) must therefore be a distribution
named directly in the base dependencies or the ``test`` extra of ``pyproject.toml``, and be
importable in this environment.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "tests" / "benchmarks"
#: first-party code the benchmarks import: tpnb, the test kit, and each other
LOCAL = {"tpnb", "kit", *(p.stem for p in BENCHMARKS.glob("*.py"))}


def _imported_modules() -> dict[str, set[str]]:
    """Top-level module name -> the benchmark files importing it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in sorted(BENCHMARKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def _declared_distributions() -> set[str]:
    """Normalised names of the base dependencies and of the ``test`` extra (tpnb's own extras
    that ``test`` includes, e.g. ``tpnb[redis,notebooks]``, are followed)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    pending = list(project["dependencies"]) + list(extras["test"])
    names: set[str] = set()
    while pending:
        requirement = pending.pop()
        match = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", requirement)
        assert match, requirement
        name = _normalise(match.group(1))
        if name == "tpnb":
            for extra in (match.group(2) or "").split(","):
                pending.extend(extras[extra.strip()])
            continue
        names.add(name)
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_benchmark_import_comes_with_the_test_set_up() -> None:
    imported = _imported_modules()
    third_party = {
        name: files
        for name, files in imported.items()
        if name not in LOCAL and name not in sys.stdlib_module_names and name != "__future__"
    }
    assert {"requests", "pandas", "trustpilot"} <= set(third_party), sorted(third_party)
    declared = _declared_distributions()
    providers = importlib.metadata.packages_distributions()
    missing = []
    for module, files in sorted(third_party.items()):
        if importlib.util.find_spec(module) is None:
            missing.append(f"{module} ({', '.join(sorted(files))}) is not installed")
            continue
        dists = {_normalise(d) for d in providers.get(module, [])}
        if not dists & declared:
            missing.append(
                f"{module} ({', '.join(sorted(files))}) comes from {sorted(dists)}, which "
                "neither the base dependencies nor the test extra name"
            )
    assert not missing, "; ".join(missing)


def test_the_bench_extra_is_the_test_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["optional-dependencies"]["bench"] == ["tpnb[test]"]
