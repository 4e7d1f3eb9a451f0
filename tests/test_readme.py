"""The README stays true: its column tables are the schemas', its commands exist."""

from __future__ import annotations

from pathlib import Path

from tpnb.cli import SUBCOMMANDS
from tpnb.frames import schema_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_column_tables_match_the_schemas() -> None:
    assert schema_markdown().strip() in README.read_text(encoding="utf-8")


def test_readme_commands_exist() -> None:
    text = README.read_text(encoding="utf-8")
    assert "bash .ci/run" in text
    assert (README.parent / ".ci" / "run").is_file()
    for command in ("demo", "emulator"):
        assert f"tpnb {command}" in text
        assert command in SUBCOMMANDS
