"""Business units, categories and resources over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from kit.emulator_http import Api


@pytest.fixture
def units(api: Api) -> list[dict[str, Any]]:
    return list(api.json("/business-units/all")["businessUnits"])


def test_all_lists_every_unit_including_empty_ones(api: Api, units: list[dict[str, Any]]) -> None:
    assert [u["id"] for u in units] == api.server.dataset.business_unit_ids()
    assert any(u["numberOfReviews"]["total"] == 0 for u in units)


def test_all_cursor_walk(api: Api, units: list[dict[str, Any]]) -> None:
    seen: list[str] = []
    body = api.json("/business-units/all", perPage=4)
    seen += [u["id"] for u in body["businessUnits"]]
    while body["cursor"] is not None:
        body = api.json("/business-units/all", perPage=4, cursor=body["cursor"])
        seen += [u["id"] for u in body["businessUnits"]]
    assert seen == [u["id"] for u in units]
    assert api.get("/business-units/all", params={"perPage": "1001"}).status_code == 400
    assert api.get("/business-units/all", params={"cursor": "%%%"}).status_code == 400


def test_all_country_filter(api: Api, units: list[dict[str, Any]]) -> None:
    country = units[0]["country"]
    only = api.json("/business-units/all", country=country)["businessUnits"]
    assert only
    assert {u["country"] for u in only} == {country}
    assert api.get("/business-units/all", params={"country": "Denmark"}).status_code == 400


def test_find_by_identifying_and_referring_name(api: Api, units: list[dict[str, Any]]) -> None:
    for unit in units:
        found = api.json("/business-units/find", name=unit["name"]["identifying"])
        assert found["id"] == unit["id"]
        for referring in unit["name"]["referring"]:
            assert api.json("/business-units/find", name=referring.upper())["id"] == unit["id"]
    assert api.get("/business-units/find", params={"name": "nobody.example"}).status_code == 404
    missing = api.get("/business-units/find")
    assert missing.status_code == 400
    assert "name" in missing.json()["message"]


def test_get_equals_find(api: Api, units: list[dict[str, Any]]) -> None:
    unit = units[0]
    assert api.json(f"/business-units/{unit['id']}") == unit
    assert api.get("/business-units/000000000000000000000000").status_code == 404


def test_search(api: Api, units: list[dict[str, Any]]) -> None:
    target = units[0]
    word = target["displayName"].split()[0]
    body = api.json("/business-units/search", query=word)
    assert target["id"] in [u["id"] for u in body["businessUnits"]]
    assert isinstance(body["links"], list)
    assert api.get("/business-units/search").status_code == 400
    assert api.json("/business-units/search", query="zzzzqqqq")["businessUnits"] == []
    assert (
        api.get("/business-units/search", params={"query": word, "perpage": "0"}).status_code == 400
    )


def test_profile_web_links_categories_images(api: Api, units: list[dict[str, Any]]) -> None:
    bu_id = units[0]["id"]
    profile = api.json(f"/business-units/{bu_id}/profileinfo")
    assert isinstance(profile, dict)
    assert profile
    links = api.json(f"/business-units/{bu_id}/web-links", locale="en-US")
    assert isinstance(links, dict)
    assert links
    bad_locale = api.get(f"/business-units/{bu_id}/web-links")
    assert bad_locale.status_code == 400
    assert "locale" in bad_locale.json()["message"]
    cats = api.json(f"/business-units/{bu_id}/categories")
    assert cats["categories"]
    images = api.json(f"/business-units/{bu_id}/images")
    assert isinstance(images, dict)
    for suffix in ("profileinfo", "images", "categories"):
        assert api.get(f"/business-units/000000000000000000000000/{suffix}").status_code == 404


def test_categories(api: Api, units: list[dict[str, Any]]) -> None:
    top = api.json("/categories")["categories"]
    assert top
    assert set(top[0]) >= {"categoryId", "displayName", "name"}
    cat_id = api.json(f"/business-units/{units[0]['id']}/categories")["categories"][0]["categoryId"]
    one = api.json(f"/categories/{cat_id}")
    assert one["categoryId"] == cat_id
    members = api.json(f"/categories/{cat_id}/business-units", perPage=100)
    assert units[0]["id"] in [u["id"] for u in members["businessUnits"]]
    assert api.get("/categories/no_such_category").status_code == 404
    assert api.get("/categories/no_such_category/business-units").status_code == 404


@pytest.mark.parametrize("stars", ["0", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"])
def test_star_resources(api: Api, stars: str) -> None:
    images = api.json(f"/resources/images/stars/{stars}")
    assert set(images) == {"stars", "star128x24", "star256x48", "star512x96", "starSvg"}
    assert set(images["starSvg"]) == {"url", "width", "height"}
    label = api.json(f"/resources/strings/stars/{stars}", locale="en-GB")
    assert label["locale"] == "en-GB"
    assert isinstance(label["string"], str)
    assert label["string"]


def test_bad_star_value_is_400(api: Api) -> None:
    assert api.get("/resources/images/stars/6").status_code == 400
    assert api.get("/resources/strings/stars/3.7").status_code == 400


def test_other_resources(api: Api) -> None:
    assert api.json("/resources/images")["links"]
    assert api.json("/resources/images/logos")
    assert api.json("/resources/images/icons")["image230x230"]["url"]
    locales = api.json("/resources/metadata/locales")
    assert {"locale", "language", "countryId"} <= set(locales["locales"][0])
    assert locales["defaultLocale"]["locale"] == "en-US"
    countries = api.json("/resources/metadata/countries", locale="en-US")["countries"]
    assert {"countryId", "country", "englishName", "locale", "translatedName"} == set(countries[0])
