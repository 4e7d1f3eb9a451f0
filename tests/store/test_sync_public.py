"""A sync with only an API key (tpnb.store.public) against the real emulator over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kit.clients import client_for
from kit.server import api_requests

from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve
from tpnb.store import Archive

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.02, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture
def public(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    """A client with the API key alone: no secret, no business user."""
    with client_for(server, tmp_path, user=False, api_secret=None) as tp:
        assert not tp.settings.can_login
        yield tp


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite") as arch:
        yield arch


def remote_rows(server: EmulatorServer, unit: str) -> list[str]:
    """The unit's review ids, newest first (reported ones included)."""
    ds = server.dataset
    return [
        ds.review_id(int(r)) for r in ds.query_reviews(business_unit_id=unit, include_reported=True)
    ]


def unit_of_size(server: EmulatorServer, low: int, high: int) -> str:
    ds = server.dataset
    sized = sorted((len(remote_rows(server, u)), u) for u in ds.business_unit_ids())
    return next(u for n, u in sized if low <= n <= high)


def test_first_public_sync_archives_the_whole_public_list(
    server: EmulatorServer, public: Client, archive: Archive
) -> None:
    unit = unit_of_size(server, 250, 2000)
    expected = remote_rows(server, unit)
    before = api_requests(server)
    report = public.sync(unit, archive)
    assert report.mode == "public"
    assert report.first_sync
    assert archive.review_ids(unit) == set(expected)
    assert report.added == len(expected) == report.archived
    assert report.count_difference == 0
    pages = -(-len(expected) // 100)
    assert report.requests == api_requests(server) - before
    assert report.requests <= pages + 1 + 1 + 2  # pages, the unit, an empty last page, deletions
    assert not any(method == "POST" for method, _ in server.admin.requests)  # no token asked
    state = archive.sync_state(unit)
    assert state is not None
    assert state.mode == "public"


def test_later_public_syncs_find_new_edited_and_deleted_reviews_in_a_few_calls(
    server: EmulatorServer, public: Client, archive: Archive
) -> None:
    unit = unit_of_size(server, 600, 3000)
    first = public.sync(unit, archive)
    admin = server.admin
    added = [admin.add_review(unit, stars=s, title=f"new {s}", text="fresh", language="en")
             for s in (2, 5)]  # fmt: skip
    recent = remote_rows(server, unit)[4]
    admin.update_review(recent, title="edited", text="edited text", stars=1)
    gone = remote_rows(server, unit)[-3]  # old: only the Deletions API says it went
    admin.delete_review(gone)
    report = public.sync(unit, archive)
    assert sorted(report.added_ids) == sorted(added)
    assert recent in report.changed_ids
    assert report.removed_ids == [gone]
    assert report.deleted_review_ids == [gone]
    assert report.count_difference == 0
    assert archive.review_ids(unit) == set(remote_rows(server, unit))
    assert report.requests <= 4 < first.requests  # unit, newest page, both deletions lists


def test_what_a_public_sync_cannot_see_full_true_finds(
    server: EmulatorServer, public: Client, archive: Archive
) -> None:
    unit = unit_of_size(server, 600, 3000)
    public.sync(unit, archive)
    ds = server.dataset
    old = remote_rows(server, unit)[-5]
    server.admin.update_review(old, text="an old review, edited")
    silently = remote_rows(server, unit)[-8]
    with ds.lock:  # deleted without the Deletions API knowing
        ds.reviews.delete(silently)
    report = public.sync(unit, archive)
    assert report.changed_ids == []  # too old for the recheck window
    assert report.removed_ids == []
    assert report.count_difference == -1  # the cross-check sees one review too many
    full = public.sync(unit, archive, full=True)
    assert full.changed_ids == [old]
    assert full.removed_ids == [silently]
    assert full.count_difference == 0
    assert archive.review_ids(unit) == set(remote_rows(server, unit))
    stored = archive.review_json(old)
    assert stored is not None
    assert stored["text"] == "an old review, edited"


def test_a_public_sync_with_nothing_new_costs_three_requests_and_nine_changes_at_most_ten(
    server: EmulatorServer, public: Client, archive: Archive
) -> None:
    ds = server.dataset
    unit = max(ds.business_unit_ids(), key=lambda u: len(remote_rows(server, u)))
    public.sync(unit, archive)
    before = api_requests(server)
    quiet = public.sync(unit, archive)
    # the unit (its count), the newest page, the Deletions API's reviews list
    assert api_requests(server) - before == quiet.requests == 3
    assert quiet.added == quiet.changed == quiet.removed == 0
    admin = server.admin
    added = [admin.add_review(unit, stars=s, title=f"new {s}", text="fresh", language="en")
             for s in (1, 2, 3, 4, 5)]  # fmt: skip
    rows = remote_rows(server, unit)
    edited = rows[12]
    admin.update_review(edited, text="edited within the newest page")
    gone = [rows[len(rows) // 5], rows[len(rows) // 2], rows[-10]]
    for rid in gone:
        admin.delete_review(rid)
    report = public.sync(unit, archive)
    assert sorted(report.added_ids) == sorted(added)
    assert report.changed_ids == [edited]
    assert sorted(report.removed_ids) == sorted(gone)
    assert report.requests <= 10
    assert archive.review_ids(unit) == set(remote_rows(server, unit))
