"""CORS on GET (documented: "enabled for Get requests") and links behind a TLS proxy."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from kit.emulator_http import Api, biggest_unit

ORIGIN = {"Origin": "https://app.example"}


def test_get_answers_allow_any_origin(api: Api) -> None:
    ok = api.get("/categories", headers=ORIGIN)
    assert ok.status_code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    error = api.get("/reviews/" + "0" * 24, headers=ORIGIN)
    assert error.status_code == 404
    assert error.headers["Access-Control-Allow-Origin"] == "*"  # a browser may read the error


def test_a_write_carries_no_cors_header(api: Api) -> None:
    resp = api.http.post(
        api.server.api_url + "/consumers/profile/bulk",
        json={"consumerIds": []},
        headers={"apikey": api.key, **ORIGIN},
        timeout=30,
    )
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_preflight_for_get_needs_no_apikey(api: Api) -> None:
    unit = biggest_unit(api)["id"]
    resp = requests.options(
        f"{api.server.api_url}/business-units/{unit}/reviews",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "apikey",
        },
        timeout=30,
    )
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in resp.headers["Access-Control-Allow-Methods"]
    assert "apikey" in resp.headers["Access-Control-Allow-Headers"].lower()


def test_preflight_for_a_write_is_not_allowed(api: Api) -> None:
    resp = requests.options(
        api.server.api_url + "/consumers/profile/bulk",
        headers={**ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert resp.status_code == 204
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_links_follow_the_forwarded_host_and_scheme(api: Api) -> None:
    unit = biggest_unit(api)["id"]
    forwarded = {"X-Forwarded-Host": "tp.proxy.example", "X-Forwarded-Proto": "https"}
    body = api.get(
        f"/business-units/{unit}/reviews", params={"perPage": 2}, headers=forwarded
    ).json()
    next_page = next(link["href"] for link in body["links"] if link["rel"] == "next-page")
    parts = urlsplit(next_page)
    assert (parts.scheme, parts.netloc) == ("https", "tp.proxy.example")
    assert parts.path == f"/v1/business-units/{unit}/reviews"
    review_link = body["reviews"][0]["links"][0]["href"]
    assert review_link.startswith("https://tp.proxy.example/v1/")
    direct = api.json(f"/business-units/{unit}/reviews", perPage=2)
    direct_next = next(link["href"] for link in direct["links"] if link["rel"] == "next-page")
    assert direct_next.startswith(api.server.url)  # without the headers: the server's own URL
