"""tpnb.store.sync and the Deletions API, against the real emulator over loopback.

Deleted reviews leave the archive (whatever unit they belong to), a deleted consumer's personal
data leaves it too, nothing else changes, the report lists both, and the archive's deletion
cursors make later syncs ask only for newer deletions. Expectations come from the emulator's data
set and its deletion log (the ground truth).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for

from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve
from tpnb.emulator.data.deletions import REVIEW
from tpnb.errors import ForbiddenError
from tpnb.store import Archive
from tpnb.store.schema import iso
from tpnb.store.sync import sync

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.02, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture
def client(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    with client_for(server, tmp_path) as tp:
        yield tp


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite") as arch:
        yield arch


def demo_units(server: EmulatorServer) -> list[str]:
    """The demo business user's units with reviews, largest first."""
    ds = server.dataset
    user = ds.user_by_username(server.credentials["username"])
    assert user is not None
    sized = [(len(ds.query_reviews(business_unit_id=u, include_reported=True)), u)
             for u in user.business_unit_ids]  # fmt: skip
    return [u for n, u in sorted(sized, reverse=True) if n > 0]


def remote_ids(server: EmulatorServer, unit: str) -> set[str]:
    ds = server.dataset
    return {
        ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=unit, include_reported=True)
    }


def all_json(archive: Archive) -> dict[str, Any]:
    """Every archived review's JSON, by id."""
    with archive.transaction() as conn:
        return {rid: json.loads(text) for rid, text in conn.execute("SELECT id, json FROM reviews")}


def consumer_with_reviews_in(server: EmulatorServer, units: list[str]) -> str:
    """A consumer who wrote reviews of more than one of ``units`` (or of the first one)."""
    ds = server.dataset
    by_consumer: dict[str, set[str]] = {}
    for unit in units:
        for row in ds.query_reviews(business_unit_id=unit, include_reported=True):
            by_consumer.setdefault(ds.consumer_id(int(ds.table["consumer"][int(row)])), set()).add(
                unit
            )
    return max(by_consumer, key=lambda c: (len(by_consumer[c]), c))


def test_sync_removes_deleted_reviews_and_consumers_and_nothing_else(
    server: EmulatorServer, client: Client, archive: Archive
) -> None:
    first, second = demo_units(server)[:2]
    sync(client, first, archive)
    sync(client, second, archive)
    before = all_json(archive)
    ds = server.dataset
    consumer = consumer_with_reviews_in(server, [first, second])
    consumers_reviews = {
        rid for rid, review in before.items() if review["consumer"]["id"] == consumer
    }
    assert consumers_reviews  # the consumer's data is in the archive
    other_review = sorted(remote_ids(server, second) - consumers_reviews)[5]
    deleted_with_profile = server.admin.delete_consumer(consumer)
    server.admin.delete_review(other_review)

    report = sync(client, first, archive)  # a sync of the first unit cleans the second too

    listed = {d.id for d in ds.deletions.all(REVIEW)}
    assert consumers_reviews <= set(deleted_with_profile) <= listed
    assert other_review in listed
    expected_gone = consumers_reviews | {other_review}
    assert sorted(report.deleted_review_ids) == sorted(expected_gone)
    assert report.deleted_reviews == len(expected_gone)
    assert report.deleted_consumer_ids == [consumer]
    assert report.deleted_consumers == 1
    assert set(report.removed_ids) == expected_gone
    after = all_json(archive)
    assert set(after) == set(before) - expected_gone
    assert all(after[rid] == before[rid] for rid in after)  # nothing else changed
    assert archive.review_ids(first) == remote_ids(server, first)
    assert archive.review_ids(second) == remote_ids(server, second)
    assert not any(review["consumer"]["id"] == consumer for review in after.values())
    assert "1 deleted consumers erased" in str(report)
    assert json.loads(archive.sync_state(first).last_report)["deleted_reviews"] == len(
        expected_gone
    )  # type: ignore[union-attr, arg-type]


def test_the_cursor_makes_later_syncs_ask_only_for_newer_deletions(
    server: EmulatorServer, client: Client, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = demo_units(server)[0]
    asked: list[tuple[str, Any]] = []
    for name in ("deleted_reviews", "deleted_consumers"):
        real = getattr(client, name)

        def spy(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            asked.append((_name, kwargs.get("since")))
            return _real(*args, **kwargs)

        monkeypatch.setattr(client, name, spy)
    start = datetime.now(timezone.utc)
    sync(client, unit, archive)
    # a first sync lists everything itself: only deletions since its start (less the overlap)
    # are asked for, not the seeded history
    first_since = dict(asked)["deleted_reviews"]
    assert (
        start - timedelta(days=1, seconds=5)
        <= first_since
        <= start - timedelta(days=1) + timedelta(seconds=5)
    )
    assert archive.deletion_cursor("reviews") is None  # nothing deleted since: no cursor yet
    victim = sorted(remote_ids(server, unit))[3]
    server.admin.delete_review(victim)
    asked.clear()
    report = sync(client, unit, archive)
    assert report.removed_ids == [victim]
    deleted_at = server.dataset.deletions.all(REVIEW)[-1]
    assert deleted_at.id == victim
    cursor = archive.deletion_cursor("reviews")
    assert cursor == iso(pd.Timestamp(deleted_at.deleted_ms, unit="ms", tz="UTC"))
    asked.clear()
    again = sync(client, unit, archive)
    since = dict(asked)["deleted_reviews"]
    assert (
        since == pd.Timestamp(deleted_at.deleted_ms, unit="ms", tz="UTC").floor("s").to_pydatetime()
    )
    assert again.deleted_review_ids == []
    assert again.removed_ids == []
    assert archive.deletion_cursor("reviews") == cursor


def test_without_the_deletions_api_the_audit_still_finds_deletions(
    server: EmulatorServer, client: Client, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = demo_units(server)[0]
    sync(client, unit, archive)
    victim = sorted(remote_ids(server, unit))[7]
    server.admin.delete_review(victim)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise ForbiddenError(403, "this key may not read the Deletions API")

    monkeypatch.setattr(client, "deleted_consumers", refused)
    report = sync(client, unit, archive)
    assert report.deletions_checked is False
    assert report.deleted_review_ids == []
    assert report.removed_ids == [victim]
    assert archive.review_ids(unit) == remote_ids(server, unit)


def test_erase_consumers_keeps_the_review_but_not_the_personal_data(tmp_path: Path) -> None:
    def review(rid: str, consumer: str) -> dict[str, Any]:
        return {
            "id": rid,
            "businessUnit": {"id": "b" * 24},
            "stars": 4,
            "title": "t",
            "text": "x",
            "createdAt": "2024-05-01T10:00:00Z",
            "consumer": {"id": consumer, "displayName": "Ann Lee", "displayLocation": "Leeds"},
            "referralEmail": "ann.lee1@example.com",
            "findReviewer": {"requests": [{"consumerResponse": {"name": "Ann", "email": "a@x"}}]},
        }

    with Archive(tmp_path / "a.sqlite") as archive:
        with archive.transaction() as conn:
            archive.upsert_reviews(conn, [review("1" * 24, "c" * 24), review("2" * 24, "d" * 24)],
                                   unit_id="b" * 24, private=True)  # fmt: skip
        with archive.transaction() as conn:
            found = archive.erase_consumers(conn, ["c" * 24, "e" * 24])
        assert found == ["c" * 24]
        erased, kept = archive.review_json("1" * 24), archive.review_json("2" * 24)
        assert erased is not None
        assert kept is not None
        assert erased["consumer"] == {"id": "c" * 24, "displayName": None, "displayLocation": None}
        assert erased["referralEmail"] is None
        assert erased["findReviewer"]["requests"][0]["consumerResponse"] == {
            "name": None,
            "email": None,
        }
        assert (erased["text"], erased["stars"]) == ("x", 4)
        assert kept == review("2" * 24, "d" * 24)
        frame = archive.private_reviews("b" * 24)
        by_id = frame.set_index("id")
        assert pd.isna(by_id.loc["1" * 24, "consumer_name"])
        assert pd.isna(by_id.loc["1" * 24, "referral_email"])
        assert by_id.loc["2" * 24, "consumer_name"] == "Ann Lee"


def test_a_format_1_archive_gets_the_deletion_cursors_on_open(tmp_path: Path) -> None:
    import contextlib
    import sqlite3

    from tpnb.store.schema import APPLICATION_ID, DDL, SCHEMA_VERSION

    path = tmp_path / "format1.sqlite"
    start = DDL.index("CREATE TABLE IF NOT EXISTS deletion_cursors")
    format_1 = DDL[:start] + DDL[DDL.index(");", start) + 2 :]
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript(format_1)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with Archive(path) as archive:
        assert archive.deletion_cursor("reviews") is None
        with archive.transaction() as conn:
            archive.save_deletion_cursor(conn, "reviews", "2026-11-02T00:00:00.000000Z")
            archive.save_deletion_cursor(conn, "reviews", "2026-11-01T00:00:00.000000Z")
        assert archive.deletion_cursor("reviews") == "2026-11-02T00:00:00.000000Z"  # never back
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
