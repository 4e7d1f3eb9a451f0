"""Writing a file readable by its owner only, all or nothing (a leaf: standard library only).

Reports, exports and token files hold personal data or secrets, and a crash or a full disk must
never leave a half-written file under the name a user or the next run will read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_private"]


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, readable by its owner only (``0600``), all or nothing.

    The bytes go to a temporary file in the same folder (:func:`tempfile.mkstemp` creates it
    ``0600``), are flushed to the disk, and the file is renamed over ``path`` once complete. On
    any error (a full disk, say) the temporary file is removed and ``path`` is left as it was.

    Args:
        path: The file to write; its folder must exist.
        data: The whole content.

    Raises:
        OSError: If the folder is missing or not writable, or the disk is full.
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
