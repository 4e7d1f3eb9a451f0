"""The architecture's import rules, checked on the source (see the layers in the README).

- the emulator imports nothing from the client side of tpnb (a shared misreading of the API
  would cancel out and no test would see it);
- only ``tpnb.widgets`` imports ipywidgets; only ``tpnb.charts`` and ``tpnb.widgets`` import
  matplotlib;
- the pure layers (frames, analysis, charts) do no I/O: no requests, sockets or sqlite;
- widgets never talk HTTP themselves: they go through the client;
- imports between parts of tpnb point down only, per the layer table of
  ``/work/shared/docs/STYLE.md`` (written once below as :data:`MAY_IMPORT`), and no module is
  part of an import cycle. Imports inside functions count; imports under ``if TYPE_CHECKING:``
  never run and may point anywhere;
- and the test suite's own rule: shared helpers live in ``tests/kit/``, no test imports another
  test module or a conftest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tpnb"


def _modules(sub: str = "") -> list[Path]:
    root = PACKAGE / sub
    return sorted(root.rglob("*.py")) if root.is_dir() else [root.with_suffix(".py")]


def _imports(path: Path) -> set[str]:
    """Every module name imported anywhere in the file (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _offenders(paths: list[Path], banned: tuple[str, ...]) -> list[str]:
    return [
        f"{p.relative_to(PACKAGE.parent)} imports {name}"
        for p in paths
        for name in sorted(_imports(p))
        if name.split(".")[0] in banned or any(name.startswith(b + ".") for b in banned)
    ]


def test_there_is_code_to_check() -> None:
    assert len(_modules("emulator")) > 5
    assert len(_modules("widgets")) > 3


def test_emulator_imports_nothing_from_the_client_side() -> None:
    bad = [
        f"{p.relative_to(PACKAGE.parent)} imports {name}"
        for p in _modules("emulator")
        for name in _imports(p)
        if (name == "tpnb" or name.startswith("tpnb.")) and not name.startswith("tpnb.emulator")
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("library", "allowed"),
    [("ipywidgets", ("widgets",)), ("matplotlib", ("charts", "widgets"))],
)
def test_ui_libraries_stay_in_their_layers(library: str, allowed: tuple[str, ...]) -> None:
    paths = [
        p for p in _modules() if p.relative_to(PACKAGE).parts[0] not in {f"{a}" for a in allowed}
    ]
    assert _offenders(paths, (library,)) == []


@pytest.mark.parametrize("layer", ["frames", "analysis", "charts"])
def test_pure_layers_do_no_io(layer: str) -> None:
    banned = ("requests", "requests_cache", "socket", "sqlite3", "urllib3", "tpnb.http.connection")
    assert _offenders(_modules(layer), banned) == []


def test_widgets_never_talk_http() -> None:
    banned = ("requests", "requests_cache", "urllib3", "tpnb.http.connection", "tpnb.endpoints")
    assert _offenders(_modules("widgets"), banned) == []


# --------------------------------------------------------------------------- the layer table
#: Parts of tpnb any part of the client side may import: the leaves (stdlib only, besides
#: ``errors``).
LEAVES = frozenset({"config", "errors", "files", "params"})
#: Every part of tpnb: a subpackage (``http``) or a top-level module (``client``); ``tpnb`` is
#: the package's own ``__init__``.
PARTS = frozenset(
    {"tpnb", "cli", "widgets", "report", "charts", "analysis", "text", "client", "methods", "store"}
    | {"paging", "endpoints", "http", "frames", "config", "errors", "files", "params", "emulator"}
)
#: What each part may import from the rest of tpnb at run time (besides itself and
#: :data:`LEAVES`); everything else would point up or sideways.
MAY_IMPORT: dict[str, frozenset[str]] = {
    # the public surface (PEP 562, loaded on first use) and the command line: the top
    "tpnb": frozenset({"client"}),
    "cli": PARTS - {"cli"},
    # ipywidgets UI on the client's frames, drawn with the charts
    "widgets": frozenset({"client", "charts", "analysis", "text", "frames"}),
    # `tpnb report` runs a notebook in its own kernel, after checking its unit (through the
    # client, one lookup) and its archive (the store) before the kernel starts; the notebook's
    # "What reviewers talked about" is rendered from the pure text analysis
    "report": frozenset({"tpnb", "client", "store", "text"}),
    # pure: charts draw tpnb.analysis numbers from frames' columns
    "charts": frozenset({"analysis", "text", "frames"}),
    "analysis": frozenset({"frames"}),
    # pure text analysis of review frames (key phrases, topics)
    "text": frozenset({"analysis", "frames"}),
    # the facade; demo mode starts the embedded emulator
    "client": frozenset({"methods", "http", "store", "emulator"}),
    "methods": frozenset({"endpoints", "paging", "frames", "store"}),
    "store": frozenset({"endpoints", "paging", "frames"}),
    "paging": frozenset({"http"}),
    "endpoints": frozenset({"http"}),
    "http": frozenset(),
    "frames": frozenset(),
    # the leaves: errors at the bottom
    "config": frozenset({"errors"}),
    "params": frozenset({"errors"}),
    "files": frozenset(),
    "errors": frozenset(),
    # the emulator shares nothing with the client side, not even the leaves
    "emulator": frozenset(),
}


@dataclass(frozen=True)
class Import:
    """One import statement's target inside tpnb."""

    source: str  # the importing module, e.g. "tpnb.http.session"
    target: str  # the imported module, e.g. "tpnb.config"
    line: int
    type_checking: bool  # under ``if TYPE_CHECKING:``: never runs

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def module_name(path: Path) -> str:
    """``tpnb/http/session.py`` -> ``tpnb.http.session``; a package's ``__init__`` -> its name."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def part_of(module: str) -> str:
    """The layer a module belongs to: ``tpnb.http.session`` -> ``http``; ``tpnb`` -> ``tpnb``."""
    names = module.split(".")
    return names[1] if len(names) > 1 else "tpnb"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """Ids of every node inside the body of an ``if TYPE_CHECKING:`` block."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            for statement in node.body:
                inside.update(id(child) for child in ast.walk(statement))
    return inside


def _targets(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> Iterator[str]:
    """The modules an import statement loads (``from a import b`` -> ``a.b`` if that is one)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if node.level:  # relative: from the importing module's package
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join([*anchor, node.module] if node.module else anchor)
    else:
        base = node.module or ""
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in MODULES else base


def tpnb_imports() -> list[Import]:
    """Every import of a tpnb module by a tpnb module, also inside functions."""
    found = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _targets(node, module, path):
                if target == "tpnb" or target.startswith("tpnb."):
                    found.append(Import(module, target, node.lineno, id(node) in guarded))
    return found


IMPORTS = tpnb_imports()


def import_cycles() -> list[list[str]]:
    """Groups of modules that import each other in a circle (run-time imports; Tarjan's SCC)."""
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for imp in IMPORTS:
        if not imp.type_checking and imp.target in MODULES:
            graph[imp.source].add(imp.target)
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                lowest[module] = min(lowest[module], lowest[target])
            elif target in on_stack:
                lowest[module] = min(lowest[module], index[target])
        if lowest[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_the_graph_sees_the_imports() -> None:
    """The parser finds top-level, function-level and TYPE_CHECKING imports (known examples)."""
    edges = {(i.source, i.target, i.type_checking) for i in IMPORTS}
    assert ("tpnb.client", "tpnb.methods", False) in edges
    assert ("tpnb.client", "tpnb.store", True) in edges  # under TYPE_CHECKING
    assert ("tpnb.http.connection", "tpnb.config", False) in edges
    assert len(IMPORTS) > 100


def test_every_part_has_a_row_in_the_layer_table() -> None:
    found = {part_of(module) for module in MODULES}
    assert found == PARTS, "add the new part to PARTS and MAY_IMPORT (the layers of STYLE.md)"
    assert set(MAY_IMPORT) == PARTS
    for part, allowed in MAY_IMPORT.items():
        assert allowed <= PARTS, part
        assert part not in allowed, part


@pytest.mark.parametrize("part", sorted(PARTS))
def test_imports_point_down(part: str) -> None:
    allowed = MAY_IMPORT[part] | {part}
    if part not in LEAVES | {"emulator"}:
        allowed |= LEAVES
    upward = [
        str(imp)
        for imp in IMPORTS
        if part_of(imp.source) == part and not imp.type_checking
        if part_of(imp.target) not in allowed
    ]
    assert upward == [], f"{part} may import {sorted(allowed)}: " + "; ".join(upward)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_no_import_cycles(part: str) -> None:
    cycles = [cycle for cycle in import_cycles() if any(part_of(m) == part for m in cycle)]
    assert cycles == [], "modules in a cycle: " + "; ".join(" <-> ".join(c) for c in cycles)


# --------------------------------------------------------------------------- the test suite
TESTS = Path(__file__).resolve().parent


def test_no_test_imports_a_test_module_or_a_conftest() -> None:
    """Shared helpers live in ``tests/kit/``; a test module or conftest is never imported."""
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(TESTS)} imports {name}"
                for name in names
                if name.split(".")[-1].startswith("test_") or name.split(".")[-1] == "conftest"
            ]
    assert offenders == []
