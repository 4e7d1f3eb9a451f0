"""The architecture's import rules, checked on the source (see the layers in the README).

- the emulator imports nothing from the client side of tpnb (a shared misreading of the API
  would cancel out and no test would see it);
- only ``tpnb.widgets`` imports ipywidgets; only ``tpnb.charts`` and ``tpnb.widgets`` import
  matplotlib;
- the pure layers (frames, analysis, charts) do no I/O: no requests, sockets or sqlite;
- widgets never talk HTTP themselves: they go through the client.
"""

from __future__ import annotations

import ast
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
