"""Child processes that rebuild a test's settings from the environment (``Settings.from_env``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from kit.paths import REPO
from tpnb.config import Settings


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
