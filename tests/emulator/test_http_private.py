"""Private (OAuth) endpoints over HTTP: reviews with private filters and fields, reply, tags,
invitations."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from kit.emulator_http import Api, demo_unit, make_api

from tpnb.emulator import EmulatorServer

PRIVATE_FIELDS = ("referralEmail", "referenceId", "source", "tags", "findReviewer")


def _walk(api: Api, token: str, path: str, **params: Any) -> list[dict[str, Any]]:
    params.setdefault("perPage", 100)
    resp = api.private("GET", path, token, params=params)
    assert resp.status_code == 200, resp.text[:300]
    body = resp.json()
    seen = list(body["reviews"])
    while True:
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next-page"]
        if not nxt:
            return seen
        resp = api.http.get(nxt[0], headers={"Authorization": f"Bearer {token}"}, timeout=30)
        body = resp.json()
        seen.extend(body["reviews"])


@pytest.fixture
def live(make_emulator: Callable[..., EmulatorServer]) -> Iterator[tuple[Api, str, str]]:
    """A private server, an Api on it, a bearer token and the demo user's unit."""
    server = make_emulator()
    for api in make_api(server):
        yield api, api.access_token(), demo_unit(api)


def test_private_reviews_carry_private_fields(api: Api, bearer: str) -> None:
    unit = demo_unit(api)
    resp = api.private("GET", f"/private/business-units/{unit}/reviews", bearer)
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in resp.headers
    reviews = resp.json()["reviews"]
    assert reviews
    for review in reviews:
        for field in PRIVATE_FIELDS:
            assert field in review, field
        assert isinstance(review["tags"], list)
        if review["companyReply"] is not None:
            assert "authorBusinessUserId" in review["companyReply"]


def test_private_walk_includes_reported(api: Api, bearer: str) -> None:
    unit = demo_unit(api)
    reviews = _walk(api, bearer, f"/private/business-units/{unit}/reviews")
    ids = [r["id"] for r in reviews]
    assert len(ids) == len(set(ids))
    everything = api.server.dataset.query_reviews(business_unit_id=unit, include_reported=True)
    assert len(ids) == len(everything)


def test_private_date_range(api: Api, bearer: str) -> None:
    unit = demo_unit(api)
    path = f"/private/business-units/{unit}/reviews"
    everything = _walk(api, bearer, path)
    created = sorted(r["createdAt"] for r in everything)
    middle = created[len(created) // 2]
    start = middle[:10]  # a date only: midnight UTC
    end = middle.rstrip("Z")  # zone-less: UTC
    inside = _walk(api, bearer, path, startDateTime=start, endDateTime=end)
    expected = [c for c in created if f"{start}T00:00:00Z" <= c < middle]
    assert sorted(r["createdAt"] for r in inside) == expected
    bad = api.private("GET", path, bearer, params={"startDateTime": "yesterday"})
    assert bad.status_code == 400
    assert "startDateTime" in bad.json()["message"]


@pytest.mark.parametrize("field", ["referenceId", "referralEmail"])
def test_private_exact_filters(api: Api, bearer: str, field: str) -> None:
    unit = demo_unit(api)
    path = f"/private/business-units/{unit}/reviews"
    sample = next(r for r in _walk(api, bearer, path) if r[field])
    found = _walk(api, bearer, path, **{field: sample[field]})
    assert sample["id"] in {r["id"] for r in found}
    assert {r[field] for r in found} == {sample[field]}


def test_private_reported_source_and_find_reviewer(api: Api, bearer: str) -> None:
    unit = demo_unit(api)
    path = f"/private/business-units/{unit}/reviews"
    everything = _walk(api, bearer, path)
    reported = _walk(api, bearer, path, reported="true")
    not_reported = _walk(api, bearer, path, reported="false")
    assert len(reported) + len(not_reported) == len(everything)
    source = everything[0]["source"]
    by_source = _walk(api, bearer, path, source=source)
    assert by_source
    assert {r["source"] for r in by_source} == {source}
    contacted = _walk(api, bearer, path, findReviewer="contacted")
    not_contacted = _walk(api, bearer, path, findReviewer="notContacted")
    assert len(contacted) + len(not_contacted) == len(everything)
    bad = api.private("GET", path, bearer, params={"findReviewer": "maybe"})
    assert bad.status_code == 400


def test_private_review_by_id(api: Api, bearer: str) -> None:
    unit = demo_unit(api)
    review = api.private("GET", f"/private/business-units/{unit}/reviews", bearer).json()[
        "reviews"
    ][0]
    one = api.private("GET", f"/private/reviews/{review['id']}", bearer)
    assert one.status_code == 200
    assert one.json() == review
    assert (
        api.private("GET", "/private/reviews/000000000000000000000000", bearer).status_code == 404
    )


def test_reply_post_and_delete(live: tuple[Api, str, str]) -> None:
    api, token, unit = live
    review = _walk(api, token, f"/private/business-units/{unit}/reviews", responded="false")[0]
    user = api.server.dataset.user_by_username(api.server.credentials["username"])
    assert user is not None
    path = f"/private/reviews/{review['id']}/reply"
    posted = api.private(
        "POST", path, token, json={"authorBusinessUserId": user.id, "message": "Thanks!"}
    )
    assert posted.status_code == 201
    after = api.private("GET", f"/private/reviews/{review['id']}", token).json()
    assert after["companyReply"]["text"] == "Thanks!"
    assert after["companyReply"]["authorBusinessUserId"] == user.id
    public = api.json(f"/reviews/{review['id']}")
    assert public["companyReply"]["text"] == "Thanks!"
    assert "authorBusinessUserId" not in public["companyReply"]
    wrong_type = api.private("POST", path, token, data="message=x")
    assert wrong_type.status_code == 415
    empty = api.private("POST", path, token, json={"authorBusinessUserId": user.id, "message": ""})
    assert empty.status_code == 400
    dated = {"authorBusinessUserId": user.id, "message": "Thanks again!"}
    for submitted in ("2024-07-15T12:00:00", "2024-07-15T12:00:00Z", "2024-07-15"):
        ok = api.private("POST", path, token, json={**dated, "submittedAt": submitted})
        assert ok.status_code == 201
    for bad in ("yesterday", 1721044800, "2024-13-40T00:00:00"):
        refused = api.private("POST", path, token, json={**dated, "submittedAt": bad})
        assert refused.status_code == 400
        assert "submittedAt" in refused.json()["message"]
    deleted = api.private("DELETE", path, token)
    assert deleted.status_code == 204
    assert (
        api.private("GET", f"/private/reviews/{review['id']}", token).json()["companyReply"] is None
    )


def test_tags_get_set_add_delete(live: tuple[Api, str, str]) -> None:
    api, token, unit = live
    review = api.private("GET", f"/private/business-units/{unit}/reviews", token).json()["reviews"][
        0
    ]
    path = f"/private/reviews/{review['id']}/tags"
    a, b = {"group": "generic", "value": "alpha"}, {"group": "generic", "value": "beta"}
    assert api.private("POST", path, token, json={"tags": [a]}).status_code == 201
    assert api.private("GET", path, token).json()["tags"] == [a]
    assert api.private("PUT", path, token, json={"tags": [b]}).status_code == 200
    assert api.private("GET", path, token).json()["tags"] == [a, b]
    gone = api.private("DELETE", path, token, params={"group": "generic", "value": "alpha"})
    assert gone.status_code == 204
    assert api.private("GET", path, token).json()["tags"] == [b]
    found = _walk(
        api, token, f"/private/business-units/{unit}/reviews", tagGroup="generic", tagValue="beta"
    )
    assert review["id"] in {r["id"] for r in found}
    bad = api.private("POST", path, token, json={"tags": [{"group": "generic"}]})
    assert bad.status_code == 400
    assert api.private("DELETE", path, token, params={"group": "generic"}).status_code == 400


def test_find_reviewer(live: tuple[Api, str, str]) -> None:
    api, token, unit = live
    review = api.private("GET", f"/private/business-units/{unit}/reviews", token).json()["reviews"][
        0
    ]
    resp = api.private(
        "POST", f"/private/reviews/{review['id']}/find-reviewer", token,
        json={"message": None, "skipNotificationEmailToBusinessUser": False},
    )  # fmt: skip
    assert resp.status_code == 201
    assert resp.content == b""  # the docs' answer carries no request id
    after = api.private("GET", f"/private/reviews/{review['id']}", token).json()
    request = after["findReviewer"]["requests"][-1]
    assert str(uuid.UUID(request["id"])) == request["id"]
    assert request["status"] == "Pending"


def test_write_on_foreign_unit_is_403(live: tuple[Api, str, str]) -> None:
    api, token, _ = live
    ds = api.server.dataset
    user = ds.user_by_username(api.server.credentials["username"])
    assert user is not None
    foreign = [u for u in ds.business_unit_ids() if u not in user.business_unit_ids]
    other = next(u for u in foreign if len(ds.query_reviews(business_unit_id=u)))
    rows = ds.query_reviews(business_unit_id=other)
    review_id = ds.review_json(int(rows[0]), api.server.api_url)["id"]
    resp = api.private("POST", f"/private/reviews/{review_id}/reply", token,
                       json={"authorBusinessUserId": user.id, "message": "hi"})  # fmt: skip
    assert resp.status_code == 403


def test_invitations(live: tuple[Api, str, str]) -> None:
    api, token, unit = live
    base = api.server.invitations_url
    prefix = f"/private/business-units/{unit}"
    email = api.private(
        "POST", prefix + "/email-invitations", token, base=base,
        json={"consumerEmail": "ann@example.com", "consumerName": "Ann", "referenceNumber": "o-1",
              "locale": "en-US", "serviceReviewInvitation": {"templateId": "t"}},
    )  # fmt: skip
    assert email.status_code == 202
    link = api.private("POST", prefix + "/invitation-links", token, base=base,
                       json={"email": "bob@example.com", "name": "Bob", "referenceId": "o-2"})  # fmt: skip
    assert link.status_code == 200
    assert set(link.json()) == {"id", "url"}
    templates = api.private("GET", prefix + "/templates", token, base=base)
    assert templates.status_code == 200
    assert templates.json()["templates"]
    assert len(api.server.admin.invitations) == 2
    bad = api.private(
        "POST", prefix + "/email-invitations", token, base=base, json={"consumerName": "x"}
    )
    assert bad.status_code == 400
    gone = api.private("POST", prefix + "/invitation-data/delete", token, base=base,
                       json={"customerEmails": ["ann@example.com"]})  # fmt: skip
    assert gone.status_code == 202
    assert len(api.server.admin.invitations) == 1
    both = api.private(
        "POST", prefix + "/invitation-data/delete", token, base=base,
        json={"customerEmails": [], "deleteOlderThan": datetime.now(timezone.utc).isoformat()},
    )  # fmt: skip
    assert both.status_code == 400
    no_token = api.http.get(base + prefix + "/templates", timeout=30)
    assert no_token.status_code == 401
