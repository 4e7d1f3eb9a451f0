"""The README stays true: its column tables are the schemas', its commands exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tpnb.cli.main import SUBCOMMANDS
from tpnb.frames import schema_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_column_tables_match_the_schemas() -> None:
    assert schema_markdown().strip() in README.read_text(encoding="utf-8")


def test_readme_commands_exist() -> None:
    text = README.read_text(encoding="utf-8")
    assert "bash .ci/run" in text
    assert (README.parent / ".ci" / "run").is_file()
    assert {"demo", "emulator"} <= set(SUBCOMMANDS)
    for command in SUBCOMMANDS:
        assert f"tpnb {command}" in text, f"README.md does not document `tpnb {command}`"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_examples_run(tmp_path: Path) -> None:
    """The README's Python examples run as written, in order, in demo mode (no credentials).

    Blocks that only sketch an API (they contain ``...``) are skipped; the rest share one process,
    as they would share one notebook.
    """
    blocks = [b for b in _python_blocks(README.read_text(encoding="utf-8")) if "..." not in b]
    assert len(blocks) >= 3  # usage, widgets, archive
    script = "\n".join(["import matplotlib", "matplotlib.use('Agg')", *blocks, "tp.close()"])
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TPNB_CACHE_BACKEND": "memory"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "demo mode" in result.stderr  # said plainly
    assert (tmp_path / "reviews.sqlite").is_file()
    assert any((tmp_path / "reviews-parquet").rglob("*.parquet"))
