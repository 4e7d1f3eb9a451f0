"""The emulator in its own process (``tpnb emulator``) for the benchmarks.

The client under test and the server must not share an interpreter (nor its GIL), so the
runner starts ``tpnb emulator`` as a subprocess on a free loopback port and reads the URLs and
demo credentials it prints.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
#: the rate limit set for the rows that measure CPU (a bare loop cannot pace itself)
UNLIMITED = ((1_000_000_000, 1.0),)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class EmulatorProcess:
    """A running ``tpnb emulator`` subprocess (stop it with :meth:`stop`)."""

    proc: subprocess.Popen[str]
    url: str
    credentials: dict[str, str]
    startup_s: float
    lines: list[str] = field(default_factory=list, repr=False)

    @property
    def api_url(self) -> str:
        """The emulator's stand-in for ``https://api.trustpilot.com/v1``."""
        return self.url + "/v1"

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the emulator's admin API (``/_emulator/...``); returns the decoded JSON or None."""
        resp = requests.request(method, f"{self.url}/_emulator{path}", timeout=30, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def request_count(self) -> int:
        """API requests the emulator has logged since the last :meth:`clear_requests`."""
        return int(self.admin("GET", "/requests")["count"])

    def clear_requests(self) -> None:
        """Forget the emulator's request log (so the next count is one phase's)."""
        self.admin("DELETE", "/requests")

    def real_rate_limit(self) -> None:
        """Trustpilot's rate limit (833 calls per 5 minutes, 10,000 per hour), nothing counted
        yet: the rows about calls and waiting run under it."""
        self.admin("PUT", "/config", json={"rateLimits": None})
        self.admin("DELETE", "/rate-limits")

    def lift_rate_limit(self) -> None:
        """No rate limit: for the rows that measure CPU (the floor, a bare loop, cannot pace)."""
        self.admin("PUT", "/config", json={"rateLimits": [list(w) for w in UNLIMITED]})

    def stop(self) -> None:
        """Stop the subprocess (SIGINT, then kill if it lingers)."""
        if self.proc.poll() is None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_emulator(*, scale: float = 1.0, timeout: float = 120.0) -> EmulatorProcess:
    """Start ``tpnb emulator`` on a free port and wait until it answers.

    It starts with Trustpilot's real rate limit; :meth:`EmulatorProcess.lift_rate_limit` lifts it
    for the rows that measure CPU.
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "tpnb.cli", "emulator", "--port", str(port),
        "--scale", str(scale),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("tpnb emulator exited early:\n" + "".join(lines))
        lines.append(line)
        if "export TRUSTPILOT_API_KEY" in line or time.perf_counter() - t0 > timeout:
            break
    text = "".join(lines)
    creds = {
        name: m.group(1)
        for name, label in (
            ("api_key", "api key"),
            ("api_secret", "api secret"),
            ("username", "username"),
            ("password", "password"),
        )
        if (m := re.search(rf"^\s+{label}\s+(\S+)\s*$", text, re.M))
    }
    url = f"http://127.0.0.1:{port}"
    requests.get(url + "/_emulator/health", timeout=30).raise_for_status()
    return EmulatorProcess(proc, url, creds, time.perf_counter() - t0, lines)
