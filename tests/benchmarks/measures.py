"""The smaller measurements of the benchmark run: start-up, explorer filtering, incremental sync.

Each function returns plain numbers; :mod:`run` turns them into report rows.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from emulator_proc import ROOT, EmulatorProcess

_IMPORT_SNIPPET = """
import time
t0 = time.perf_counter()
import tpnb
print(time.perf_counter() - t0)
"""

_CONNECT_SNIPPET = """
import time
t0 = time.perf_counter()
import tpnb
tp = tpnb.connect()
elapsed = time.perf_counter() - t0
assert tp.demo, tp
tp.close()
print(elapsed)
"""


def _clean_env() -> dict[str, str]:
    """The environment without Trustpilot credentials or tpnb settings (demo mode)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUSTPILOT_", "TPNB_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "0"
    return env


def _subprocess_seconds(snippet: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", snippet],
            cwd=ROOT,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def import_seconds(runs: int) -> list[float]:
    """``import tpnb`` in fresh interpreters (time of the import statement alone)."""
    _subprocess_seconds(_IMPORT_SNIPPET, 1)  # bytecode compiled, file cache warm
    return _subprocess_seconds(_IMPORT_SNIPPET, runs)


def connect_seconds(runs: int) -> list[float]:
    """``import tpnb; tpnb.connect()`` in demo mode (embedded emulator start included)."""
    return _subprocess_seconds(_CONNECT_SNIPPET, runs)


def explorer_filter_ms(reviews: pd.DataFrame, repeats: int) -> dict[str, Any]:
    """Median ms of one ReviewExplorer filter change on ``reviews`` (bench_explorer_filter)."""
    import bench_explorer_filter as bef

    from tpnb.widgets import ReviewExplorer

    explorer = ReviewExplorer(reviews=reviews, progress=False, page_size=10)
    explorer.filters.text.value = "warm-up"  # the text haystack is built on the first search
    explorer.filters.text.value = ""
    samples = bef.measure(explorer, repeats)
    values = [v for vs in samples.values() for v in vs]
    return {
        "median_ms": statistics.median(values),
        "worst_kind": max(samples, key=lambda k: statistics.median(samples[k])),
        "worst_ms": max(statistics.median(v) for v in samples.values()),
        "rows": len(reviews),
    }


def incremental_sync(emu: EmulatorProcess, units: list[str], runs: int) -> dict[str, Any]:
    """First sync of a unit into a fresh archive, then ``runs`` syncs with nothing new.

    The first of ``units`` that the demo business user may read (Customer API) is used.
    """
    import tpnb
    from tpnb.errors import ForbiddenError

    with tempfile.TemporaryDirectory() as tmp:
        tp = tpnb.connect(
            demo=False,
            **emu.credentials,
            base_url=emu.api_url,
            cache_path=Path(tmp) / "cache.sqlite",
            token_dir=Path(tmp) / "tokens",
            pace_limits=((10**9, 1.0),),
            review_store="off",
        )
        try:
            archive = str(Path(tmp) / "archive.sqlite")
            for unit in units:
                try:
                    first = tp.sync(unit, archive)
                    break
                except ForbiddenError:
                    continue
            else:
                raise RuntimeError("the demo business user may read none of the units")
            seconds, requests = [], []
            for _ in range(runs):
                emu.clear_requests()
                t0 = time.perf_counter()
                report = tp.sync(unit, archive)
                seconds.append(time.perf_counter() - t0)
                requests.append(emu.request_count())
                assert report.added == 0, report
        finally:
            tp.close()
    return {
        "unit": unit,
        "archived": first.archived,
        "first_requests": first.requests,
        "seconds": statistics.median(seconds),
        "requests": max(requests),
    }
