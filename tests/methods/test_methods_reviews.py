"""Public review and consumer methods against the emulator; expectations from its own data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests, domain_of, ids_of, unit_sizes
from kit.truth import same_schema

from tpnb import endpoints, frames
from tpnb.client import Client
from tpnb.errors import ConfigError, NotFoundError, ResponseError


@pytest.fixture(scope="module")
def sizes(emulator: Any) -> dict[str, int]:
    return unit_sizes(emulator)


@pytest.fixture(scope="module")
def mid_unit(sizes: dict[str, int]) -> str:
    """A unit with several pages of reviews, but not the biggest."""
    return sorted((n, bu) for bu, n in sizes.items() if 350 <= n <= 3000)[0][1]


def test_reviews_whole_unit_by_domain(tp: Client, emulator: Any, mid_unit: str) -> None:
    before = api_requests(emulator)
    df = tp.reviews(domain_of(emulator, mid_unit), progress=False)
    spent = api_requests(emulator) - before
    expected = ids_of(emulator, business_unit_id=mid_unit)
    assert df["id"].is_unique
    assert set(df["id"]) == set(expected)
    assert len(df) == len(expected)
    assert df["created_at"].is_monotonic_decreasing
    same_schema(df, frames.review_frame([]))
    pages = -(-len(expected) // 100)
    assert pages <= spent <= pages + 2 + tp.concurrency  # find + unit + read-ahead


def test_reviews_limit_is_newest_first(tp: Client, emulator: Any, mid_unit: str) -> None:
    df = tp.reviews(mid_unit, limit=150, progress=False)
    ds = emulator.dataset
    rows = ds.query_reviews(business_unit_id=mid_unit, order_by=(("createdat", "desc"),))
    newest = sorted(ds.review_created_at(rows), reverse=True)[:150]
    got = (df["created_at"].astype("int64") // 10**6).tolist()
    assert len(df) == 150
    assert got == [int(s) for s in newest]


@pytest.mark.parametrize(
    ("kwargs", "query"),
    [
        ({"stars": 5}, {"stars": {5}}),
        ({"stars": "1,2"}, {"stars": {1, 2}}),
        ({"responded": True}, {"responded": True}),
        ({"responded": False}, {"responded": False}),
        ({"include_reported": True}, {"include_reported": True}),
    ],
)
def test_reviews_filters(
    tp: Client, emulator: Any, mid_unit: str, kwargs: dict[str, Any], query: dict[str, Any]
) -> None:
    df = tp.reviews(mid_unit, progress=False, **kwargs)
    expected = ids_of(emulator, business_unit_id=mid_unit, **query)
    assert sorted(df["id"]) == sorted(expected)


def test_reviews_language_filter(tp: Client, emulator: Any, mid_unit: str) -> None:
    langs = tp.reviews(mid_unit, progress=False)["language"].value_counts()
    lang = str(langs.index[-1])
    df = tp.reviews(mid_unit, language=lang, progress=False)
    assert sorted(df["id"]) == sorted(ids_of(emulator, business_unit_id=mid_unit, languages={lang}))
    assert set(df["language"]) == {lang}


def test_reviews_location_and_tags(tp: Client, emulator: Any, sizes: dict[str, int]) -> None:
    ds = emulator.dataset
    with_locations = [bu for bu in sizes if ds.location_ids(bu) and sizes[bu] > 0]
    assert with_locations, "the data set has units with locations"
    bu = with_locations[0]
    loc = ds.location_ids(bu)[0]
    df = tp.reviews(bu, location=loc, progress=False)
    assert sorted(df["id"]) == sorted(ids_of(emulator, business_unit_id=bu, location_id=loc))
    assert set(df["location_id"].dropna()) <= {loc}


def test_reviews_order_by(tp: Client, emulator: Any, mid_unit: str) -> None:
    df = tp.reviews(mid_unit, order_by="stars.desc", progress=False)
    assert df["stars"].is_monotonic_decreasing
    assert len(df) == len(ids_of(emulator, business_unit_id=mid_unit))
    asc = tp.reviews(mid_unit, order_by="createdat.asc", limit=250, progress=False)
    assert asc["created_at"].is_monotonic_increasing
    oldest = tp.reviews(mid_unit, progress=False)["created_at"].sort_values().iloc[:250]
    assert asc["created_at"].tolist() == oldest.tolist()


def test_reviews_since_until(tp: Client, emulator: Any, mid_unit: str) -> None:
    every = tp.reviews(mid_unit, progress=False)["created_at"].sort_values()
    since, until = every.iloc[len(every) // 3], every.iloc[2 * len(every) // 3]
    for kwargs, start, end in [
        ({"since": since}, since, None),
        ({"until": until}, None, until),
        ({"since": since, "until": until}, since, until),
        ({"since": since.tz_localize(None).isoformat()}, since, None),  # naive string = UTC
    ]:
        df = tp.reviews(mid_unit, progress=False, **kwargs)
        expected = ids_of(
            emulator,
            business_unit_id=mid_unit,
            start=None if start is None else start.to_pydatetime(),
            end=None if end is None else end.to_pydatetime(),
        )
        assert sorted(df["id"]) == sorted(expected), kwargs


def test_reviews_since_stops_early(tp: Client, emulator: Any, mid_unit: str) -> None:
    newest = tp.reviews(mid_unit, limit=120, progress=False)["created_at"]
    before = api_requests(emulator)
    since = newest.iloc[-1]
    df = tp.reviews(mid_unit, since=since, progress=False)
    assert api_requests(emulator) - before <= 3
    expected = ids_of(emulator, business_unit_id=mid_unit, start=since.to_pydatetime())
    assert len(expected) >= 120
    assert sorted(df["id"]) == sorted(expected)


def test_a_malformed_answer_is_a_response_error(
    emulator: Any, tmp_path: Path, mid_unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the emulator only serves well-formed data: spoil one field of its real answers
    with client_for(emulator, tmp_path) as client:
        real = client.connection.get_json

        def spoiled(path: str, *args: Any, **kwargs: Any) -> Any:
            data = real(path, *args, **kwargs)
            for review in data.get("reviews", [data]) if isinstance(data, dict) else []:
                if isinstance(review, dict) and "createdAt" in review:
                    review["createdAt"] = "garbage"
            return data

        monkeypatch.setattr(client.connection, "get_json", spoiled)
        review_id = ids_of(emulator, business_unit_id=mid_unit)[0]
        for call in (
            lambda: client.reviews(mid_unit, limit=5, progress=False),
            lambda: client.review(review_id),
        ):
            with pytest.raises(ResponseError, match=r"cannot read.*created_at.*garbage") as info:
                call()
            assert isinstance(info.value.__cause__, ValueError)
            assert not isinstance(info.value, ConfigError)
        assert client.review(review_id, raw=True)["createdAt"] == "garbage"
        with pytest.raises(ConfigError):  # a bad argument is still a ConfigError
            client.reviews(mid_unit, limit=-1)


def test_empty_unit_and_empty_filter(
    tp: Client, emulator: Any, sizes: dict[str, int], mid_unit: str
) -> None:
    empty_units = [bu for bu, n in sizes.items() if n == 0]
    assert empty_units, "the data set has a unit without reviews"
    df = tp.reviews(empty_units[0], progress=False)
    assert df.empty
    same_schema(df, frames.review_frame([]))
    far = tp.reviews(mid_unit, since="2100-01-01", progress=False)
    assert far.empty
    same_schema(far, frames.review_frame([]))
    assert tp.reviews(mid_unit, limit=0).empty
    assert tp.reviews(mid_unit, limit=5, raw=True)[0]["id"]


def test_reviews_added_during_the_walk(
    make_emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make_emulator(scale=0.02)
    sizes = unit_sizes(server)
    bu = max(sizes, key=lambda b: sizes[b])
    before = set(ids_of(server, business_unit_id=bu))
    real = endpoints.list_business_unit_reviews
    added: list[str] = []

    def during(conn: Any, unit: str, **kwargs: Any) -> Any:
        if kwargs.get("page") == 2 and len(added) < 30:
            for i in range(15):
                added.append(
                    server.admin.add_review(
                        bu, stars=1 + i % 5, title="New", text="Arrived mid-walk"
                    )
                )
        return real(conn, unit, **kwargs)

    monkeypatch.setattr(endpoints, "list_business_unit_reviews", during)
    tp = client_for(server, tmp_path, cache_backend="memory")
    try:
        for kwargs in ({}, {"limit": len(before)}, {"stars": [1, 2, 3, 4, 5]}):
            df = tp.reviews(bu, progress=False, **kwargs)
            assert df["id"].is_unique
            got = set(df["id"])
            assert got <= before | set(added)
            if "limit" not in kwargs:
                assert before <= got, kwargs
            else:
                assert len(got) == len(before)
    finally:
        tp.close()


def test_all_reviews_keyset(tp: Client, emulator: Any, mid_unit: str) -> None:
    df = tp.all_reviews(mid_unit, progress=False)
    assert sorted(df["id"]) == sorted(ids_of(emulator, business_unit_id=mid_unit))
    assert df["created_at"].is_monotonic_decreasing


def test_single_review_likes_latest(tp: Client, emulator: Any, mid_unit: str) -> None:
    rid = ids_of(emulator, business_unit_id=mid_unit)[0]
    one = tp.review(rid)
    assert one["id"].tolist() == [rid]
    assert one["business_unit_id"].tolist() == [mid_unit]
    likes = tp.review_likes(rid)
    expected = emulator.dataset.review_likes_json(rid, emulator.api_url)["likes"]
    assert len(likes) == len(expected)
    assert set(likes["review_id"]) <= {rid}
    latest = tp.latest_reviews("en", count=7)
    assert len(latest) == 7
    assert set(latest["language"]) == {"en"}
    with pytest.raises(NotFoundError):
        tp.review("0" * 24)


def test_consumer_and_their_reviews(tp: Client, emulator: Any, mid_unit: str) -> None:
    review = tp.review(ids_of(emulator, business_unit_id=mid_unit)[0])
    cid = review["consumer_id"].iloc[0]
    consumer = tp.consumer(cid)
    assert consumer["id"].tolist() == [cid]
    df = tp.consumer_reviews(cid, progress=False)
    assert sorted(df["id"]) == sorted(ids_of(emulator, consumer_id=cid))
    only = tp.consumer_reviews(cid, business_unit=mid_unit, progress=False)
    assert sorted(only["id"]) == sorted(
        ids_of(emulator, consumer_id=cid, business_unit_id=mid_unit)
    )
    profiles = tp.consumer_profiles([cid])
    assert profiles["id"].tolist() == [cid]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stars": 6}, "stars"),
        ({"stars": [0, 5]}, "stars"),
        ({"language": "english"}, "ISO 639-1"),
        ({"since": "2024-02-01", "until": "2024-01-01"}, "before until"),
        ({"limit": -1}, "limit"),
        ({"order_by": "newest"}, "order_by"),
        ({"since": "not a date"}, "since"),
        ({"location": "nowhere"}, "UUID"),
        ({"progress": "yes"}, "progress"),
    ],
)
def test_bad_input_raises_before_any_request(
    tp: Client, emulator: Any, mid_unit: str, kwargs: dict[str, Any], match: str
) -> None:
    before = api_requests(emulator)
    with pytest.raises(ConfigError, match=match):
        tp.reviews(domain_of(emulator, mid_unit) + ".unknown", **kwargs)
    assert api_requests(emulator) == before


def test_bad_ids_and_unknown_domain(tp: Client, emulator: Any) -> None:
    before = api_requests(emulator)
    for call in (
        lambda: tp.review("123"),
        lambda: tp.review_likes("x" * 24),
        lambda: tp.consumer(""),
    ):
        with pytest.raises(ConfigError):
            call()
    assert api_requests(emulator) == before
    with pytest.raises(NotFoundError, match=r"no-such-shop\.example"):
        tp.reviews("no-such-shop.example")


def test_dtypes_of_a_full_frame(tp: Client, mid_unit: str) -> None:
    df = tp.reviews(mid_unit, limit=300, progress=False)
    assert str(df["stars"].dtype) == "Int8"
    assert isinstance(df["created_at"].dtype, pd.DatetimeTZDtype)
    assert str(df["created_at"].dt.tz) == "UTC"
    assert df["stars"].between(1, 5).all()
