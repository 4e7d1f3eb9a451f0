"""Sync while reviews are deleted, added and edited on the server: the archive ends exact.

The defect this guards against: sync walked each window by offset pages, so a review deleted on
page 1 while page 2 was read shifted the list; the first review of the old page 2 was never
seen, sync tombstoned it (still live) and kept the deleted one, and the counts still matched, so
no later sync noticed. Windows are now listed by time, multi-page listings are confirmed by the
window's count before anything is removed, and the audit re-lists what changed behind the walk.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.faultproxy import FaultProxy, Rule
from kit.ledger import LEDGER
from kit.server import biggest_unit
from kit.truth import COMPLETE, WRONG, after_requests, review_json

from tpnb.emulator import EmulatorServer

pytestmark = pytest.mark.faults

PRIVATE_LIST = r"^/v1/private/business-units/[^/]+/reviews$"
LABEL = "offset shifts during sync (deletes, inserts, edits mid-walk)"


def _live_ids(server: EmulatorServer, unit: str) -> set[str]:
    items = review_json(server, private=True, business_unit_id=unit, include_reported=True)
    return {str(i["id"]) for i in items}


def _archive(path: Path) -> tuple[set[str], set[str]]:
    with sqlite3.connect(path) as db:
        reviews = {row[0] for row in db.execute("SELECT id FROM reviews")}
        tombstones = {row[0] for row in db.execute("SELECT review_id FROM tombstones")}
    return reviews, tombstones


def _mutator(server: EmulatorServer, unit: str, step: list[int]) -> Any:
    """Each call deletes the oldest live review and one on a later page, edits one, and adds
    one back-dated review in the first half of the history and one new one."""
    admin = server.admin

    def act() -> None:
        step[0] += 1
        items = review_json(server, private=True, business_unit_id=unit, include_reported=True)
        ordered = sorted(items, key=lambda i: (i["createdAt"], i["id"]))
        for review in (ordered[0], ordered[min(150, len(ordered) - 1)]):
            admin.delete_review(review["id"])
        admin.update_review(ordered[len(ordered) // 3]["id"], text=f"edited mid-sync {step[0]}")
        first = pd.Timestamp(ordered[0]["createdAt"]).to_pydatetime()
        last = pd.Timestamp(ordered[-1]["createdAt"]).to_pydatetime()
        for created in (first + (last - first) / 2, last + timedelta(seconds=step[0])):
            admin.add_review(
                unit, stars=1 + step[0] % 5, title="added mid-sync",
                text=f"new review {step[0]}", created_at=created,
            )  # fmt: skip

    return act


@pytest.mark.parametrize("full", [False, True], ids=["first sync", "full re-sync"])
def test_a_deletion_on_a_page_already_read_hides_no_live_review(
    fresh: EmulatorServer, tmp_path: Path, full: bool
) -> None:
    """Exactly the audit's blind spot: one review deleted on page 1 just before page 2 is
    read, nothing else changed (so the counts of an offset walk still matched)."""
    unit = biggest_unit(fresh)
    archive = tmp_path / "archive.sqlite"
    tp = client_for(fresh, tmp_path)
    if full:
        tp.sync(unit, archive, batch_size=5_000)
    deleted: list[str] = []

    def delete_the_oldest() -> None:
        items = review_json(fresh, private=True, business_unit_id=unit, include_reported=True)
        oldest = min(items, key=lambda i: (i["createdAt"], i["id"]))
        fresh.admin.delete_review(oldest["id"])
        deleted.append(str(oldest["id"]))

    with FaultProxy(fresh.url) as proxy:
        # the first list request is sync's probe of the oldest review; the next two are the
        # first window's pages 1 and 2
        proxy.add(Rule(PRIVATE_LIST, action=delete_the_oldest, skip=2, times=1))
        tp = client_for(fresh, tmp_path, base_url=proxy.url + "/v1")
        report = tp.sync(unit, archive, full=full, batch_size=5_000)
    assert deleted, "the deletion ran during the walk"
    live = _live_ids(fresh, unit)
    archived, tombstones = _archive(archive)
    missing, extra, buried = live - archived, archived - live, live & tombstones
    exact = not missing and not extra and not buried
    evidence = (
        f"one deletion, {'full' if full else 'first'}: {len(archived)} archived, {len(live)} "
        f"live; missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]}, tombstoned live "
        f"{sorted(buried)[:3]}; {report}"
    )
    LEDGER.record(LABEL, COMPLETE if exact else WRONG, evidence)
    assert exact, evidence


@pytest.mark.parametrize("full", [False, True], ids=["first sync", "full re-sync"])
def test_sync_during_live_edits_ends_exact(
    fresh: EmulatorServer, tmp_path: Path, full: bool
) -> None:
    unit = biggest_unit(fresh)
    archive = tmp_path / "archive.sqlite"
    tp = client_for(fresh, tmp_path)
    if full:
        tp.sync(unit, archive, batch_size=100)
    step = [0]
    act = _mutator(fresh, unit, step)
    with tp, after_requests(fresh, [(2, act), (4, act), (7, act)]):
        report = tp.sync(unit, archive, full=full, batch_size=100)
    assert step[0] == 3, "every mutation ran during the sync"
    live = _live_ids(fresh, unit)
    archived, tombstones = _archive(archive)
    missing, extra, buried = live - archived, archived - live, live & tombstones
    exact = not missing and not extra and not buried
    evidence = (
        f"{'full' if full else 'first'}: {len(archived)} archived, {len(live)} live; "
        f"missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]}, tombstoned live "
        f"{sorted(buried)[:3]}; {report}"
    )
    LEDGER.record(LABEL, COMPLETE if exact else WRONG, evidence)
    assert exact, evidence
