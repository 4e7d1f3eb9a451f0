"""Sync across processes: a sync killed with SIGKILL mid-batch, and two syncs at once.

Each child process runs ``tpnb.store.sync.sync`` against the test's emulator (over loopback) with a
plain :class:`tpnb.Client`; a child in "slow" mode pauses inside every batch transaction (after
its rows are written, before the commit) and says so on stdout, so the parent can kill it exactly
there.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpnb.emulator import EmulatorServer, serve
from tpnb.store import Archive

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}

CHILD = r"""
import json, sys, time
from tpnb.client import Client
from tpnb.config import Settings
from tpnb.http.connection import Connection
from tpnb.store.writes import ArchiveWrites
from tpnb.store.sync import sync

cfg = json.loads(sys.argv[1])
if cfg["slow"]:
    real = ArchiveWrites.upsert_reviews
    def slow(self, conn, reviews, **kw):
        out = real(self, conn, reviews, **kw)
        print("IN-BATCH", flush=True)  # rows written, transaction still open
        time.sleep(cfg["slow"])
        return out
    ArchiveWrites.upsert_reviews = slow
client = Client(Connection(Settings(**cfg["settings"])))
try:
    report = sync(client, cfg["unit"], cfg["archive"], batch_size=100, wait=cfg["wait"])
except Exception as exc:
    print("ERROR", type(exc).__name__, exc, flush=True)
    sys.exit(3)
print("REPORT", json.dumps(report.as_dict()), flush=True)
"""


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.05, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


def remote_ids(server: EmulatorServer, unit: str) -> set[str]:
    ds = server.dataset
    return {
        ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=unit, include_reported=True)
    }


def mid_unit(server: EmulatorServer) -> str:
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    sized = sorted((len(remote_ids(server, u)), u) for u in user.business_unit_ids)
    return next(u for n, u in sized if 300 <= n <= 3000)


def child(
    server: EmulatorServer, tmp_path: Path, name: str, *, slow: float = 0.0, wait: float = 120.0
) -> subprocess.Popen[str]:
    cfg = {
        "settings": {
            **server.client_settings,
            "cache_backend": "memory",
            "token_dir": str(tmp_path / f"tokens-{name}"),
        },
        "unit": mid_unit(server),
        "archive": str(tmp_path / "archive.sqlite"),
        "slow": slow,
        "wait": wait,
    }
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    return subprocess.Popen(
        [sys.executable, str(script), json.dumps(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def created_before(server: EmulatorServer, ids: set[str], moment: str) -> set[str]:
    ds = server.dataset
    return {
        rid
        for rid in ids
        if ds.review_json(ds.review_row(rid), server.api_url)["createdAt"] < moment
    }


def test_sigkill_mid_batch_leaves_a_consistent_archive(
    server: EmulatorServer, tmp_path: Path
) -> None:
    unit = mid_unit(server)
    proc = child(server, tmp_path, "killed", slow=1.0)
    assert proc.stdout is not None
    batches = 0
    for line in proc.stdout:
        if line.startswith("IN-BATCH"):
            batches += 1
            if batches == 3:  # two windows committed, the third written but not committed
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.communicate(timeout=30)  # reaps the child and closes its stdout
    assert proc.returncode == -signal.SIGKILL
    path = tmp_path / "archive.sqlite"
    assert integrity(path) == "ok"
    with Archive(path) as archive:
        state = archive.sync_state(unit)
        assert state is not None
        assert state.phase == "initial"
        assert state.walked_until is not None
        # exactly the committed windows: everything before the checkpoint, nothing after
        expected = remote_ids(server, unit)
        assert archive.review_ids(unit) == created_before(server, expected, state.walked_until)
        # the lock died with the process: a new sync resumes and completes
        from tpnb.client import Client
        from tpnb.config import Settings
        from tpnb.http.connection import Connection
        from tpnb.store.sync import sync

        settings = Settings(
            **server.client_settings,
            cache_backend="memory",
            token_dir=tmp_path / "tokens-parent",
        )
        with Client(Connection(settings)) as client:
            report = sync(client, unit, archive, batch_size=100, wait=5)
        assert report.resumed
        assert archive.review_ids(unit) == expected
    assert integrity(path) == "ok"


def _report(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=120)
    return proc.returncode, out


def test_two_processes_syncing_at_once(server: EmulatorServer, tmp_path: Path) -> None:
    unit = mid_unit(server)
    first, second = child(server, tmp_path, "a", slow=0.05), child(server, tmp_path, "b", slow=0.05)
    results = [_report(first), _report(second)]
    reports = []
    for code, out in results:
        assert code == 0, out
        line = next(x for x in out.splitlines() if x.startswith("REPORT"))
        reports.append(json.loads(line.split(" ", 1)[1]))
    expected = remote_ids(server, unit)
    # one did the first sync, the other waited for the lock, then found nothing new
    assert sorted(r["first_sync"] for r in reports) == [False, True]
    assert sorted(r["added"] for r in reports) == [0, len(expected)]
    assert integrity(tmp_path / "archive.sqlite") == "ok"
    with Archive(tmp_path / "archive.sqlite") as archive:
        assert archive.review_ids(unit) == expected


def test_a_second_process_that_will_not_wait_fails_clearly(
    server: EmulatorServer, tmp_path: Path
) -> None:
    holder = child(server, tmp_path, "holder", slow=2.0)
    assert holder.stdout is not None
    assert holder.stdout.readline().startswith("IN-BATCH")  # it holds the sync lock now
    impatient = child(server, tmp_path, "impatient", wait=0)
    code, out = _report(impatient)
    holder.kill()
    holder.communicate(timeout=30)
    assert code == 3
    assert "ArchiveBusyError" in out
    assert "another process is syncing" in out
