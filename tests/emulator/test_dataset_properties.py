"""query_reviews agrees with a brute-force filter-and-sort over the rendered private reviews."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpnb.emulator.data.dataset import Dataset, build_dataset

BASE = "http://127.0.0.1:9/v1"
DOMAIN = "moda-milano.example"  # tags, several languages, replies, invited and organic


@pytest.fixture(scope="module")
def world() -> tuple[Dataset, str, list[dict[str, Any]]]:
    ds = build_dataset(scale=0.1)
    bu = ds.find_business_unit(DOMAIN)
    assert bu is not None
    rows = ds.query_reviews(business_unit_id=bu, include_reported=True)
    return ds, bu, [ds.review_json(r, BASE, private=True) for r in rows]


def parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def expected(reviews: list[dict[str, Any]], query: dict[str, Any]) -> list[str]:
    out = []
    for r in reviews:
        if "stars" in query and r["stars"] not in query["stars"]:
            continue
        if "languages" in query and r["language"] not in query["languages"]:
            continue
        if "responded" in query and (r["companyReply"] is not None) != query["responded"]:
            continue
        if not query.get("include_reported") and r["reportData"] is not None:
            continue
        if "start" in query and parse(r["createdAt"]) < query["start"]:
            continue
        if "end" in query and parse(r["createdAt"]) >= query["end"]:
            continue
        if "tag_value" in query and query["tag_value"] not in [t["value"] for t in r["tags"]]:
            continue
        if "source" in query and r["source"] != query["source"]:
            continue
        out.append(r)
    order = query.get("order_by", [("createdat", "desc")])
    tie = next((d for f, d in order if f == "createdat"), "desc")
    out.sort(key=lambda r: (r["createdAt"], r["id"]), reverse=tie == "desc")
    for field, direction in reversed(order):
        key = "createdAt" if field == "createdat" else "stars"
        out.sort(key=lambda r, key=key: r[key], reverse=direction == "desc")  # stable
    return [r["id"] for r in out]


queries = st.fixed_dictionaries(
    {},
    optional={
        "stars": st.sets(st.integers(1, 5), min_size=1),
        "languages": st.sets(st.sampled_from(["it", "en", "fr", "de"]), min_size=1),
        "responded": st.booleans(),
        "include_reported": st.booleans(),
        "start": st.datetimes(datetime(2018, 1, 1), datetime(2026, 11, 1), timezones=st.just(timezone.utc)),
        "end": st.datetimes(datetime(2018, 1, 1), datetime(2026, 11, 1), timezones=st.just(timezone.utc)),
        "tag_value": st.sampled_from(["web", "app", "Black-Friday", "escalated"]),
        "source": st.sampled_from(["Organic", "AFSv2", "InvitationApi"]),
        "order_by": st.lists(
            st.tuples(st.sampled_from(["createdat", "stars"]), st.sampled_from(["asc", "desc"])),
            min_size=1, max_size=2, unique_by=lambda t: t[0],
        ),
    },
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_query_matches_brute_force(
    world: tuple[Dataset, str, list[dict[str, Any]]], query: dict[str, Any]
) -> None:
    ds, bu, reviews = world
    rows = ds.query_reviews(business_unit_id=bu, **query)
    assert [ds.review_json(r, BASE)["id"] for r in rows] == expected(reviews, query)
