"""Public review lists over HTTP: filters, ordering, pagination walks, links, cap, pageTokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from kit.emulator_http import Api, biggest_unit, make_api

from tpnb.emulator import EmulatorServer


def _links(body: dict[str, Any]) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in body["links"]}


def walk(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    """Follow next-page links from page 1; returns every review seen."""
    body = api.json(path, **params)
    seen = list(body["reviews"])
    while "next-page" in _links(body):
        resp = api.http.get(_links(body)["next-page"], headers={"apikey": api.key}, timeout=30)
        assert resp.status_code == 200
        body = resp.json()
        assert body["reviews"], "a next-page link must lead to a non-empty page"
        seen.extend(body["reviews"])
    return seen


@pytest.fixture(scope="module")
def unit(emulator: EmulatorServer) -> dict[str, Any]:
    for api in make_api(emulator):
        return biggest_unit(api)
    raise AssertionError("unreachable")


def test_walk_reaches_every_review_exactly_once(api: Api, unit: dict[str, Any]) -> None:
    reviews = walk(api, f"/business-units/{unit['id']}/reviews", perPage=100)
    ids = [r["id"] for r in reviews]
    assert len(ids) == len(set(ids))
    expected = api.server.dataset.query_reviews(business_unit_id=unit["id"])
    assert len(ids) == len(expected)
    assert len(ids) == unit["numberOfReviews"]["total"] - _reported_count(api, unit["id"])


def _reported_count(api: Api, bu_id: str) -> int:
    ds = api.server.dataset
    everything = ds.query_reviews(business_unit_id=bu_id, include_reported=True)
    visible = ds.query_reviews(business_unit_id=bu_id)
    return len(everything) - len(visible)


def test_default_order_is_newest_first(api: Api, unit: dict[str, Any]) -> None:
    reviews = api.json(f"/business-units/{unit['id']}/reviews", perPage=100)["reviews"]
    created = [r["createdAt"] for r in reviews]
    assert created == sorted(created, reverse=True)
    assert len(reviews) == min(100, unit["numberOfReviews"]["total"])


@pytest.mark.parametrize(
    ("order_by", "key", "reverse"),
    [
        ("createdat.asc", lambda r: r["createdAt"], False),
        ("stars.desc", lambda r: r["stars"], True),
        ("stars.asc", lambda r: r["stars"], False),
    ],
)
def test_order_by(
    api: Api, unit: dict[str, Any], order_by: str, key: Callable[..., Any], reverse: bool
) -> None:
    reviews = api.json(f"/business-units/{unit['id']}/reviews", perPage=100, orderBy=order_by)[
        "reviews"
    ]
    values = [key(r) for r in reviews]
    assert values == sorted(values, reverse=reverse)


def test_order_by_several_keys(api: Api, unit: dict[str, Any]) -> None:
    reviews = walk(
        api,
        f"/business-units/{unit['id']}/reviews",
        perPage=100,
        orderBy="stars.desc,createdat.asc",
    )
    pairs = [(-r["stars"], r["createdAt"]) for r in reviews]
    assert pairs == sorted(pairs)


@pytest.mark.parametrize("stars", ["5", "1,2", "3,4,5"])
def test_stars_filter(api: Api, unit: dict[str, Any], stars: str) -> None:
    wanted = {int(s) for s in stars.split(",")}
    reviews = walk(api, f"/business-units/{unit['id']}/reviews", perPage=100, stars=stars)
    assert reviews
    assert {r["stars"] for r in reviews} <= wanted
    counts = unit["numberOfReviews"]
    names = {1: "oneStar", 2: "twoStars", 3: "threeStars", 4: "fourStars", 5: "fiveStars"}
    assert len(reviews) <= sum(counts[names[s]] for s in wanted)


def test_repeated_stars_keys_equal_comma_list(api: Api, unit: dict[str, Any]) -> None:
    path = f"{api.server.api_url}/business-units/{unit['id']}/reviews"
    a = api.http.get(path + "?stars=4&stars=5", headers={"apikey": api.key}, timeout=30).json()
    b = api.json(f"/business-units/{unit['id']}/reviews", stars="4,5")
    assert a["reviews"] == b["reviews"]


def test_language_filter(api: Api, unit: dict[str, Any]) -> None:
    first = api.json(f"/business-units/{unit['id']}/reviews", perPage=100)["reviews"]
    language = first[0]["language"]
    reviews = walk(api, f"/business-units/{unit['id']}/reviews", perPage=100, language=language)
    assert reviews
    assert {r["language"] for r in reviews} == {language}


def test_responded_filter(api: Api, unit: dict[str, Any]) -> None:
    path = f"/business-units/{unit['id']}/reviews"
    yes = walk(api, path, perPage=100, responded="true")
    no = walk(api, path, perPage=100, responded="false")
    assert all(r["companyReply"] is not None for r in yes)
    assert all(r["companyReply"] is None for r in no)
    assert len(yes) + len(no) == len(walk(api, path, perPage=100))


def test_include_reported_reviews(api: Api) -> None:
    ds = api.server.dataset
    for bu_id in ds.business_unit_ids():
        if _reported_count(api, bu_id):
            break
    else:
        pytest.fail("the seeded data set has a unit with reported reviews")
    path = f"/business-units/{bu_id}/reviews"
    hidden = walk(api, path, perPage=100)
    shown = walk(api, path, perPage=100, includeReportedReviews="true")
    assert len(shown) - len(hidden) == _reported_count(api, bu_id)


def test_tag_filter(api: Api, unit: dict[str, Any]) -> None:
    ds = api.server.dataset
    rows = ds.query_reviews(business_unit_id=unit["id"])
    tagged = next(
        (ds.review_json(int(r), api.server.api_url, private=True) for r in rows[:2000]
         if ds.review_json(int(r), api.server.api_url, private=True)["tags"]),
        None,
    )  # fmt: skip
    assert tagged is not None, "the seeded data set has tagged reviews in this unit"
    tag = tagged["tags"][0]
    reviews = walk(
        api, f"/business-units/{unit['id']}/reviews", perPage=100,
        tagGroup=tag["group"], tagValue=tag["value"],
    )  # fmt: skip
    assert tagged["id"] in {r["id"] for r in reviews}
    for review in reviews:
        row = ds.review_row(review["id"])
        assert row is not None
        private = ds.review_json(row, api.server.api_url, private=True)
        assert tag in private["tags"]


def test_location_filter(api: Api) -> None:
    ds = api.server.dataset
    unit_id = next((u for u in ds.business_unit_ids() if ds.location_ids(u)), None)
    assert unit_id is not None, "the seeded data set has a unit with locations"
    location = ds.location_ids(unit_id)[0]
    reviews = walk(
        api, f"/business-units/{unit_id}/reviews", perPage=100, internalLocationId=location
    )
    assert reviews
    assert {r["location"]["id"] for r in reviews} == {location}


def test_links_keep_query_and_apikey(emulator: EmulatorServer, unit: dict[str, Any]) -> None:
    key = emulator.credentials["api_key"]
    url = f"{emulator.api_url}/business-units/{unit['id']}/reviews"
    body = requests.get(
        url, params={"apikey": key, "perPage": 3, "page": 2, "stars": "4,5"}, timeout=30
    ).json()
    links = _links(body)
    for rel, page in (("prev-page", "1"), ("next-page", "3")):
        parts = urlsplit(links[rel])
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == url
        assert parse_qs(parts.query) == {
            "apikey": [key], "perPage": ["3"], "page": [page], "stars": ["4,5"],
        }  # fmt: skip
    assert {link["method"] for link in body["links"]} == {"GET"}


def test_first_page_has_no_prev_link_and_last_no_next(api: Api, unit: dict[str, Any]) -> None:
    path = f"/business-units/{unit['id']}/reviews"
    assert "prev-page" not in _links(api.json(path))
    total = len(walk(api, path, perPage=100))
    last_page = -(-total // 100)
    last = api.json(path, perPage=100, page=last_page)
    assert last["reviews"]
    assert "next-page" not in _links(last)


def test_page_past_the_end_is_empty(api: Api, unit: dict[str, Any]) -> None:
    body = api.json(f"/business-units/{unit['id']}/reviews", perPage=100, page=100_000)
    assert body["reviews"] == []
    assert "next-page" not in _links(body)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("perPage", "0"),
        ("perPage", "101"),
        ("perPage", "ten"),
        ("page", "0"),
        ("page", "-1"),
        ("stars", "6"),
        ("stars", "0"),
        ("stars", "4.5"),
        ("orderBy", "rating.desc"),
        ("orderBy", "createdat"),
        ("responded", "maybe"),
        ("language", "english!"),
    ],
)
def test_bad_params_are_400_naming_the_param(
    api: Api, unit: dict[str, Any], param: str, value: str
) -> None:
    resp = api.get(f"/business-units/{unit['id']}/reviews", params={param: value})
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"message", "errorCode", "correlationId"}
    assert param in body["message"]
    assert "Allowed:" in body["message"]


def test_unknown_unit_is_404(api: Api) -> None:
    resp = api.get("/business-units/000000000000000000000000/reviews")
    assert resp.status_code == 404
    assert resp.json()["errorCode"] == 1016


# ---------------------------------------------------------------- 100k cap
@pytest.mark.slow
def test_the_100k_cap(emulator_full: EmulatorServer) -> None:
    for api in make_api(emulator_full):
        unit = biggest_unit(api)
        assert unit["numberOfReviews"]["total"] > 100_000
        path = f"/business-units/{unit['id']}/reviews"
        last = api.json(path, perPage=100, page=1000)
        assert len(last["reviews"]) == 100
        assert "next-page" not in _links(last)
        assert api.json(path, perPage=100, page=1001)["reviews"] == []
        assert api.json(path, perPage=30, page=3334)["reviews"] == []  # 100,020 > 100,000
        assert len(api.json(path, perPage=30, page=3333)["reviews"]) == 30


# ------------------------------------------------------------- all-reviews
def _walk_tokens(api: Api, bu_id: str, per_page: int) -> list[dict[str, Any]]:
    body = api.json(f"/business-units/{bu_id}/all-reviews", perPage=per_page)
    seen = list(body["reviews"])
    while body["nextPageToken"] is not None:
        body = api.json(
            f"/business-units/{bu_id}/all-reviews",
            perPage=per_page,
            pageToken=body["nextPageToken"],
        )
        seen.extend(body["reviews"])
    return seen


def test_all_reviews_walk_every_review_once(api: Api, unit: dict[str, Any]) -> None:
    reviews = _walk_tokens(api, unit["id"], 100)
    ids = [r["id"] for r in reviews]
    assert len(ids) == len(set(ids))
    assert set(ids) == {
        r["id"] for r in walk(api, f"/business-units/{unit['id']}/reviews", perPage=100)
    }
    created = [r["createdAt"] for r in reviews]
    assert created == sorted(created, reverse=True)


def test_all_reviews_stable_when_reviews_arrive(
    make_emulator: Callable[..., EmulatorServer],
) -> None:
    server = make_emulator()
    for api in make_api(server):
        unit = biggest_unit(api)
        path = f"/business-units/{unit['id']}/all-reviews"
        before = {r["id"] for r in _walk_tokens(api, unit["id"], 50)}
        first = api.json(path, perPage=50)
        server.admin.add_review(unit["id"], stars=5, title="New", text="Arrived mid-walk")
        seen = list(first["reviews"])
        body = first
        while body["nextPageToken"] is not None:
            body = api.json(path, perPage=50, pageToken=body["nextPageToken"])
            seen.extend(body["reviews"])
        assert len({r["id"] for r in seen}) == len(seen)  # nothing repeated
        assert {r["id"] for r in seen} == before  # nothing skipped, the new one not mixed in
        assert len(seen) == len(before)


def test_all_reviews_bad_token_is_400(api: Api, unit: dict[str, Any]) -> None:
    resp = api.get(f"/business-units/{unit['id']}/all-reviews", params={"pageToken": "garbage!"})
    assert resp.status_code == 400
    assert "pageToken" in resp.json()["message"]


# --------------------------------------------------------- single reviews
def test_review_by_id_likes_and_web_links(api: Api, unit: dict[str, Any]) -> None:
    review = api.json(f"/business-units/{unit['id']}/reviews")["reviews"][0]
    assert api.json(f"/reviews/{review['id']}") == review
    likes = api.json(f"/reviews/{review['id']}/likes")
    assert isinstance(likes, dict)
    links = api.json(f"/reviews/{review['id']}/web-links", locale="en-US")
    assert links["locale"] == "en-US"
    assert review["id"] in links["reviewUrl"]
    assert api.get(f"/reviews/{review['id']}/web-links").status_code == 400
    assert api.get("/reviews/000000000000000000000000").status_code == 404


def test_latest_reviews(api: Api) -> None:
    body = api.json("/reviews/latest", language="en", count=10)
    assert 0 < len(body["reviews"]) <= 10
    assert {r["language"] for r in body["reviews"]} == {"en"}
    assert api.get("/reviews/latest").status_code == 400
    assert api.get("/reviews/latest", params={"language": "en", "count": "101"}).status_code == 400


# --------------------------------------------------------------- consumers
def test_consumer_endpoints(api: Api, unit: dict[str, Any]) -> None:
    review = api.json(f"/business-units/{unit['id']}/reviews")["reviews"][0]
    consumer_id = review["consumer"]["id"]
    consumer = api.json(f"/consumers/{consumer_id}")
    assert consumer["id"] == consumer_id
    profile = api.json(f"/consumers/{consumer_id}/profile")
    assert profile["id"] == consumer_id
    links = api.json(f"/consumers/{consumer_id}/web-links", locale="da-DK")
    assert links["locale"] == "da-DK"
    reviews = walk(api, f"/consumers/{consumer_id}/reviews", perPage=100)
    assert review["id"] in {r["id"] for r in reviews}
    only_unit = walk(api, f"/consumers/{consumer_id}/reviews", businessUnitId=unit["id"])
    assert {r["businessUnit"]["id"] for r in only_unit} == {unit["id"]}
    assert api.get("/consumers/000000000000000000000000").status_code == 404


def test_consumers_bulk(api: Api, unit: dict[str, Any]) -> None:
    review = api.json(f"/business-units/{unit['id']}/reviews")["reviews"][0]
    consumer_id = review["consumer"]["id"]
    missing = "000000000000000000000000"
    resp = api.http.post(
        api.server.api_url + "/consumers/profile/bulk",
        json={"consumerIds": [consumer_id, missing]},
        headers={"apikey": api.key},
        timeout=30,
    )
    assert resp.status_code == 200
    body = resp.json()
    assert consumer_id in body["consumers"]
    assert body["notFoundConsumerIds"] == [missing]
    wrong_type = api.http.post(
        api.server.api_url + "/consumers/profile/bulk",
        data="consumerIds=x",
        headers={"apikey": api.key, "Content-Type": "text/plain"},
        timeout=30,
    )
    assert wrong_type.status_code == 415
