"""The review store behind tp.reviews() / tp.all_reviews() (tpnb.store.reviewstore), against the
real emulator over loopback: re-runs cost a handful of requests and give the frame a fresh full
pull gives (the emulator's ground truth), fresh=True closes what a refresh cannot see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests
from kit.truth import after_requests, truth_of

from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve
from tpnb.errors import ConfigError

GENEROUS = {"rate_limits": ((10_000_000, 300.0),), "refresh_limit": (100_000, 60.0)}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.02, **GENEROUS) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture
def tp(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    """A client whose reviews() is backed by a store file of its own. The store's requests
    bypass the HTTP cache, so a re-run costs the same within the pages' max-age or a day
    later: every re-run below is one "after max-age"."""
    with client_for(server, tmp_path, review_store=tmp_path / "reviews.sqlite") as client:
        assert client.review_store is not None
        yield client


@pytest.fixture
def direct(server: EmulatorServer, tmp_path: Path) -> Iterator[Client]:
    """A client without a store: every call is a fresh walk of the API."""
    with client_for(server, tmp_path / "direct") as client:
        assert client.review_store is None
        yield client


def ids_newest_first(server: EmulatorServer, unit: str) -> list[str]:
    ds = server.dataset
    rows = ds.query_reviews(business_unit_id=unit, include_reported=True)
    return [ds.review_id(int(r)) for r in rows]


def biggest(server: EmulatorServer) -> str:
    ds = server.dataset
    return max(ds.business_unit_ids(), key=lambda u: len(ds.query_reviews(business_unit_id=u)))


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("id", ignore_index=True)


def in_order(frame: pd.DataFrame, ascending: bool) -> pd.DataFrame:
    """``frame`` by creation time, ties by review id, in one direction."""
    return frame.sort_values(["created_at", "id"], ascending=ascending, ignore_index=True)


def test_a_rerun_costs_three_requests_and_equals_a_fresh_pull(
    server: EmulatorServer, tp: Client
) -> None:
    unit = biggest(server)
    before = api_requests(server)
    cold = tp.reviews(unit, progress=False)
    cold_requests = api_requests(server) - before
    listed = len(ids_newest_first(server, unit))  # the store keeps reported reviews too
    assert cold_requests <= -(-listed // 100) + 3  # the pages, the unit, the Deletions API
    truth = truth_of(server, private=False, business_unit_id=unit).frame
    pd.testing.assert_frame_equal(by_id(cold), truth)

    saved_before = tp.stats.requests_saved
    before = api_requests(server)
    again = tp.reviews(unit, progress=False)
    # the unit (its count), the newest page, the Deletions API's reviews list
    assert api_requests(server) - before == 3
    pd.testing.assert_frame_equal(again, cold)
    assert tp.stats.requests_saved - saved_before == -(-len(again) // 100) - 3
    assert "requests saved by the review store" in repr(tp.stats)


def test_a_rerun_after_inserts_edits_and_deletions_equals_the_ground_truth(
    server: EmulatorServer, tp: Client, direct: Client
) -> None:
    unit = biggest(server)
    tp.reviews(unit, progress=False)
    admin = server.admin
    added = [admin.add_review(unit, stars=s, title=f"new {s}", text="fresh", language="en")
             for s in (1, 2, 3, 4, 5)]  # fmt: skip
    rows = ids_newest_first(server, unit)
    recent = rows[8]  # on the newest page
    admin.update_review(recent, title="edited", text="edited text", stars=1)
    server.dataset.set_reply(recent, "Thank you")
    gone = [rows[len(rows) // 2], rows[-3], rows[20]]
    for rid in gone:
        admin.delete_review(rid)
    before = api_requests(server)
    frame = tp.reviews(unit, progress=False)
    # unit, newest page, reviews deletions, consumers deletions (the reviews list named some)
    assert api_requests(server) - before <= 4
    truth = truth_of(server, private=False, business_unit_id=unit).frame
    pd.testing.assert_frame_equal(by_id(frame), truth)
    assert set(added) <= set(frame["id"])
    assert not set(gone) & set(frame["id"])
    assert frame.set_index("id").loc[recent, "title"] == "edited"

    # the filters, order and limit give what a fresh walk of the API gives, row for row
    since, until = truth["created_at"].quantile([0.3, 0.6]).dt.floor("D")
    calls: list[dict[str, Any]] = [
        {"stars": [1, 2]},
        {"language": "en", "responded": True},
        {"since": since, "until": until},
        {"order_by": "createdat.asc", "limit": 150},
        {"stars": 5, "limit": 37},
        {"include_reported": True},
        {"limit": 250},
    ]
    for call in calls:
        before = api_requests(server)
        stored = tp.reviews(unit, progress=False, **call)
        assert api_requests(server) - before == 3, call
        ascending = call.get("order_by") == "createdat.asc"
        # the store's order is the API's, ties in createdAt by id (the direct walk's order of
        # ties depends on how it split the list: by star, by keyset row)
        pd.testing.assert_frame_equal(stored, in_order(stored, ascending), obj=str(call))
        pd.testing.assert_frame_equal(
            stored,
            in_order(direct.reviews(unit, progress=False, **call), ascending),
            obj=str(call),
        )
    pd.testing.assert_frame_equal(
        tp.all_reviews(unit, limit=120, progress=False),
        in_order(direct.all_reviews(unit, limit=120, progress=False), False),
    )


def test_fresh_true_sees_what_a_refresh_cannot(server: EmulatorServer, tp: Client) -> None:
    unit = biggest(server)
    tp.reviews(unit, progress=False)
    old = ids_newest_first(server, unit)[-10]
    server.admin.update_review(old, text="an old review, edited")
    refreshed = tp.reviews(unit, progress=False).set_index("id")
    assert refreshed.loc[old, "text"] != "an old review, edited"  # beyond the newest page
    before = api_requests(server)
    fresh = tp.reviews(unit, progress=False, fresh=True)
    listed = len(ids_newest_first(server, unit))
    assert api_requests(server) - before >= -(-listed // 100)  # every page again
    assert fresh.set_index("id").loc[old, "text"] == "an old review, edited"
    truth = truth_of(server, private=False, business_unit_id=unit).frame
    pd.testing.assert_frame_equal(by_id(fresh), truth)
    # and the store keeps it: the next re-run sees the edit for 3 requests
    before = api_requests(server)
    assert tp.reviews(unit, progress=False).set_index("id").loc[old, "text"] == (
        "an old review, edited"
    )
    assert api_requests(server) - before == 3


def test_reviews_added_and_deleted_during_the_first_pull_are_caught_by_the_count(
    server: EmulatorServer, tp: Client
) -> None:
    unit = biggest(server)
    rows = ids_newest_first(server, unit)
    admin = server.admin
    plan = [
        (4, lambda: admin.add_review(unit, stars=4, title="mid-walk", text="new", language="en")),
        (8, lambda: admin.delete_review(rows[-5])),  # old: not listed yet when deleted
        (12, lambda: admin.delete_review(rows[1])),  # new: listed already
    ]
    with after_requests(server, plan):
        frame = tp.reviews(unit, progress=False)
    truth = truth_of(server, private=False, business_unit_id=unit).frame
    pd.testing.assert_frame_equal(by_id(frame), truth)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"fresh": "yes"}, "fresh must be True"),
        ({"since": "2025-05-02", "until": "2025-05-01"}, "must be before until"),
        ({"limit": -1}, "limit"),
        ({"stars": 6}, "stars"),
        ({"raw": "no"}, "raw must be"),
    ],
)
def test_bad_input_is_a_config_error_before_any_request(
    server: EmulatorServer, tp: Client, kwargs: dict[str, Any], words: str
) -> None:
    unit = biggest(server)
    before = api_requests(server)
    with pytest.raises(ConfigError, match=words):
        tp.reviews(unit, **kwargs)
    assert api_requests(server) == before


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"fresh": 1}, "fresh must be True"),
        ({"limit": -1}, "limit"),
        ({"include_reported": "yes"}, "include_reported"),
    ],
)
def test_bad_input_of_all_reviews_is_a_config_error_before_any_request(
    server: EmulatorServer, tp: Client, kwargs: dict[str, Any], words: str
) -> None:
    before = api_requests(server)
    with pytest.raises(ConfigError, match=words):
        tp.all_reviews(biggest(server), **kwargs)
    assert api_requests(server) == before


def test_a_temporary_store_is_removed_by_close(server: EmulatorServer, tmp_path: Path) -> None:
    client = client_for(server, tmp_path, review_store="memory")
    store = client.review_store
    assert store is not None
    unit = biggest(server)
    client.reviews(unit, progress=False, limit=5)
    assert store.path.exists()
    client.close()
    assert not store.path.parent.exists()


def test_consumer_counts_on_old_reviews_follow_a_new_and_a_deleted_review(
    server: EmulatorServer, tp: Client
) -> None:
    unit = biggest(server)
    first = tp.reviews(unit, progress=False)
    prolific = first["consumer_id"].value_counts()
    writer, loser = prolific.index[0], prolific.index[1]
    assert prolific.iloc[1] >= 2  # both have older reviews the refresh will not re-list
    server.admin.add_review(unit, stars=5, title="again", text="more", consumer_id=writer)
    old_of_loser = first.loc[first["consumer_id"] == loser, "id"].iloc[-1]
    server.admin.delete_review(old_of_loser)
    frame = tp.reviews(unit, progress=False)
    truth = truth_of(server, private=False, business_unit_id=unit).frame
    pd.testing.assert_frame_equal(by_id(frame), truth)
    counts = frame.groupby("consumer_id")["consumer_number_of_reviews"].agg(["min", "max"])
    assert counts.loc[writer, "min"] == counts.loc[writer, "max"]
    assert (
        counts.loc[writer, "min"]
        > first.loc[first["consumer_id"] == writer].iloc[0]["consumer_number_of_reviews"]
    )


def test_a_partial_first_call_walks_the_api_and_a_full_pull_fills_the_store(
    server: EmulatorServer, tp: Client
) -> None:
    unit = biggest(server)
    store = tp.review_store
    assert store is not None
    before = api_requests(server)
    tp.reviews(unit, limit=50, progress=False)
    assert api_requests(server) - before == 1  # one keyset page, as without a store
    assert not store.holds(unit)
    tp.all_reviews(unit, progress=False)
    assert store.holds(unit)
    before = api_requests(server)
    tp.reviews(unit, limit=50, stars=3, progress=False)
    assert api_requests(server) - before == 3


def test_fresh_true_without_a_store_walks_past_the_caches(
    server: EmulatorServer, direct: Client
) -> None:
    unit = biggest(server)
    first = direct.reviews(unit, progress=False)
    before = api_requests(server)
    pd.testing.assert_frame_equal(direct.reviews(unit, progress=False), first)
    assert api_requests(server) == before  # within max-age: the kept frame, nothing sent
    again = direct.reviews(unit, progress=False, fresh=True)
    assert api_requests(server) - before >= -(-len(first) // 100)  # every page, sent again
    pd.testing.assert_frame_equal(again, first)
