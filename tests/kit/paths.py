"""Where things are: the repository root and the git-ignored folder tests write their artifacts to."""

from __future__ import annotations

from pathlib import Path

#: The repository root (the folder with ``pyproject.toml``).
REPO = Path(__file__).resolve().parents[2]
#: Charts, screenshots and reports the tests leave for people to look at (git-ignored).
ARTIFACTS = REPO / "test-artifacts"
