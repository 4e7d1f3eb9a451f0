"""A public-only sync (API key alone) killed with SIGKILL, in a child process over loopback:
mid-walk (emulator latency slows the pages) and inside its write transaction. The archive stays
consistent (SQLite integrity, no half-written batch, the sync state as it was, the deletion
cursor where the last committed step left it) and the next sync completes and equals the
emulator's ground truth."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests
from kit.truth import truth_of

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
print("STARTED", flush=True)
report = sync(client, cfg["unit"], cfg["archive"])
print("REPORT", json.dumps(report.as_dict()), flush=True)
"""


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.02, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


def unit_ids(server: EmulatorServer, unit: str) -> set[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    return {ds.review_id(int(r)) for r in rows}


def a_unit(server: EmulatorServer) -> str:
    ds = server.dataset
    sized = sorted((len(unit_ids(server, u)), u) for u in ds.business_unit_ids())
    return next(u for n, u in sized if 1000 <= n <= 3000)


def child(
    server: EmulatorServer, tmp_path: Path, unit: str, *, slow: float = 0.0
) -> subprocess.Popen[str]:
    settings = {
        **server.client_settings,
        "api_secret": None,
        "username": None,
        "password": None,
        "business_user_id": None,
        "cache_backend": "memory",
        "review_store": "off",
        "token_dir": str(tmp_path / "tokens-child"),
        "pace_limits": [[1_000_000, 1.0]],
    }
    cfg = {"settings": settings, "unit": unit, "archive": str(tmp_path / "a.sqlite"), "slow": slow}
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


def finish_and_compare(server: EmulatorServer, tmp_path: Path, unit: str) -> None:
    """A sync in this process completes, and the archive equals the ground truth."""
    with (
        client_for(server, tmp_path, user=False, api_secret=None) as public,
        Archive(tmp_path / "a.sqlite") as archive,
    ):
        report = public.sync(unit, archive)
        assert report.count_difference == 0
        assert archive.review_ids(unit) == unit_ids(server, unit)
        truth = truth_of(server, private=False, business_unit_id=unit, include_reported=True)
        stored = archive.reviews(unit, include_reported=True).sort_values("id", ignore_index=True)
        pd.testing.assert_frame_equal(stored, truth.frame)


def test_sigkill_mid_walk_of_a_first_public_sync(server: EmulatorServer, tmp_path: Path) -> None:
    unit = a_unit(server)
    server.admin.set_faults(latency=0.05)  # 20 pages take a second or more
    before = api_requests(server)
    proc = child(server, tmp_path, unit)
    deadline = time.monotonic() + 60
    while api_requests(server) - before < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the sync ended before it could be killed mid-walk"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    server.admin.reset_faults()
    path = tmp_path / "a.sqlite"
    assert integrity(path) == "ok"
    with Archive(path) as archive:
        assert archive.count(unit) == 0  # the pages were in memory only: nothing half-written
        assert archive.sync_state(unit) is None  # so the next sync is a first sync again
        assert archive.deletion_cursor("reviews") is None
    finish_and_compare(server, tmp_path, unit)


def test_sigkill_inside_the_write_of_a_later_public_sync(
    server: EmulatorServer, tmp_path: Path
) -> None:
    unit = a_unit(server)
    path = tmp_path / "a.sqlite"
    first = child(server, tmp_path, unit)
    out, _ = first.communicate(timeout=120)
    assert "REPORT" in out, out
    with Archive(path) as archive:
        kept_ids = archive.review_ids(unit)
        kept_state = archive.sync_state(unit)
        kept_cursor = archive.deletion_cursor("reviews")
    admin = server.admin
    for stars in (1, 5):
        admin.add_review(unit, stars=stars, title="new", text="arrived", language="en")
    ds = server.dataset
    newest_first = [
        ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=unit, include_reported=True)
    ]
    gone = newest_first[-7]
    admin.delete_review(gone)  # an old one: the Deletions API says so
    admin.update_review(newest_first[9], title="changed")  # on the newest page

    proc = child(server, tmp_path, unit, slow=30.0)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("IN-BATCH"):  # the new reviews written, not committed
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert integrity(path) == "ok"
    with Archive(path) as archive:
        # the Deletions API step (its own transaction, before the walk) committed; the killed
        # batch of the walk left nothing behind: no new review, no edit
        assert archive.review_ids(unit) == kept_ids - {gone}
        stored = archive.review_json(newest_first[9])
        assert stored is not None
        assert stored["title"] != "changed"
        assert archive.sync_state(unit) == kept_state  # so the next sync walks the pages again
        cursor = archive.deletion_cursor("reviews")  # moved with the deletion it applied
        assert cursor is not None
        assert kept_cursor is None or cursor >= kept_cursor
    finish_and_compare(server, tmp_path, unit)
