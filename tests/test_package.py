"""The package's public surface and its import cost."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tpnb


def test_all_is_sorted_and_resolvable() -> None:
    assert tpnb.__all__ == sorted(tpnb.__all__)
    assert set(tpnb.__all__) == {*tpnb._LAZY, "__version__"}
    for name in tpnb.__all__:
        assert getattr(tpnb, name) is not None, name


def test_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        tpnb.no_such_thing  # noqa: B018


def test_import_tpnb_stays_light() -> None:
    """``import tpnb`` must not pull in matplotlib, ipywidgets, flask or pandas."""
    code = (
        "import sys, tpnb\n"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'flask', 'pandas', 'requests_cache')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"import tpnb loaded: {out}"


@pytest.mark.parametrize(
    ("name", "attribute"),
    [
        ("analysis", "trustscore"),
        ("charts", "plot_ratings_over_time"),
        ("widgets", "ReviewExplorer"),
        ("frames", "review_frame"),
        ("store", "Archive"),
        ("emulator", "serve"),
    ],
)
def test_subpackages_are_attributes_after_import_tpnb(name: str, attribute: str) -> None:
    """Issue 18: `tpnb.analysis.trustscore(df)` raised AttributeError after `import tpnb`."""
    code = (
        "import sys, tpnb\n"
        f"assert 'tpnb.{name}' not in sys.modules\n"
        f"assert {name!r} in dir(tpnb)\n"
        f"print(callable(getattr(tpnb.{name}, {attribute!r})))\n"
        f"print(tpnb.{name} is sys.modules['tpnb.{name}'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "True"]


def _declared_distributions() -> set[str]:
    import re
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    names = project["project"]["dependencies"]
    return {re.split(r"[<>=!~;\[ ]", n, maxsplit=1)[0].lower().replace("_", "-") for n in names}


def test_every_module_level_import_is_a_declared_dependency() -> None:
    """A third-party module imported at the top of a tpnb module (outside ``try``: those are
    optional) comes from a distribution named in ``[project] dependencies``, not from whatever
    another dependency happens to pull in (``attrs`` came through requests-cache)."""
    import ast
    from importlib.metadata import packages_distributions
    from pathlib import Path

    stdlib = set(sys.stdlib_module_names)
    providers = packages_distributions()
    declared = _declared_distributions()
    missing = set()
    root = Path(tpnb.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in stdlib or top in ("tpnb", "__future__"):
                    continue
                dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
                if not dists & declared:
                    missing.add(f"{path.relative_to(root)}: {top} ({', '.join(sorted(dists))})")
    assert not missing, sorted(missing)
