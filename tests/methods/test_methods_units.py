"""Business-unit and category methods against the emulator; expectations from its own data."""

from __future__ import annotations

from typing import Any

import pytest
from kit.server import api_requests, domain_of
from kit.truth import same_schema

from tpnb import frames
from tpnb.client import Client
from tpnb.errors import ConfigError, NotFoundError


def test_find_and_get(tp: Client, emulator: Any) -> None:
    bu = emulator.dataset.business_unit_ids()[0]
    expected = emulator.dataset.business_unit_json(bu, emulator.api_url)
    domain = domain_of(emulator, bu)
    found = tp.find_business_unit(domain.upper())
    by_id = tp.business_unit(bu)
    by_domain = tp.business_unit("https://" + domain + "/")
    for df in (found, by_id, by_domain):
        assert df["id"].tolist() == [bu]
        assert df["number_of_reviews"].tolist() == [expected["numberOfReviews"]["total"]]
        assert df["trust_score"].tolist() == [expected["score"]["trustScore"]]
        same_schema(df, frames.business_unit_frame([]))
    assert tp.business_unit(bu, raw=True)["id"] == bu


def test_domain_resolution_is_cached(tp: Client, emulator: Any) -> None:
    bu = emulator.dataset.business_unit_ids()[1]
    domain = domain_of(emulator, bu)
    tp.business_unit_profile(domain)
    before = emulator.admin.requests
    tp.business_unit_profile(domain)
    tp.web_links(domain, "en-GB")
    after = emulator.admin.requests[len(before) :]
    assert not [p for _, p in after if p.endswith("/business-units/find")]


def test_unknown_domain(tp: Client) -> None:
    with pytest.raises(NotFoundError, match=r"nowhere-at-all\.example"):
        tp.find_business_unit("nowhere-at-all.example")
    with pytest.raises(NotFoundError, match=r"nowhere-at-all\.example"):
        tp.business_unit_profile("nowhere-at-all.example")


def test_all_units_and_country(tp: Client, emulator: Any) -> None:
    ds = emulator.dataset
    df = tp.business_units(progress=False)
    assert df["id"].tolist() == ds.business_unit_ids()
    country = str(df["country"].iloc[0])
    only = tp.business_units(country=country.lower(), progress=False)
    assert only["id"].tolist() == ds.business_unit_ids([country])
    assert len(tp.business_units(limit=3, progress=False)) == 3


def test_search(tp: Client, emulator: Any) -> None:
    bu = emulator.dataset.business_unit_ids()[2]
    word = domain_of(emulator, bu).split(".")[0].split("-")[0]
    df = tp.search_business_units(word, progress=False)
    assert df["id"].tolist() == emulator.dataset.search_business_units(word)
    assert bu in set(df["id"])


def test_profile_categories_links(tp: Client, emulator: Any) -> None:
    ds = emulator.dataset
    bu = ds.business_unit_ids()[0]
    profile = tp.business_unit_profile(bu)
    assert len(profile) == 1
    assert profile["business_unit_id"].tolist() == [bu]
    cats = tp.business_unit_categories(bu)
    expected = ds.business_unit_categories_json(bu)["categories"]
    assert len(cats) == len(expected)
    links = tp.web_links(bu, "da-DK")
    assert len(links) == 1


def test_categories_and_their_units(tp: Client, emulator: Any) -> None:
    ds = emulator.dataset
    top = tp.categories()
    assert len(top) == len(ds.categories_json()["categories"])
    for cat in top["category_id"]:
        ids = ds.category_business_unit_ids(cat, None)
        if ids:
            df = tp.category_business_units(cat, progress=False)
            assert df["id"].tolist() == ids
            break
    else:
        pytest.fail("no category with business units")
    with pytest.raises(NotFoundError):
        tp.category_business_units("no_such_category", progress=False)


def test_bad_input_before_any_request(tp: Client, emulator: Any) -> None:
    before = api_requests(emulator)
    for call in (
        lambda: tp.find_business_unit("not a domain"),
        lambda: tp.business_unit("12345"),
        lambda: tp.business_units(country="Denmark"),
        lambda: tp.web_links("a" * 24, "english"),
        lambda: tp.search_business_units(""),
        lambda: tp.business_units(limit=-3),
    ):
        with pytest.raises(ConfigError):
            call()
    assert api_requests(emulator) == before
