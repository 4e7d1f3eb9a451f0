"""Helpers for the session-layer integration tests (not a test module)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tpnb.config import Settings
from tpnb.http.connection import Connection

REPO = Path(__file__).resolve().parents[1]


def settings_for(
    server: Any,
    tmp_path: Path,
    *,
    client: Any = None,
    user: Any = None,
    **overrides: Any,
) -> Settings:
    """Settings against ``server`` with the cache and token dir under ``tmp_path``.

    ``client``/``user`` pick another api client / business user of the data set; by default the
    demo credentials are used. ``user=False`` gives key + secret only (client credentials).
    """
    values: dict[str, Any] = {
        **server.client_settings,
        "cache_backend": "sqlite",
        "cache_path": tmp_path / "cache.sqlite",
        "token_dir": tmp_path / "tokens",
        "backoff_factor": 0.01,
        "backoff_max": 0.05,
        "token_refresh_skew": 0.5,
    }
    if client:
        values["api_key"], values["api_secret"] = client.api_key, client.api_secret
    if user is False:
        values["username"] = values["password"] = None
    elif user is not None:
        values["username"], values["password"] = user.username, user.password
    values.update(overrides)
    return Settings(**values)


def connect_to(server: Any, tmp_path: Path, **kwargs: Any) -> Connection:
    """A Connection from :func:`settings_for`."""
    return Connection(settings_for(server, tmp_path, **kwargs))


def env_for(settings: Settings) -> dict[str, str]:
    """Environment variables that rebuild ``settings`` in a child process via Settings.from_env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTPILOT_", "TPNB_"))}
    pairs = {
        "TRUSTPILOT_API_KEY": settings.api_key,
        "TRUSTPILOT_API_SECRET": settings.api_secret,
        "TRUSTPILOT_USERNAME": settings.username,
        "TRUSTPILOT_PASSWORD": settings.password,
        "TPNB_BASE_URL": settings.base_url,
        "TPNB_INVITATIONS_URL": settings.invitations_url,
        "TPNB_CACHE_BACKEND": settings.cache_backend,
        "TPNB_CACHE_PATH": str(settings.cache_path) if settings.cache_path else None,
        "TPNB_REDIS_URL": settings.redis_url,
        "TPNB_TOKEN_DIR": str(settings.token_dir) if settings.token_dir else None,
        "TPNB_TOKEN_REFRESH_SKEW": str(settings.token_refresh_skew),
        "TPNB_BACKOFF_FACTOR": str(settings.backoff_factor),
        "TPNB_BACKOFF_MAX": str(settings.backoff_max),
        "PYTHONPATH": str(REPO),
    }
    env.update({k: v for k, v in pairs.items() if v})
    return env


def run_child(settings: Settings, script: str, *args: str) -> subprocess.Popen[str]:
    """Start ``python -c script args...`` with ``settings`` in its environment."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env_for(settings),
        cwd=str(REPO),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 60.0) -> dict[str, Any]:
    """Wait for a child; its last stdout line is JSON. Fails with its stderr otherwise."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def count_calls(server: Any, suffix: str, method: str = "POST") -> int:
    """How many ``method`` calls whose path ends with ``suffix`` the emulator received."""
    return sum(1 for m, p in server.admin.requests if m == method and p.endswith(suffix))


def user_units(server: Any, username: str) -> list[str]:
    """The business-unit ids a business user may see, sorted."""
    user = server.dataset.user_by_username(username)
    return sorted(user.business_unit_ids)


def other_client(server: Any) -> Any:
    """An api client of the data set other than the demo one."""
    demo = server.credentials["api_key"]
    return next(c for k, c in sorted(server.dataset.accounts.clients.items()) if k != demo)


def other_user(server: Any) -> Any:
    """A business user other than the demo one, with units of their own."""
    demo = server.credentials["username"]
    return next(
        u for u in sorted(server.dataset.accounts.users, key=lambda user: user.id)
        if u.username != demo and u.business_unit_ids
    )  # fmt: skip
