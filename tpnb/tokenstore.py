"""Token files: one JSON file per identity, shared by processes, written atomically.

One file per identity (api host + api key + grant + user, fingerprinted into the file name by
:class:`tpnb.tokens.TokenManager`) in the user state directory: mode 0600 in a 0700 directory,
written atomically (temp file + ``os.replace``), with a file lock per identity for processes
refreshing at once. The file holds the access and refresh tokens and their expiry; never the api
key, the secret or the password. :mod:`tpnb.tokens` re-exports :class:`TokenStore`.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import filelock
import platformdirs

__all__ = ["LOCK_TIMEOUT", "TokenStore", "default_token_dir"]

logger = logging.getLogger("tpnb.tokens")  # the name its records always had

LOCK_TIMEOUT = 120.0


def default_token_dir() -> Path:
    """``<user state dir>/tpnb/tokens`` (e.g. ``~/.local/state/tpnb/tokens``)."""
    return Path(platformdirs.user_state_dir("tpnb", appauthor=False)) / "tokens"


class TokenStore:
    """Token files, one per identity key, in a private directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _ensure_dir(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)

    def path(self, key: str) -> Path:
        """The token file of an identity key."""
        return self.directory / f"token-{key}.json"

    def lock(self, key: str) -> filelock.FileLock:
        """An inter-process lock for one identity's token file."""
        self._ensure_dir()
        return filelock.FileLock(
            str(self.directory / f"token-{key}.lock"), timeout=LOCK_TIMEOUT, mode=0o600
        )

    def read(self, key: str) -> dict[str, Any] | None:
        """The stored token, or None when absent or unreadable.

        A damaged file (cut short, not JSON, wrong field types) counts as absent: the caller logs
        in again and overwrites it; a warning names the file (never its content).
        """
        path = self.path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            logger.warning(
                "tpnb: the token file %s is unreadable (%s); logging in again",
                path, type(error).__name__,
            )  # fmt: skip
            return None
        if not _well_formed(data):
            logger.warning("tpnb: the token file %s is malformed; logging in again", path)
            return None
        return dict(data)

    def write(self, key: str, token: Mapping[str, Any]) -> None:
        """Write atomically: a 0600 temp file in the same directory, then ``os.replace``."""
        self._ensure_dir()
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".token-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(dict(token), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, key: str) -> None:
        """Remove an identity's token file (and its lock file)."""
        self.path(key).unlink(missing_ok=True)
        (self.directory / f"token-{key}.lock").unlink(missing_ok=True)


def _well_formed(data: Any) -> bool:
    """True for a token file's content as :meth:`TokenStore.write` writes it."""
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return False
    if not data["access_token"] or not isinstance(data.get("refresh_token"), (str, type(None))):
        return False
    numbers = (data.get(name, 0.0) for name in ("expires_at", "lifetime", "saved_at"))
    return all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers)
