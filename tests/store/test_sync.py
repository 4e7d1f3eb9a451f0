"""tpnb.store.sync against the real emulator over loopback: first sync, incremental, edits, deletions,
resume, Ctrl-C, completion of webhook reviews, parity with the client's frames, bad arguments.

Expectations come from the emulator's own data set (``Dataset.query_reviews``); request counts
from the emulator's request log and the client's stats. Process-level tests (SIGKILL, two
processes at once) are in test_sync_processes.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.files import needs_proc, open_files
from kit.server import api_requests

from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve
from tpnb.errors import ConfigError, ForbiddenError
from tpnb.store import Archive, ArchiveBusyError, apply_events, parse_events
from tpnb.store.sync import SyncReport, _Sync, sync

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}


def remote_ids(server: EmulatorServer, unit: str) -> set[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    return {ds.review_id(int(r)) for r in rows}


def archived_ids(archive: Archive, unit: str) -> set[str]:
    return archive.review_ids(unit)


def demo_units(server: EmulatorServer) -> list[tuple[int, str]]:
    """(size, id) of the demo business user's units, largest first."""
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    return sorted(((len(remote_ids(server, u)), u) for u in user.business_unit_ids), reverse=True)


def mid_unit(server: EmulatorServer) -> str:
    """A demo unit with a few hundred to a few thousand reviews (several windows)."""
    sized = [(n, u) for n, u in demo_units(server) if 300 <= n <= 3000]
    return sized[0][1]


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.05, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture
def client(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    with client_for(server, tmp_path) as tp:
        yield tp


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite") as arch:
        yield arch


def test_first_sync_pulls_everything_once(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = mid_unit(server)
    expected = remote_ids(server, unit)
    logged = api_requests(server)
    report = sync(client, unit, archive)
    assert report.first_sync
    assert not report.resumed
    assert archived_ids(archive, unit) == expected
    assert report.added == len(expected) == report.archived
    assert (report.changed, report.removed) == (0, 0)
    rows = sqlite3.connect(archive.path).execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    assert rows == len(expected)  # nothing duplicated
    # requests: one per page of 100 per window, plus the unit, the oldest-review probe, the audit
    # and the Deletions API's two lists
    spent = api_requests(server) - logged
    assert report.requests == spent  # (a token request, when one is needed, counts too)
    # pages by time repeat the boundary review (1 in 100) and a multi-page window is confirmed
    # by its count (1 request): the minimum pages plus a small constant per window
    assert report.requests <= len(expected) // 99 + 2 * report.windows + 6
    state = archive.sync_state(unit)
    assert state is not None
    assert state.phase == "ready"
    assert state.walked_until is None


def tagged_unit(server: EmulatorServer) -> str:
    """A demo unit of a few hundred to a few thousand reviews, some of them tagged."""
    ds = server.dataset
    for n, unit in demo_units(server):
        rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
        if 300 <= n <= 3000 and any(
            ds.review_json(int(r), server.api_url, private=True)["tags"] for r in rows[:500]
        ):
            return unit
    raise AssertionError("no tagged demo unit in the data set")


def test_archive_reads_equal_the_clients_frames(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = tagged_unit(server)
    sync(client, unit, archive)
    sample = archive.private_reviews(unit, limit=50)
    tag = archive.tags(unit).iloc[0]
    first_name = str(sample["consumer_name"].dropna().iloc[0]).split(" ")[0]
    for filters in (
        {},
        {"username": first_name},
        {"tag_group": tag["group"], "tag_value": tag["value"]},
        {"tag_value": tag["value"]},
        {"stars": [1, 2]},
        {"language": "en"},
        {"since": "2024-01-01", "until": "2025-06-01"},
        {"responded": True},
        {"order_by": "stars.asc"},
        {"reported": True},
    ):
        mine = archive.private_reviews(unit, **filters)
        theirs = client.private_reviews(unit, progress=False, **filters)
        key = ["created_at", "id"]
        pd.testing.assert_frame_equal(
            mine.sort_values(key, ignore_index=True),
            theirs.sort_values(key, ignore_index=True),
            obj=f"private_reviews{filters}",
        )
        if "order_by" not in filters:  # same order too (createdat desc)
            assert list(mine["created_at"]) == list(theirs["created_at"])
    mine = archive.reviews(unit)
    theirs = client.reviews(unit, progress=False)
    pd.testing.assert_frame_equal(
        mine.sort_values("id", ignore_index=True), theirs.sort_values("id", ignore_index=True)
    )


def test_nothing_new_costs_a_handful(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = mid_unit(server)
    first = sync(client, unit, archive)
    logged = api_requests(server)
    again = sync(client, unit, archive)
    assert (again.added, again.changed, again.removed, again.first_sync) == (0, 0, 0, False)
    assert again.requests == api_requests(server) - logged
    assert again.requests <= 6 < first.requests  # 2 of them: the Deletions API's lists
    assert archived_ids(archive, unit) == remote_ids(server, unit)


def _newest_ids(server: EmulatorServer, unit: str, count: int) -> list[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)  # newest first
    return [ds.review_id(int(r)) for r in rows[:count]]


def _oldest_ids(server: EmulatorServer, unit: str, count: int) -> list[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    return [ds.review_id(int(r)) for r in rows[-count:]]


def test_new_edited_and_deleted_reviews_are_picked_up(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = demo_units(server)[0][1]  # the largest: the audit's savings show
    first = sync(client, unit, archive)
    admin = server.admin
    added = [
        admin.add_review(unit, stars=s, title=f"new {s}", text="fresh review", language="en")
        for s in (1, 5, 4)
    ]
    recent = _newest_ids(server, unit, 10)[5]  # within the recheck/overlap window
    admin.update_review(recent, title="edited title", text="edited text", stars=2)
    gone_recent = _newest_ids(server, unit, 10)[7]
    gone_old = _oldest_ids(server, unit, 50)[3]  # deep in the history: found by the audit
    admin.delete_review(gone_recent)
    admin.delete_review(gone_old)
    report = sync(client, unit, archive)
    assert sorted(report.added_ids) == sorted(added)
    assert recent in report.changed_ids
    assert sorted(report.removed_ids) == sorted([gone_recent, gone_old])
    # the Deletions API lists both; the walk removes the recent one first
    assert gone_old in report.deleted_review_ids
    assert set(report.deleted_review_ids) <= {gone_recent, gone_old}
    assert report.audited_windows == 0  # the audit's counts agree: nothing left to bisect
    assert archived_ids(archive, unit) == remote_ids(server, unit)
    edited = archive.review_json(recent)
    assert edited is not None
    assert (edited["title"], edited["stars"]) == ("edited title", 2)
    assert edited["updatedAt"] is not None
    # bisecting counts re-lists a few small windows, not the history
    assert report.requests < first.requests / 2
    assert sync(client, unit, archive).requests <= 6  # and then it is quiet again


def test_old_text_edits_need_webhooks_or_a_full_sync(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = mid_unit(server)
    sync(client, unit, archive)
    old = _oldest_ids(server, unit, 20)[2]
    server.admin.update_review(old, text="quietly edited years later")
    quick = sync(client, unit, archive)
    assert old not in quick.changed_ids  # no count changed: polling cannot see it cheaply
    full = sync(client, unit, archive, full=True)
    assert full.changed_ids == [old]
    assert archive.review_json(old)["text"] == "quietly edited years later"  # type: ignore[index]


def test_resume_after_an_interruption(
    server: EmulatorServer, client: Client, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = mid_unit(server)
    expected = remote_ids(server, unit)
    real = _Sync.store_window
    calls = {"n": 0}

    def flaky(self: _Sync, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # Ctrl-C between two windows
        real(self, *args, **kwargs)

    monkeypatch.setattr(_Sync, "store_window", flaky)
    with pytest.raises(KeyboardInterrupt):
        sync(client, unit, archive, batch_size=100)
    state = archive.sync_state(unit)
    assert state is not None
    assert state.phase == "initial"
    assert state.walked_until
    partial = archived_ids(archive, unit)
    # exactly the reviews created before the checkpoint are in: no partial window
    ds = server.dataset
    before = {
        rid
        for rid in expected
        if ds.review_json(ds.review_row(rid), server.api_url)["createdAt"] < state.walked_until
    }
    assert partial == before
    assert 0 < len(partial) < len(expected)
    monkeypatch.setattr(_Sync, "store_window", real)
    report = sync(client, unit, archive, batch_size=100)
    assert report.first_sync
    assert report.resumed
    assert report.added == len(expected) - len(partial)
    assert archived_ids(archive, unit) == expected


def test_ctrl_c_inside_a_batch_rolls_that_batch_back(
    server: EmulatorServer, client: Client, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = mid_unit(server)
    real = Archive.save_sync_state
    calls = {"n": 0}

    def interrupted(self: Archive, conn: sqlite3.Connection, state: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # rows of the third window are written, its checkpoint is not
            raise KeyboardInterrupt
        real(self, conn, state)

    monkeypatch.setattr(Archive, "save_sync_state", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sync(client, unit, archive, batch_size=100)
    state = archive.sync_state(unit)
    assert state is not None
    assert state.walked_until is not None
    newest = archive.newest(unit)[0]
    assert newest is not None
    assert newest < state.walked_until


def test_webhook_reviews_are_completed_by_the_next_sync(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = mid_unit(server)
    sync(client, unit, archive)
    old = _oldest_ids(server, unit, 30)[4]  # outside the incremental window
    full = client.private_review(old, raw=True)
    data = {
        "id": old,
        "title": "from a webhook",
        "stars": full["stars"],
        "createdAt": full["createdAt"],
        "consumer": {"id": full["consumer"]["id"], "name": full["consumer"]["displayName"]},
    }
    events = parse_events({"events": [{"eventName": "service-review-updated", "eventData": data}]})
    apply_events(archive, events.events)
    assert archive.pending_completion(unit) == [old]
    report = sync(client, unit, archive)
    assert report.completed == 1
    assert archive.pending_completion(unit) == []
    assert archive.review_json(old)["title"] == full["title"]  # type: ignore[index]


def test_a_second_sync_waiting_too_long_fails_clearly(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    from filelock import FileLock

    with FileLock(f"{archive.path}-sync.lock"), pytest.raises(ArchiveBusyError, match="another"):
        sync(client, mid_unit(server), archive, wait=0.2)


def test_bad_arguments_fail_before_any_request(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    logged = api_requests(server)
    unit = mid_unit(server)
    for kwargs, message in (
        ({"business_unit": "not a unit!"}, "business_unit"),
        ({"business_unit": unit, "batch_size": 5}, "batch_size"),
        ({"business_unit": unit, "overlap": 3}, "overlap"),
        ({"business_unit": unit, "recheck": timedelta(days=-1)}, "recheck"),
        ({"business_unit": unit, "wait": -1}, "wait"),
        ({"business_unit": unit, "archive": 42}, "archive"),
    ):
        with pytest.raises(ConfigError, match=message):
            sync(client, **{"archive": archive, **kwargs})
    assert api_requests(server) == logged


@needs_proc
def test_an_archive_given_as_a_path_is_closed_afterwards(
    server: EmulatorServer, client: Client, archive: Archive, tmp_path: Path
) -> None:
    unit = min((n, u) for n, u in demo_units(server) if n > 0)[1]
    path = tmp_path / "by-path.sqlite"
    report = sync(client, unit, str(path))
    assert report.archived == len(remote_ids(server, unit))
    assert open_files(path) == []  # opened by sync, so closed by sync
    sync(client, unit, archive)
    assert not archive.closed  # an Archive passed in stays open for the caller
    assert archive.count(unit) == report.archived


def test_a_unit_of_another_company_is_forbidden(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    user = server.dataset.user_by_username(server.credentials["username"])
    assert user is not None
    foreign = next(u for u in server.dataset.business_unit_ids() if u not in user.business_unit_ids)
    with pytest.raises(ForbiddenError, match="Customer API"):
        sync(client, foreign, archive)


def test_report_is_readable(server: EmulatorServer, client: Client, archive: Archive) -> None:
    report = sync(client, mid_unit(server), archive)
    assert isinstance(report, SyncReport)
    text = str(report)
    assert f"{report.added} added" in text
    assert f"{report.requests} requests" in text
    assert (
        json.loads(archive.sync_state(report.business_unit_id).last_report)["added"] == report.added
    )  # type: ignore[union-attr, arg-type]
    status = archive.status()
    assert (
        int(status.loc[status["business_unit_id"] == report.business_unit_id, "reviews"].iloc[0])
        == report.archived
    )


def test_scattered_deletions_and_backdated_additions_are_found(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    unit = mid_unit(server)
    sync(client, unit, archive)
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    victims = [ds.review_id(int(rows[i])) for i in range(20, len(rows), max(1, len(rows) // 6))]
    listed, unlisted = victims[::2], victims[1::2]
    for rid in listed:
        server.admin.delete_review(rid)
    with ds.lock:  # deleted without the Deletions API knowing: the audit's cross-check finds them
        for rid in unlisted:
            ds.reviews.delete(rid)
    report = sync(client, unit, archive)
    assert sorted(report.removed_ids) == sorted(victims)
    assert sorted(report.deleted_review_ids) == sorted(listed)
    assert report.audited_windows > 0
    assert archived_ids(archive, unit) == remote_ids(server, unit)
    # a review dated before the oldest archived one (an import, say) is counted by the audit
    oldest = ds.review_json(int(rows[-1]), server.api_url)["createdAt"]
    backdated = server.admin.add_review(
        unit,
        stars=3,
        title="back-dated",
        text="imported from an old system",
        created_at=pd.Timestamp(oldest).to_pydatetime() - timedelta(days=30),
    )
    report = sync(client, unit, archive)
    assert report.added_ids == [backdated]
    assert archived_ids(archive, unit) == remote_ids(server, unit)
