"""Load: 4 processes x 8 threads on one SQLite cache and one token store; pacing vs 429.

``TPNB_RELIABILITY_LOAD_SECONDS`` (default 30) sets how long the mixed-call run lasts.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from kit.clients import client_for, settings_for
from kit.paths import REPO
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT

from tpnb.emulator import EmulatorServer, serve
from tpnb.errors import RateLimitError
from tpnb.http.connection import Connection

SECONDS = float(os.environ.get("TPNB_RELIABILITY_LOAD_SECONDS", "30"))
PROCESSES, THREADS = 4, 8
TOKEN_LIFETIME = 5.0

CHILD = r"""
import json, random, sys, threading, time
from tpnb.config import Settings
from tpnb.http.connection import Connection
calls = json.load(open(sys.argv[1]))
seconds, threads = float(sys.argv[2]), int(sys.argv[3])
conn = Connection(Settings.from_env())
out = {"ok": 0, "ok_by_thread": [0] * threads, "wrong": [], "errors": []}
lock = threading.Lock()
def work(seed):
    rng = random.Random(seed)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        call = rng.choice(calls)
        try:
            body = conn.get_json(call["path"], call["params"], private=call["private"])
        except Exception as exc:
            with lock:
                out["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
            continue
        with lock:
            if body == call["body"]:
                out["ok"] += 1
                out["ok_by_thread"][seed] += 1
            else:
                out["wrong"].append(call["path"])
ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
[t.start() for t in ts]
[t.join() for t in ts]
out["stats"] = conn.stats.as_dict() if hasattr(conn.stats, "as_dict") else str(conn.stats)
conn.close()
print(json.dumps(out))
"""


@pytest.fixture
def load_server() -> Iterator[EmulatorServer]:
    """A private emulator with short-lived tokens."""
    with serve(
        scale=0.02, rate_limits=GENEROUS_RATE_LIMITS, refresh_limit=GENEROUS_REFRESH_LIMIT,
        token_lifetime=TOKEN_LIFETIME,
    ) as server:  # fmt: skip
        yield server


def mixed_calls(server: EmulatorServer, tmp_path: Path) -> list[dict[str, Any]]:
    """Public and private GETs with the body each must return (fetched once, uncached)."""
    ds = server.dataset
    demo = ds.user_by_username(server.credentials["username"])
    assert demo is not None
    units = sorted(
        demo.business_unit_ids, key=lambda b: -len(ds.query_reviews(business_unit_id=b))
    )[:3]
    reviews = [ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=units[0])[:5]]
    specs: list[tuple[str, dict[str, Any], bool]] = []
    for bu in units:
        specs.append((f"/business-units/{bu}", {}, False))
        for page in (1, 2):
            specs.append((f"/business-units/{bu}/reviews", {"page": page, "perPage": 100}, False))
            specs.append(
                (f"/private/business-units/{bu}/reviews", {"page": page, "perPage": 100}, True)
            )
    for rid in reviews:
        specs.append((f"/reviews/{rid}", {}, False))
        specs.append((f"/private/reviews/{rid}", {}, True))
    conn = Connection(settings_for(server, tmp_path / "truth", fast=True))
    with conn:
        return [
            {"path": p, "params": q, "private": priv, "body": conn.get_json(p, q, private=priv)}
            for p, q, priv in specs
        ]


def token_posts(server: EmulatorServer) -> int:
    return sum(1 for m, p in server.admin.requests if m == "POST" and "/oauth/" in p)


@pytest.mark.slow
def test_processes_and_threads_share_cache_and_tokens(
    load_server: EmulatorServer, tmp_path: Path
) -> None:
    """No error, no wrong body, and at most one token refresh per expiry across 32 workers."""
    calls = mixed_calls(load_server, tmp_path)
    calls_file = tmp_path / "calls.json"
    calls_file.write_text(json.dumps(calls))
    settings = settings_for(
        load_server, tmp_path, cache_backend="sqlite", cache_path=tmp_path / "shared.sqlite",
        token_dir=tmp_path / "shared-tokens", timeout=30.0, connect_timeout=10.0,
        token_refresh_skew=0.5, fast=True,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTPILOT_", "TPNB_"))}
    env.update({
        "TRUSTPILOT_API_KEY": settings.api_key or "", "TRUSTPILOT_API_SECRET": settings.api_secret or "",
        "TRUSTPILOT_USERNAME": settings.username or "", "TRUSTPILOT_PASSWORD": settings.password or "",
        "TPNB_BASE_URL": settings.base_url, "TPNB_CACHE_BACKEND": "sqlite",
        "TPNB_CACHE_PATH": str(settings.cache_path), "TPNB_TOKEN_DIR": str(settings.token_dir),
        "TPNB_TOKEN_REFRESH_SKEW": "0.5", "TPNB_PACE_LIMITS": "1000000/1",
        "TPNB_BACKOFF_FACTOR": "0.05", "TPNB_BACKOFF_MAX": "0.2", "PYTHONPATH": str(REPO),
    })  # fmt: skip
    load_server.admin.clear_requests()
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(calls_file), str(SECONDS), str(THREADS)],
            env=env,
            cwd=str(REPO),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=SECONDS + 120)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.monotonic() - started
    errors = [e for r in results for e in r["errors"]]
    wrong = [w for r in results for w in r["wrong"]]
    assert not errors, f"{len(errors)} errors, e.g. {errors[:3]}"
    assert not wrong, f"{len(wrong)} wrong bodies, e.g. {wrong[:3]}"
    # every thread of every process got answers (a liveness check, not a speed floor)
    assert len(results) == PROCESSES
    per_thread = [n for r in results for n in r["ok_by_thread"]]
    assert len(per_thread) == PROCESSES * THREADS
    assert min(per_thread) >= 1, per_thread
    # the client renews when expires_in - skew has passed; expires_in is the lifetime minus 1
    believed = TOKEN_LIFETIME - 1 - min(0.5, (TOKEN_LIFETIME - 1) / 10)
    allowed = math.ceil(elapsed / believed) + 2
    posts = token_posts(load_server)
    assert 1 <= posts <= allowed, f"{posts} token requests in {elapsed:.0f} s (at most {allowed})"


class PrivateCalls:
    """Threads making uncached calls (private lists are never cached: every call reaches the
    emulator); counts them and keeps the first 429 that stops a thread."""

    def __init__(self, tp: Any, unit: str) -> None:
        self.tp, self.unit = tp, unit
        self.done = 0
        self.failures: list[RateLimitError] = []
        self._lock = threading.Lock()

    def _work(self, more: Callable[[int], bool]) -> None:
        n = 0
        while more(n):
            try:
                self.tp.connection.get_json(
                    f"/private/business-units/{self.unit}/reviews", {"perPage": 1}, private=True
                )
            except RateLimitError as exc:
                self.failures.append(exc)
                return
            with self._lock:
                self.done += 1
            n += 1

    def run(self, *, threads: int, more: Callable[[int], bool]) -> None:
        """Run ``threads`` threads, each calling while ``more(calls it made)``; wait for them."""
        started = [threading.Thread(target=self._work, args=(more,)) for _ in range(threads)]
        for t in started:
            t.start()
        for t in started:
            t.join()


@pytest.mark.slow
def test_pacing_budget_never_meets_a_429(load_server: EmulatorServer, tmp_path: Path) -> None:
    """A client paced at the emulator's own limits, with no retries, is never refused."""
    window = (40, 2.0)
    load_server.admin.reset_rate_limits()
    load_server.admin.set_rate_limits([window])
    tp = client_for(
        load_server, tmp_path, pace_limits=(window,), max_retries=0, timeout=10.0, fast=True
    )
    unit = sorted(load_server.dataset.user_by_username(tp.settings.username).business_unit_ids)[0]
    deadline = time.monotonic() + min(SECONDS, 8.0)
    calls = PrivateCalls(tp, unit)
    with tp:
        calls.run(threads=4, more=lambda _n: time.monotonic() < deadline)
    assert not calls.failures, f"refused after {calls.done} calls: {calls.failures[0]}"
    assert calls.done > window[0] * 2, "the run should span several rate windows"


def test_a_429_from_calls_made_elsewhere_holds_every_call_and_says_so(
    load_server: EmulatorServer, tmp_path: Path
) -> None:
    """Another user of the key (a second notebook, a colleague's tool) filled the window the
    client paces itself in: the server's 429 and its Retry-After hold every thread's next call
    (announced to the pace watchers, like the client's own waits), the refused call is retried,
    and the threads meet no further 429."""
    window = (30, 3.0)
    load_server.admin.reset_rate_limits()
    load_server.admin.set_rate_limits([window])
    tp = client_for(
        load_server, tmp_path, pace_limits=(window,), retry_after_max=10.0, timeout=10.0
    )
    unit = sorted(load_server.dataset.user_by_username(tp.settings.username).business_unit_ids)[0]
    announced: list[float] = []
    calls = PrivateCalls(tp, unit)

    with tp:
        tp.connection.pacer.watch(announced.append)
        for _ in range(10):  # calls with the same key from elsewhere: not this client's pacer
            answer = requests.get(
                load_server.api_url + f"/business-units/{unit}",
                headers={"apikey": load_server.credentials["api_key"]},
                timeout=10,
            )
            assert answer.status_code == 200
        calls.run(threads=4, more=lambda n: n < 12)
        stats = tp.stats.snapshot()
    assert not calls.failures, f"refused after {calls.done} calls: {calls.failures[0]}"
    assert calls.done == 48
    # every retry here is a 429 (no faults): at least the first; at most the calls already on
    # the wire when it came back, one per thread; none after the hold
    assert 1 <= stats.retries <= 4
    assert any(wait > 0.5 for wait in announced), announced  # the hold was announced
