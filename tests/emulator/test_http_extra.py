"""The smaller public routes over HTTP: unit images and promotions, signup, display names, edge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from kit.emulator_http import Api, make_api

from tpnb.emulator import EmulatorServer


def _units_with_locations(api: Api) -> list[str]:
    ds = api.server.dataset
    return [bu for bu in ds.business_unit_ids() if ds.location_ids(bu)]


@pytest.mark.parametrize(
    ("kind", "field"),
    [("logo", "logoImage"), ("header", "headerImage"), ("promotion-box", "promotionBoxImage")],
)
def test_unit_images_agree_with_the_images_resource(api: Api, kind: str, field: str) -> None:
    for bu_id in api.server.dataset.business_unit_ids():
        resp = api.get(f"/business-units/{bu_id}/images/{kind}")
        assert resp.status_code == 200
        assert resp.headers["Cache-Control"].startswith("public, max-age=")
        assert "ETag" in resp.headers
        body = resp.json()
        assert body["image"] == api.json(f"/business-units/{bu_id}/images")[field]
        assert body["links"][0]["rel"] == "self"
        assert body["links"][0]["href"].endswith(f"/business-units/{bu_id}/images/{kind}")


def test_location_logo(api: Api) -> None:
    bu_id = _units_with_locations(api)[0]
    location = api.server.dataset.location_ids(bu_id)[0]
    body = api.json(f"/business-units/{bu_id}/images/logo", locationId=location)
    plain = api.json(f"/business-units/{bu_id}/images/logo")["image"]
    assert f"/locations/{location}/" in body["image"]["url"]
    assert (body["image"]["width"], body["image"]["height"]) == (plain["width"], plain["height"])
    other = next(
        loc
        for bu in _units_with_locations(api)
        if bu != bu_id
        for loc in api.server.dataset.location_ids(bu)
    )
    wrong = api.get(f"/business-units/{bu_id}/images/logo", params={"locationId": other})
    assert wrong.status_code == 404


@pytest.mark.parametrize("path", ["customerguarantee", "profilepromotion", "promotion-box"])
def test_promotions_follow_the_subscription(api: Api, path: str) -> None:
    statuses = set()
    for bu_id in api.server.dataset.business_unit_ids():
        body = api.json(f"/business-units/{bu_id}/{path}")
        subscriber = api.json(f"/business-units/{bu_id}/profileinfo")["isSubscriber"]
        assert body["isActive"] is subscriber
        texts = [v for k, v in body.items() if k not in ("links", "isActive")]
        if subscriber:
            assert all(isinstance(t, str) and t for t in texts)
        else:
            assert all(t is None for t in texts)  # null for empty values, never omitted
        statuses.add(subscriber)
    assert statuses == {True, False}  # the data set has both kinds


@pytest.mark.parametrize(
    "path",
    [
        "images/logo",
        "images/header",
        "images/promotion-box",
        "customerguarantee",
        "profilepromotion",
        "promotion-box",
    ],
)
def test_unknown_unit_is_404(api: Api, path: str) -> None:
    assert api.get(f"/business-units/{'0' * 24}/{path}").status_code == 404


def test_domain_availability(api: Api) -> None:
    ds = api.server.dataset
    unit = ds.business_unit_json(ds.business_unit_ids()[0], api.server.api_url)
    assert unit is not None
    domain = unit["name"]["identifying"]
    path = "/business-signup/domain-availability"
    for taken in (domain, f"www.{domain}", f"https://{domain.upper()}/"):
        assert api.json(path, domain=taken) == {"domainIsAvailable": False}
    assert api.json(path, domain="no-such-shop.example") == {"domainIsAvailable": True}
    keyless = requests.get(api.server.api_url + path, params={"domain": domain}, timeout=30)
    assert keyless.status_code == 200  # BRUNO: auth none
    for bad in ({}, {"domain": "not a domain"}):
        resp = api.get(path, params=bad)
        assert resp.status_code == 400
        assert "domain" in resp.json()["message"]


@pytest.fixture
def own(make_emulator: Callable[..., EmulatorServer]) -> Iterator[Api]:
    """A private small emulator (these tests write)."""
    yield from make_api(make_emulator(scale=0.01))


def _post(api: Api, path: str, body: Any) -> requests.Response:
    headers = {"apikey": api.key}
    return api.http.post(api.server.api_url + path, json=body, headers=headers, timeout=30)


def test_display_names(own: Api) -> None:
    validate, create = (
        "/consumers/profile/displayname/validate",
        "/consumers/profile/displayname/create",
    )
    ok = _post(own, validate, {"displayName": "  Cool Name "})
    assert ok.status_code == 200
    assert ok.json() == {"displayName": "Cool Name", "isValid": True, "errors": []}
    made = _post(own, create, {"displayName": "Cool Name"})
    assert made.status_code == 201
    assert made.json() == {"displayName": "Cool Name"}
    again = _post(own, validate, {"displayName": "COOL NAME"}).json()
    assert again["isValid"] is False
    assert again["errors"] == ["is already taken"]
    taken = _post(own, create, {"displayName": "cool name"})
    assert taken.status_code == 400
    assert "is already taken" in taken.json()["message"]
    for bad in ("x", "y" * 41, "no <tags>"):
        resp = _post(own, create, {"displayName": bad})
        assert resp.status_code == 400
        assert "displayName" in resp.json()["message"]
        assert _post(own, validate, {"displayName": bad}).json()["isValid"] is False
    assert _post(own, create, {"displayName": 7}).status_code == 400
    text = own.http.post(
        own.server.api_url + create,
        data="displayName=x",
        headers={"apikey": own.key, "Content-Type": "text/plain"},
        timeout=30,
    )
    assert text.status_code == 415


def test_other_base_urls_are_404(api: Api) -> None:
    for path in ("/v2/business-units/find?name=x", "/api/v1/reviews/latest", "/"):
        resp = requests.get(api.server.url + path, timeout=30)  # no apikey: still 404
        assert resp.status_code == 404


def test_cloudfront_mode_is_the_default(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator(scale=0.01)
    bu_id = server.dataset.business_unit_ids()[0]
    url = f"{server.api_url}/business-units/{bu_id}"
    missing = requests.get(url, timeout=30)
    assert missing.status_code == 403
    assert missing.headers["Content-Type"].startswith("text/html")
    assert missing.headers["X-Cache"] == "Error from cloudfront"
    assert "cloudfront" in missing.headers["Via"].lower()
    assert missing.headers["X-Amz-Cf-Id"] in missing.text
    ok = requests.get(url, headers={"apikey": server.credentials["api_key"]}, timeout=30)
    assert ok.status_code == 200
    assert ok.headers["X-Cache"] == "Miss from cloudfront"
    wrong = requests.get(url, headers={"apikey": "nope"}, timeout=30)
    assert wrong.status_code == 401  # a wrong key still reaches the gateway
    assert "fault" in wrong.json()
    keyless = requests.get(server.api_url + "/resources/images/stars/4", timeout=30)
    assert keyless.status_code == 200


def test_cloudfront_mode_can_be_turned_off(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator(scale=0.01, cloudfront_mode=False)
    resp = requests.get(server.api_url + "/business-units/find?name=x", timeout=30)
    assert resp.status_code == 401
    assert "X-Cache" not in resp.headers


def test_find_reviewer_body_is_validated(own: Api) -> None:
    token = own.access_token()
    ds = own.server.dataset
    user = ds.user_by_username(own.server.credentials["username"])
    assert user is not None
    row = ds.query_reviews(business_unit_id=sorted(user.business_unit_ids)[0])[0]
    path = f"/private/reviews/{ds.review_id(int(row))}/find-reviewer"
    body = {"message": None, "skipNotificationEmailToBusinessUser": False}  # the BRUNO body
    assert own.private("POST", path, token, json=body).status_code == 201
    bad = own.private("POST", path, token, json={"skipNotificationEmailToBusinessUser": "no"})
    assert bad.status_code == 400
    assert "skipNotificationEmailToBusinessUser" in bad.json()["message"]
