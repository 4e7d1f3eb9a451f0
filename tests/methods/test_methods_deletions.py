"""``tp.deleted_reviews()`` / ``tp.deleted_consumers()`` against the emulator over loopback."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from kit.server import api_requests

from tpnb.client import Client
from tpnb.emulator import EmulatorServer
from tpnb.emulator.data.deletions import CONSUMER, REVIEW
from tpnb.errors import ConfigError
from tpnb.frames import (
    DELETED_CONSUMER_SCHEMA,
    DELETED_REVIEW_SCHEMA,
    deleted_consumer_frame,
    deleted_review_frame,
)


def _count(server: EmulatorServer, path: str) -> int:
    return sum(1 for method, p in server.admin.requests if method == "GET" and p.endswith(path))


def test_deleted_reviews_walks_every_page_into_a_typed_frame(
    emulator: EmulatorServer, tp: Client
) -> None:
    truth = emulator.dataset.deletions.all(REVIEW)
    before = _count(emulator, "/reviews/deletions")
    frame = tp.deleted_reviews(limit=7)
    assert _count(emulator, "/reviews/deletions") - before == -(-len(truth) // 7)
    assert list(frame.columns) == list(DELETED_REVIEW_SCHEMA.names)
    assert str(frame["deleted_at"].dtype) == "datetime64[us, UTC]"
    assert list(frame["review_id"]) == [d.id for d in truth]
    assert list(frame["business_unit_id"]) == [d.business_unit_id for d in truth]
    expected_ms = [d.deleted_ms for d in truth]
    assert [int(ts.value // 1_000_000) for ts in frame["deleted_at"]] == expected_ms


def test_default_page_size_is_one_request(emulator: EmulatorServer, tp: Client) -> None:
    before = _count(emulator, "/consumers/deletions")
    frame = tp.deleted_consumers()
    assert _count(emulator, "/consumers/deletions") - before == 1
    assert list(frame["consumer_id"]) == [d.id for d in emulator.dataset.deletions.all(CONSUMER)]
    assert list(frame.columns) == list(DELETED_CONSUMER_SCHEMA.names)


def test_since_until_bound_the_list(emulator: EmulatorServer, tp: Client) -> None:
    truth = emulator.dataset.deletions.all(REVIEW)
    middle = pd.Timestamp(truth[len(truth) // 2].deleted_ms, unit="ms", tz="UTC").ceil("s")
    newer = tp.deleted_reviews(since=middle)
    older = tp.deleted_reviews(until=middle)
    assert len(newer) + len(older) == len(truth)
    assert (newer["deleted_at"] >= middle).all()
    assert (older["deleted_at"] < middle).all()
    assert len(newer) == sum(1 for d in truth if d.deleted_ms >= middle.value // 1_000_000)


def test_next_token_continues_a_walk_and_raw_gives_the_json(
    emulator: EmulatorServer, tp: Client
) -> None:
    first = tp.connection.get_json("/reviews/deletions", {"limit": "10"}, list_key="reviews")
    rest = tp.deleted_reviews(next_token=first["nextToken"], raw=True)
    truth = [d.json() for d in emulator.dataset.deletions.all(REVIEW)]
    assert first["reviews"] + rest == truth


def test_either_item_field_name_is_read() -> None:
    reviews = deleted_review_frame(
        {
            "reviews": [
                {"id": "a" * 24, "deletedAt": "2025-04-30T14:32:17.235Z"},
                {"reviewId": "b" * 24, "deletedAt": "2025-04-30T14:32:18Z"},
            ]
        }
    )
    assert list(reviews["review_id"]) == ["a" * 24, "b" * 24]
    assert reviews["business_unit_id"].isna().all()
    consumers = deleted_consumer_frame(
        {
            "consumers": [
                {"id": "c" * 24, "deletedAt": "2025-04-30T14:32:17.235Z"},
                {"consumerId": "d" * 24, "deletedAt": None},
            ]
        }
    )
    assert list(consumers["consumer_id"]) == ["c" * 24, "d" * 24]
    assert consumers["deleted_at"].iloc[0] == pd.Timestamp("2025-04-30T14:32:17.235Z")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"since": "2025-05-02", "until": "2025-05-01"}, "must be before until"),
        ({"since": "yesterday"}, "since must be"),
        ({"limit": 0}, "limit must be an integer from 1 to 1000"),
        ({"limit": 5000}, "limit must be an integer from 1 to 1000"),
        ({"limit": "100"}, "limit must be an integer from 1 to 1000"),
        ({"next_token": "not base64!"}, "next_token must be"),
        ({"next_token": ""}, "next_token must be"),
        ({"next_token": 12}, "next_token must be"),
        ({"raw": "yes"}, "raw must be"),
        ({"progress": "no"}, "progress must be"),
    ],
)
@pytest.mark.parametrize("method", ["deleted_reviews", "deleted_consumers"])
def test_bad_input_is_a_config_error_before_any_request(
    emulator: EmulatorServer, tp: Client, method: str, kwargs: dict[str, Any], words: str
) -> None:
    before = api_requests(emulator)
    with pytest.raises(ConfigError, match=words):
        getattr(tp, method)(**kwargs)
    assert api_requests(emulator) == before
