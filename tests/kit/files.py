"""Open files of this process (``/proc/self/fd``): a closed archive or cache leaves none behind."""

from __future__ import annotations

from pathlib import Path

import pytest


def open_files(path: Path) -> list[str]:
    """Files this process holds open whose path starts with ``path`` (the file, its -wal...).

    Reads ``/proc/self/fd``: tests that call it carry :data:`needs_proc`.
    """
    prefix = str(Path(path).resolve())
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue  # closed meanwhile
        if target.startswith(prefix):
            found.append(target)
    return found


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="reads open files from /proc/self/fd"
)
