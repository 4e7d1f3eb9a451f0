"""The emulator's Deletions API over loopback: seeded history, live deletions, paging, bounds."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
import requests
from kit.emulator_http import Api

from tpnb.emulator import EmulatorServer
from tpnb.emulator.data.dataset import build_dataset
from tpnb.emulator.data.deletions import (
    CONSUMER,
    REVIEW,
    SEEDED_CONSUMER_DELETIONS,
    SEEDED_REVIEW_DELETIONS,
)


def _walk(api: Api, path: str, key: str, **query: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a deletions list, following nextToken; and the number of pages."""
    items: list[dict[str, Any]] = []
    pages = 0
    token: str | None = None
    while True:
        params = dict(query) if token is None else {**query, "nextToken": token}
        data = api.json(path, **params)
        pages += 1
        items += data[key]
        token = data["nextToken"]
        if token is None:
            return items, pages


def test_seeded_history_is_deterministic_and_before_now() -> None:
    one = build_dataset(7, scale=0.01).deletions
    two = build_dataset(7, scale=0.01).deletions
    other = build_dataset(8, scale=0.01).deletions
    assert [d.json() for d in one.all(REVIEW)] == [d.json() for d in two.all(REVIEW)]
    assert [d.id for d in one.all(REVIEW)] != [d.id for d in other.all(REVIEW)]
    assert len(one.all(REVIEW)) == SEEDED_REVIEW_DELETIONS
    assert len(one.all(CONSUMER)) == SEEDED_CONSUMER_DELETIONS


def test_seeded_ids_are_no_live_review_or_consumer(api: Api) -> None:
    ds = api.server.dataset
    for item in ds.deletions.all(REVIEW):
        assert ds.review_row(item.id) is None
        assert item.deleted_ms < ds.now_s * 1000
    for item in ds.deletions.all(CONSUMER):
        assert ds.consumers.find_index(item.id) is None


def test_deletions_is_never_read_as_a_review_or_consumer_id(api: Api) -> None:
    for path in ("/reviews/deletions", "/consumers/deletions"):
        resp = api.get(path)
        assert resp.status_code == 200, resp.text[:200]
        assert "nextToken" in resp.json()


def test_paging_walks_every_seeded_deletion_in_order(api: Api) -> None:
    truth = [d.json() for d in api.server.dataset.deletions.all(REVIEW)]
    items, pages = _walk(api, "/reviews/deletions", "reviews", limit=7)
    assert items == truth
    assert pages == -(-len(truth) // 7)
    assert set(items[0]) == {"reviewId", "businessUnitId", "deletedAt"}
    assert items[0]["deletedAt"].endswith("Z")
    assert "." in items[0]["deletedAt"]
    consumers, _ = _walk(api, "/consumers/deletions", "consumers", limit=5)
    assert consumers == [d.json() for d in api.server.dataset.deletions.all(CONSUMER)]
    assert set(consumers[0]) == {"consumerId", "deletedAt"}


def test_default_limit_is_100_and_one_page_holds_all_1000(api: Api) -> None:
    data = api.json("/reviews/deletions", limit=1000)
    assert len(data["reviews"]) == SEEDED_REVIEW_DELETIONS
    assert data["nextToken"] is None
    first = api.json("/reviews/deletions", limit=1)
    assert len(first["reviews"]) == 1
    assert first["nextToken"]


def test_date_bounds_start_inclusive_end_exclusive(api: Api) -> None:
    truth = api.server.dataset.deletions.all(REVIEW)
    middle = truth[len(truth) // 2]
    at = middle.json()["deletedAt"]
    after, _ = _walk(api, "/reviews/deletions", "reviews", startDate=at)
    before, _ = _walk(api, "/reviews/deletions", "reviews", endDate=at)
    assert after[0]["reviewId"] == middle.id
    assert len(after) + len(before) == len(truth)
    assert all(item["deletedAt"] < at for item in before)
    day = at[:10]
    whole_day, _ = _walk(api, "/reviews/deletions", "reviews", startDate=day, endDate=day)
    assert middle.id in {item["reviewId"] for item in whole_day}
    assert all(item["deletedAt"][:10] == day for item in whole_day)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"nextToken": "not base64!"}, "nextToken"),
        ({"nextToken": base64.b64encode(b'{"a": 1}').decode()}, "nextToken"),
        ({"startDate": "yesterday"}, "startDate"),
        ({"startDate": "2025-05-02", "endDate": "2025-05-01"}, "startDate"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    api: Api, query: dict[str, str], parameter: str
) -> None:
    resp = api.get("/reviews/deletions", params=query)
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"message", "errorCode", "correlationId"}  # Trustpilot's error shape
    assert f"'{parameter}'" in body["message"]


def test_live_deletions_are_listed_after_the_history(
    make_emulator: Callable[..., EmulatorServer],
) -> None:
    server = make_emulator()
    ds = server.dataset
    unit = ds.business_unit_ids()[1]
    review_id = ds.review_id(int(ds.query_reviews(business_unit_id=unit)[0]))
    consumer = int(ds.table["consumer"][int(ds.query_reviews(business_unit_id=unit)[-1])])
    consumer_id = ds.consumer_id(consumer)
    own_reviews = [ds.review_id(int(r)) for r in ds.table.consumer_rows(consumer)]
    server.admin.delete_review(review_id)
    deleted_with_profile = server.admin.delete_consumer(consumer_id)
    assert sorted(deleted_with_profile) == sorted(set(own_reviews) - {review_id})
    with requests.Session() as session:
        api = Api(server, session)
        reviews, _ = _walk(api, "/reviews/deletions", "reviews", limit=1000)
        consumers, _ = _walk(api, "/consumers/deletions", "consumers")
        assert api.get(f"/consumers/{consumer_id}").status_code == 404
        assert api.get(f"/reviews/{review_id}").status_code == 404
    live = reviews[SEEDED_REVIEW_DELETIONS:]
    single = next(item for item in live if item["reviewId"] == review_id)
    assert single == {
        "reviewId": review_id,
        "businessUnitId": unit,
        "deletedAt": single["deletedAt"],
    }
    assert all(
        item["deletedAt"] >= reviews[SEEDED_REVIEW_DELETIONS - 1]["deletedAt"] for item in live
    )
    assert {item["reviewId"] for item in live} == {review_id, *deleted_with_profile}
    assert consumers[-1]["consumerId"] == consumer_id
    assert len(consumers) == SEEDED_CONSUMER_DELETIONS + 1
    for review in deleted_with_profile:
        assert ds.review_row(review) is None


def test_admin_http_delete_consumer_and_unknown_consumer(
    make_emulator: Callable[..., EmulatorServer],
) -> None:
    server = make_emulator()
    ds = server.dataset
    consumer_id = ds.consumer_id(int(ds.table["consumer"][0]))
    base = server.api_url.rsplit("/v1", 1)[0]
    resp = requests.delete(f"{base}/_emulator/consumers/{consumer_id}", timeout=30)
    assert resp.status_code == 200
    assert isinstance(resp.json()["reviewIds"], list)
    assert resp.json()["reviewIds"]
    again = requests.delete(f"{base}/_emulator/consumers/{consumer_id}", timeout=30)
    assert again.status_code == 404
