"""HTTP behaviour: cache headers and 304, JSONP, rate limits, concurrency, field types, 404s."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from kit.emulator_http import Api, biggest_unit, demo_unit, make_api

from tpnb.emulator import EmulatorServer
from tpnb.emulator.options import DEFAULT_MAX_AGE

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
HEX24 = re.compile(r"^[0-9a-f]{24}$")

# field -> allowed JSON types (None = null allowed), from docs/trustpilot-api.md §3.1/§3.2
BU_FIELDS: dict[str, tuple[type | None, ...]] = {
    "links": (list,), "id": (str,), "displayName": (str,), "name": (dict,),
    "websiteUrl": (str, None), "country": (str,), "numberOfReviews": (dict,), "status": (str,),
    "score": (dict,), "badFit": (bool,),
}  # fmt: skip
REVIEW_FIELDS: dict[str, tuple[type | None, ...]] = {
    "id": (str,), "stars": (int,), "title": (str,), "text": (str,), "language": (str,),
    "createdAt": (str,), "experiencedAt": (str, None), "updatedAt": (str, None),
    "numberOfLikes": (int,), "isVerified": (bool,), "status": (str,),
    "companyReply": (dict, None), "consumer": (dict,), "businessUnit": (dict,),
    "location": (dict, None), "countsTowardsTrustScore": (bool,),
    "countsTowardsLocationTrustScore": (bool, None), "links": (list,),
    "reportData": (dict, None), "complianceLabels": (list,), "invitation": (dict, None),
    "businessUnitHistory": (list,), "reviewVerificationLevel": (str, None),
}  # fmt: skip


def _check_types(obj: dict[str, Any], spec: dict[str, tuple[type | None, ...]]) -> None:
    for field, types in spec.items():
        assert field in obj, f"missing {field}"
        value = obj[field]
        if value is None:
            assert None in types, f"{field} is null"
        else:
            allowed = tuple(t for t in types if t is not None)
            assert isinstance(value, allowed), f"{field}: {type(value).__name__}"
            is_sneaky_bool = isinstance(value, bool) and bool not in allowed
            assert not is_sneaky_bool, f"{field}: bool where {allowed} expected"


def test_business_unit_fields_and_types(api: Api) -> None:
    for unit in api.json("/business-units/all")["businessUnits"]:
        _check_types(unit, BU_FIELDS)
        assert HEX24.match(unit["id"])
        counts = unit["numberOfReviews"]
        keys = ("total", "usedForTrustScoreCalculation", "oneStar", "twoStars", "threeStars",
                "fourStars", "fiveStars")  # fmt: skip
        assert all(isinstance(counts[k], int) for k in keys)
        assert counts["total"] >= counts["usedForTrustScoreCalculation"]
        assert isinstance(unit["score"]["trustScore"], (int, float))
        assert isinstance(unit["score"]["stars"], (int, float))
        assert set(unit["name"]) >= {"identifying", "referring"}


def test_review_fields_and_types(api: Api) -> None:
    unit = biggest_unit(api)
    reviews = api.json(f"/business-units/{unit['id']}/reviews", perPage=100)["reviews"]
    for review in reviews:
        _check_types(review, REVIEW_FIELDS)
        assert HEX24.match(review["id"])
        assert 1 <= review["stars"] <= 5
        assert TIMESTAMP.match(review["createdAt"])
        for key in ("experiencedAt", "updatedAt"):
            assert review[key] is None or TIMESTAMP.match(review[key])
        if review["companyReply"] is not None:
            assert set(review["companyReply"]) >= {"text", "createdAt", "updatedAt"}
            assert TIMESTAMP.match(review["companyReply"]["createdAt"])
        for link in review["links"]:
            assert set(link) == {"href", "method", "rel"}


# ------------------------------------------------------------------ caching
def test_public_get_has_cache_control_and_strong_etag(api: Api) -> None:
    unit = biggest_unit(api)
    resp = api.get(f"/business-units/{unit['id']}")
    assert resp.headers["Cache-Control"] == f"public, max-age={DEFAULT_MAX_AGE['business-unit']}"
    etag = resp.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert "Authorization" not in resp.headers.get("Vary", "")
    again = api.get(f"/business-units/{unit['id']}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    other = api.get(f"/business-units/{unit['id']}", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/business-units/{id}/reviews", "review-list"),
        ("/business-units/{id}/profileinfo", "business-unit-static"),
        ("/categories", "categories"),
        ("/resources/metadata/locales", "resources"),
    ],
)
def test_max_age_per_resource(api: Api, path: str, kind: str) -> None:
    unit = biggest_unit(api)
    resp = api.get(path.format(id=unit["id"]))
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == f"public, max-age={DEFAULT_MAX_AGE[kind]}"


def test_etag_changes_when_data_changes(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator()
    for api in make_api(server):
        unit = biggest_unit(api)
        path = f"/business-units/{unit['id']}/reviews"
        etag = api.get(path).headers["ETag"]
        server.admin.add_review(unit["id"], stars=1, title="Bad", text="Very bad")
        resp = api.get(path, headers={"If-None-Match": etag})
        assert resp.status_code == 200
        assert resp.headers["ETag"] != etag


def test_errors_are_not_cacheable(api: Api) -> None:
    resp = api.get("/business-units/000000000000000000000000")
    assert resp.status_code == 404
    assert resp.headers["Cache-Control"] == "no-store"
    assert "ETag" not in resp.headers


# -------------------------------------------------------------------- JSONP
def test_jsonp(api: Api) -> None:
    plain = api.get("/resources/images/stars/4")
    wrapped = api.get("/resources/images/stars/4", params={"callback": "handle.stars"})
    assert wrapped.headers["Content-Type"].startswith("application/javascript")
    text = wrapped.text
    assert text.startswith("/**/handle.stars(")
    assert text.endswith(");")
    assert json.loads(text[len("/**/handle.stars(") : -2]) == plain.json()
    bad = api.get("/resources/images/stars/4", params={"callback": "alert(1)"})
    assert bad.status_code == 400


# ---------------------------------------------------------------------- 404s
UNKNOWN = "0" * 24


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"/business-units/{UNKNOWN}", f"Business unit not found: {UNKNOWN}"),
        (f"/business-units/{UNKNOWN}/reviews", f"Business unit not found: {UNKNOWN}"),
        (f"/product-reviews/business-units/{UNKNOWN}", f"Business unit not found: {UNKNOWN}"),
        (
            "/business-units/find?name=nobody.example",
            "No business unit found with name 'nobody.example'",
        ),
        (f"/reviews/{UNKNOWN}", f"Review not found: {UNKNOWN}"),
        (f"/consumers/{UNKNOWN}/profile", f"Consumer not found: {UNKNOWN}"),
        ("/categories/no_such_category", "Category not found: no_such_category"),
        (f"/conversations/{UNKNOWN}", f"Conversation not found: {UNKNOWN}"),
    ],
)
def test_every_unknown_id_is_the_same_404_body(api: Api, path: str, message: str) -> None:
    """The data set raises a typed error; one handler answers it (message names the id)."""
    resp = api.get(path)
    assert resp.status_code == 404
    body = resp.json()
    assert set(body) == {"message", "errorCode", "correlationId"}
    assert (body["message"], body["errorCode"]) == (message, 1016)
    assert resp.headers["Cache-Control"] == "no-store"


def test_application_errors_carry_a_trustpilot_code_and_a_fresh_correlation_id(api: Api) -> None:
    """The shape seen on the real API (node-trustpilot #104): errorCode is Trustpilot's own
    code, never the HTTP status; correlationId is a UUID, new for every error."""
    answers = [api.get(f"/reviews/{UNKNOWN}") for _ in range(2)]
    answers.append(api.get("/business-units/find"))  # 400: name is required
    ids = []
    for resp in answers:
        body = resp.json()
        assert set(body) == {"message", "errorCode", "correlationId"}
        assert isinstance(body["errorCode"], int)
        assert body["errorCode"] != resp.status_code
        ids.append(str(uuid.UUID(body["correlationId"])))
    assert len(set(ids)) == 3
    assert answers[2].status_code == 400


def test_an_unknown_location_of_a_known_unit_is_a_404(api: Api) -> None:
    bu = biggest_unit(api)["id"]
    resp = api.get(f"/business-units/{bu}/images/logo", params={"locationId": "nowhere"})
    assert resp.status_code == 404
    assert resp.json()["message"] == f"Location nowhere not found for business unit {bu}"


def test_unknown_path_is_json_404(api: Api) -> None:
    resp = api.get("/no/such/thing")
    assert resp.status_code == 404
    assert resp.json()["errorCode"] == 1016


def test_wrong_method_is_405(api: Api) -> None:
    resp = api.http.delete(
        api.server.api_url + "/business-units/all", headers={"apikey": api.key}, timeout=30
    )
    assert resp.status_code == 405


# --------------------------------------------------------------- rate limit
def test_rate_limit_429_with_retry_after(make_emulator: Callable[..., EmulatorServer]) -> None:
    server = make_emulator(rate_limits=[(5, 300.0), (100, 3600.0)])
    for api in make_api(server):
        for _ in range(5):
            assert api.get("/business-units/all").status_code == 200
        resp = api.get("/business-units/all")
        assert resp.status_code == 429
        retry = int(resp.headers["Retry-After"])
        assert 1 <= retry <= 300
        body = resp.json()
        assert body["errorCode"] == 1030
        assert "at most 5 calls per 300 s" in body["message"]
        other = server.dataset.accounts.clients
        second = next(k for k in other if k != api.key)
        assert requests.get(server.api_url + "/business-units/all", headers={"apikey": second},
                            timeout=30).status_code == 200  # fmt: skip
        server.admin.reset_rate_limits()
        assert api.get("/business-units/all").status_code == 200


def test_default_rate_limits_are_documented_guidance(
    make_emulator: Callable[..., EmulatorServer],
) -> None:
    server = make_emulator()
    assert server.state.limiter.limits == ((833, 300.0), (10_000, 3600.0))
    server.admin.set_rate_limits([(2, 60.0)])
    for api in make_api(server):
        statuses = [api.get("/business-units/all").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_private_calls_count_against_the_tokens_client(
    make_emulator: Callable[..., EmulatorServer],
) -> None:
    server = make_emulator(rate_limits=[(3, 300.0)])
    for api in make_api(server):
        token = api.access_token()  # call 1
        unit = demo_unit(api)
        statuses = [
            api.private("GET", f"/private/business-units/{unit}/reviews", token).status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


# -------------------------------------------------------------- concurrency
def test_concurrent_requests_from_threads(api: Api) -> None:
    unit = biggest_unit(api)
    path = f"{api.server.api_url}/business-units/{unit['id']}/reviews"
    expected = {
        page: api.json(f"/business-units/{unit['id']}/reviews", page=page, perPage=20)
        for page in range(1, 5)
    }

    def fetch(page: int) -> tuple[int, dict[str, Any]]:
        resp = requests.get(
            path, params={"page": page, "perPage": 20}, headers={"apikey": api.key}, timeout=30
        )
        return page, resp.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, [1, 2, 3, 4] * 10))
    for page, body in results:
        assert body == expected[page]


def test_request_log(emulator_admin_reset: EmulatorServer) -> None:
    server = emulator_admin_reset
    server.admin.clear_requests()
    for api in make_api(server):
        api.get("/business-units/all")
        api.get("/categories")
    requests.get(server.url + "/_emulator/health", timeout=30)
    assert server.admin.requests == [("GET", "/v1/business-units/all"), ("GET", "/v1/categories")]
    assert server.admin.request_count == 2


def test_same_seed_same_bytes_over_http(make_emulator: Callable[..., EmulatorServer]) -> None:
    bodies = []
    for _ in range(2):
        server = make_emulator(scale=0.02)
        for api in make_api(server):
            unit = biggest_unit(api)
            paths = [
                "/business-units/all",
                f"/business-units/{unit['id']}/reviews?perPage=100&page=2&orderBy=stars.asc",
                f"/business-units/{unit['id']}/all-reviews?perPage=50",
                f"/business-units/{unit['id']}/profileinfo",
                "/categories",
            ]
            raw = [api.get(p).content.replace(server.url.encode(), b"URL") for p in paths]
        bodies.append(raw)
    assert bodies[0] == bodies[1]
    assert all(bodies[0])
