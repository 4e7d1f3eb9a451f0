"""Conversations, product extras, product invitation links, products POST, and webhooks on
private writes: over HTTP against a private emulator (these tests write)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kit.emulator_http import Api, make_api
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tpnb.emulator import EmulatorServer, serve
from tpnb.emulator.data.accounts import (
    OTHER_PASSWORD,
    OTHER_USERNAME,
    SECOND_API_KEY,
    SECOND_API_SECRET,
)
from tpnb.store.events import parse_events


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with serve(scale=0.02) as srv:
        yield srv


@pytest.fixture
def api(server: EmulatorServer) -> Iterator[Api]:
    yield from make_api(server)


@pytest.fixture(scope="module")
def token(server: EmulatorServer) -> str:
    with requests.Session() as session:
        return Api(server, session).access_token()


@pytest.fixture(scope="module")
def shop(server: EmulatorServer) -> tuple[str, list[dict[str, Any]], list[int]]:
    """The demo user's unit with the most product reviews: id, products, review rows."""
    ds = server.dataset
    user = ds.user_by_username(server.credentials["username"])
    assert user is not None
    best = max(sorted(user.business_unit_ids), key=lambda b: len(ds.product_reviews_rows(b)))
    rows = [int(r) for r in ds.product_reviews_rows(best)]
    assert rows, "the seeded data set gives the demo user a unit with product reviews"
    return best, ds.products(best) or [], rows


def _other_token(api: Api) -> str:
    return api.access_token(
        key=SECOND_API_KEY, secret=SECOND_API_SECRET, username=OTHER_USERNAME,
        password=OTHER_PASSWORD,
    )  # fmt: skip


def test_conversation_lifecycle(api: Api, token: str, shop: Any) -> None:
    bu_id, _, rows = shop
    ds = api.server.dataset
    review_id = ds.product_review_id(rows[0])
    made = api.private("POST", f"/private/product-reviews/{review_id}/create-conversation", token)
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "private, no-store"
    conv_id = made.json()["conversationId"]
    again = api.private("POST", f"/private/product-reviews/{review_id}/create-conversation", token)
    assert (again.status_code, again.json()) == (200, {"conversationId": conv_id})
    review = api.private("GET", f"/private/product-reviews/{review_id}", token).json()
    assert review["conversationId"] == conv_id
    conv = api.private("GET", f"/private/conversations/{conv_id}", token).json()
    assert (conv["id"], conv["state"], conv["comments"]) == (conv_id, "private", [])
    assert (conv["businessUnitId"], conv["productReviewId"]) == (bu_id, review_id)
    consumer_id = ds.product_review_json(rows[0], api.server.api_url)["consumer"]["id"]
    assert (conv["consumerId"], conv["source"], conv["sourceId"]) == (
        consumer_id, "Product reviews", review_id,
    )  # fmt: skip
    assert list(conv)[:5] == ["id", "businessUnitId", "consumerId", "source", "sourceId"]
    assert api.get(f"/conversations/{conv_id}").status_code == 404  # private until published

    body = {"content": "Thanks for the review!", "integrationId": "crm-1"}
    comment = api.private("POST", f"/private/conversations/{conv_id}/comments", token, json=body)
    assert comment.status_code == 201
    data = comment.json()
    user = ds.user_by_username(api.server.credentials["username"])
    assert user is not None
    assert data["author"] == {"id": user.id, "type": "businessUser"}
    assert (data["content"], data["integrationId"]) == (body["content"], "crm-1")
    assert data["createdAt"].endswith("Z")
    path = f"/private/conversations/{conv_id}/comments/{data['commentId']}"
    assert api.private("GET", path, token).json() == data
    edited = api.private("PUT", path, token, json={"content": "Edited"}).json()
    assert edited["content"] == "Edited"
    assert edited["updatedAt"] is not None

    state = f"/private/conversations/{conv_id}/state"
    published = api.private("POST", state, token, json={"state": "public"})
    assert published.status_code == 200
    assert published.json()["state"] == "public"
    public = api.get(f"/conversations/{conv_id}")
    assert public.status_code == 200
    assert public.headers["Cache-Control"].startswith("public")
    assert [c["content"] for c in public.json()["comments"]] == ["Edited"]
    assert "integrationId" not in public.json()["comments"][0]
    api.private("POST", state, token, json={"state": "private"})
    assert api.get(f"/conversations/{conv_id}").status_code == 404


def test_conversation_errors(api: Api, token: str, shop: Any) -> None:
    _, _, rows = shop
    review_id = api.server.dataset.product_review_id(rows[-1])
    unknown = "0" * 24
    assert (
        api.private("POST", f"/private/product-reviews/{unknown}/create-conversation", token)
    ).status_code == 404
    assert api.private("GET", f"/private/conversations/{unknown}", token).status_code == 404
    conv_id = api.private(
        "POST", f"/private/product-reviews/{review_id}/create-conversation", token
    ).json()["conversationId"]
    comments = f"/private/conversations/{conv_id}/comments"
    assert api.private("POST", comments, token, json={"content": ""}).status_code == 400
    assert api.private("POST", comments, token, data="content=x").status_code == 415
    assert api.private("GET", f"{comments}/{unknown}", token).status_code == 404
    bad_state = api.private(
        "POST", f"/private/conversations/{conv_id}/state", token, json={"state": "secret"}
    )
    assert bad_state.status_code == 400
    assert "state" in bad_state.json()["message"]
    other = _other_token(api)
    assert api.private("GET", f"/private/conversations/{conv_id}", other).status_code == 403
    assert api.private("GET", f"/private/conversations/{conv_id}", "nope").status_code == 401
    cc = api.access_token(grant="client_credentials")
    no_user = api.private("POST", comments, cc, json={"content": "hi"})
    assert no_user.status_code == 400
    assert "x-business-user-id" in no_user.json()["message"]
    user = api.server.dataset.user_by_username(api.server.credentials["username"])
    assert user is not None
    as_user = api.private(
        "POST", comments, cc, json={"content": "hi"}, headers={"x-business-user-id": user.id}
    )
    assert as_user.status_code == 201
    assert as_user.json()["author"]["id"] == user.id


def test_attribute_and_imported_summaries(api: Api, shop: Any) -> None:
    bu_id, products, _ = shop
    skus = [p["sku"] for p in products]
    path = f"/product-reviews/business-units/{bu_id}/attribute-summaries"
    resp = api.http.post(
        api.server.api_url + path,
        json={"skus": skus, "locale": "en-GB"},
        headers={"apikey": api.key},
        timeout=30,
    )
    assert resp.status_code == 200
    body = resp.json()
    assert {k: body[k] for k in ("businessUnitId", "skus", "locale")} == {
        "businessUnitId": bu_id, "skus": skus, "locale": "en-GB"}  # fmt: skip
    # recomputed from the product reviews' own attributeRatings
    ratings: dict[tuple[str, str], list[int]] = {}
    page = 1
    while True:
        got = api.json(f"/product-reviews/business-units/{bu_id}/reviews", sku=",".join(skus),
                       perPage=100, page=page)  # fmt: skip
        for review in got["productReviews"]:
            assert all(abs(r["rating"] - review["stars"]) <= 1 for r in review["attributeRatings"])
            for r in review["attributeRatings"]:
                ratings.setdefault((r["attributeId"], r["attributeName"]), []).append(r["rating"])
        if len(got["productReviews"]) < 100:
            break
        page += 1
    assert len(body["attributes"]) >= 2
    assert {(a["attributeId"], a["attributeName"]) for a in body["attributes"]} == set(ratings)
    for a in body["attributes"]:
        values = ratings[(a["attributeId"], a["attributeName"])]
        assert a["numberOfRatings"] == len(values)
        assert a["averageRating"] == round(sum(values) / len(values), 1)
    # attributeIds: exactly the reviews rating one of them
    first = body["attributes"][0]["attributeId"]
    rated = api.json(f"/product-reviews/business-units/{bu_id}/reviews", sku=",".join(skus),
                     perPage=100, attributeIds=first)["productReviews"]  # fmt: skip
    assert rated
    assert all(first in {r["attributeId"] for r in x["attributeRatings"]} for x in rated)
    assert len(rated) == min(100, body["attributes"][0]["numberOfRatings"])
    unknown = api.json(f"/product-reviews/business-units/{bu_id}/reviews", sku=skus[0],
                       attributeIds="no-such-attribute")  # fmt: skip
    assert unknown["productReviews"] == []
    bad = api.http.post(
        api.server.api_url + path, json={"skus": []}, headers={"apikey": api.key}, timeout=30
    )
    assert bad.status_code == 400
    imported = api.json(f"/product-reviews/business-units/{bu_id}/imported-reviews", sku=skus[0])
    assert imported == {"links": [], "productReviews": []}
    summary = api.json(
        f"/product-reviews/business-units/{bu_id}/imported-reviews-summaries", sku=skus[0]
    )
    assert summary["numberOfReviews"]["total"] == 0
    assert summary["starsAverage"] is None
    assert set(summary["numberOfReviews"]) == set(
        api.json(f"/product-reviews/business-units/{bu_id}", sku=skus[0])["numberOfReviews"]
    )
    for route in ("imported-reviews", "imported-reviews-summaries"):
        missing = api.get(f"/product-reviews/business-units/{bu_id}/{route}")
        assert missing.status_code == 400
        assert "sku" in missing.json()["message"]
    over = api.get(
        f"/product-reviews/business-units/{bu_id}/imported-reviews",
        params={"sku": skus[0], "perPage": 101},
    )
    assert over.status_code == 400
    assert api.get(f"/product-reviews/business-units/{'0' * 24}/imported-reviews",
                   params={"sku": "A"}).status_code == 404  # fmt: skip


def test_product_invitation_link(api: Api, token: str, shop: Any) -> None:
    bu_id, products, _ = shop
    path = f"/private/product-reviews/business-units/{bu_id}/invitation-links"
    body = {
        "consumer": {"email": "ann@example.com", "name": "Ann"},
        "referenceId": "ORDER-1",
        "locale": "en-GB",
        "redirectUri": "https://shop.example/thanks",
        "products": [{k: products[0][k] for k in ("sku", "name", "productUrl", "imageUrl")}],
    }
    resp = api.private("POST", path, token, json=body)
    assert resp.status_code == 200
    data = resp.json()
    assert set(data) == {"reviewLinkId", "reviewUrl"}
    assert data["reviewUrl"].endswith(data["reviewLinkId"])
    record = api.server.admin.invitations[-1]
    assert (record["type"], record["email"], record["referenceId"]) == (
        "product-link", "ann@example.com", "ORDER-1",
    )  # fmt: skip
    assert record["products"][0]["sku"] == products[0]["sku"]
    for broken in (
        {**body, "consumer": {"name": "Ann"}},
        {**body, "products": []},
        {**body, "products": [{"sku": "A"}]},
    ):
        assert api.private("POST", path, token, json=broken).status_code == 400
    assert api.private("POST", path, _other_token(api), json=body).status_code == 403


def test_product_invitation_link_accepts_product_ids(api: Api, token: str, shop: Any) -> None:
    bu_id, _, _ = shop
    path = f"/private/product-reviews/business-units/{bu_id}/invitation-links"
    body = {"consumer": {"email": "bo@example.com", "name": "Bo"}, "productIds": ["p-1", "p-2"]}
    resp = api.private("POST", path, token, json=body)
    assert resp.status_code == 200
    record = api.server.admin.invitations[-1]
    assert (record["email"], record["productIds"], record["products"]) == (
        "bo@example.com", ["p-1", "p-2"], [],
    )  # fmt: skip
    for broken in ([], "p-1", [1], [""]):
        refused = api.private("POST", path, token, json={**body, "productIds": broken})
        assert refused.status_code == 400
        assert "productIds" in refused.json()["message"]
    neither = api.private("POST", path, token, json={"consumer": body["consumer"]})
    assert neither.status_code == 400
    assert "products" in neither.json()["message"]


#: the fields of a listed product (BRUNO README's example plus the upsert body's fields)
CATALOGUE_FIELDS = {
    "id", "businessUnitId", "sku", "title", "link", "imageLink", "processedImages",
    "googleMerchantCenterProductId", "price", "currency", "gtin", "mpn", "brand", "description",
    "productCategoryGoogleId", "groupId", "variationAttributes",
}  # fmt: skip


def test_products_list_has_the_documented_fields(api: Api, token: str, shop: Any) -> None:
    bu_id, products, _ = shop
    body = api.private("GET", f"/private/business-units/{bu_id}/products", token).json()
    assert set(body) == {"products", "isLastPage"}
    assert body["isLastPage"] is True
    first = body["products"][0]
    assert set(first) == CATALOGUE_FIELDS
    assert (first["id"], first["sku"], first["businessUnitId"]) == (
        products[0]["id"], products[0]["sku"], bu_id,
    )  # fmt: skip
    assert (first["title"], first["link"]) == (products[0]["name"], products[0]["productUrl"])
    assert first["processedImages"][0]["type"] == "100pxWide"
    assert first["processedImages"][0]["url"].startswith(products[0]["imageUrl"])


def test_products_upsert_takes_the_documented_body(api: Api, token: str, shop: Any) -> None:
    bu_id, products, _ = shop
    path = f"/private/business-units/{bu_id}/products"
    new = {  # BRUNO "Batch upsert products"
        "sku": "NEW-SKU-1",
        "title": "New thing",
        "link": "https://shop.example/new",
        "imageLink": "https://shop.example/new.jpg",
        "price": "99.95",
        "currency": "EUR",
        "gtin": "0001",
        "mpn": "M1",
        "brand": "Acme",
        "description": "A new thing",
        "productCategoryGoogleId": "123",
        "groupId": "g1",
        "variationAttributes": {"color": "red", "size": "M"},
    }
    renamed = {"sku": products[0]["sku"], "title": "Renamed"}
    body = {"products": [new, renamed], "skuSameAsGoogleMerchantCenterProductId": True}
    resp = api.private("POST", path, token, json=body)
    assert resp.status_code == 200
    data = resp.json()
    assert (data["created"], data["updated"]) == (1, 1)
    assert data["products"][1]["id"] == products[0]["id"]  # an update keeps the id
    listed = api.private("GET", path, token).json()
    by_sku = {p["sku"]: p for p in listed["products"]}
    assert len(by_sku) == len(products) + 1
    added = by_sku["NEW-SKU-1"]
    assert set(added) == CATALOGUE_FIELDS
    assert {k: added[k] for k in new} == new
    assert added["googleMerchantCenterProductId"] == "NEW-SKU-1"  # skuSameAs...
    assert added["processedImages"][0]["url"].startswith(new["imageLink"])
    assert by_sku[products[0]["sku"]]["title"] == "Renamed"
    assert by_sku[products[0]["sku"]]["link"] == products[0]["productUrl"]  # kept
    only = api.private("GET", path, token, params={"skus": "NEW-SKU-1"}).json()
    assert [p["sku"] for p in only["products"]] == ["NEW-SKU-1"]
    for broken, field in (
        ({"products": []}, "products"),
        ({"products": [{"title": "no sku"}]}, "sku"),
        ({"products": [{"sku": "x", "price": 9.95}]}, "price"),
        ({"products": [{"sku": "x", "name": "old name"}]}, "name"),
        ({"products": [{"sku": "x", "variationAttributes": {"colour": "red"}}]}, "variation"),
        ({"products": [{"sku": "x"}], "skuSameAsGoogleMerchantCenterProductId": "yes"}, "skuSame"),
    ):
        resp = api.private("POST", path, token, json=broken)
        assert resp.status_code == 400, broken
        assert field in resp.json()["message"]


class _Receiver:
    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    @Request.application  # type: ignore[arg-type]
    def app(self, request: Request) -> Response:
        self.bodies.append(json.loads(request.data))
        return Response("ok")


def test_business_writes_post_no_webhooks(api: Api, token: str) -> None:
    """Replies and tag changes are the business's own actions: no event (consumer actions only)."""
    admin = api.server.admin
    ds = api.server.dataset
    user = ds.user_by_username(api.server.credentials["username"])
    assert user is not None
    bu_id = sorted(user.business_unit_ids)[0]
    review_id = ds.review_id(int(ds.query_reviews(business_unit_id=bu_id)[0]))
    receiver = _Receiver()
    admin.add_webhook(receiver.url)
    try:
        base = f"/private/reviews/{review_id}"
        tag = {"group": "generic", "value": "hooked"}
        calls = [
            ("POST", "/reply", {"json": {"authorBusinessUserId": user.id, "message": "Thanks"}}),
            ("DELETE", "/reply", {}),
            ("POST", "/tags", {"json": {"tags": [tag]}}),
            ("PUT", "/tags", {"json": {"tags": [{"group": "generic", "value": "more"}]}}),
            ("DELETE", "/tags", {"params": tag}),
        ]
        for method, suffix, kwargs in calls:
            assert api.private(method, base + suffix, token, **kwargs).status_code < 300
        assert admin.flush_webhooks()
        assert receiver.bodies == []
        admin.update_review(review_id, text="The consumer edited this review.")  # a consumer action
        assert admin.flush_webhooks()
    finally:
        admin.remove_webhook()
        receiver.server.shutdown()
        receiver.server.server_close()
    events = [e for body in receiver.bodies for e in body["events"]]
    assert [e["eventName"] for e in events] == ["service-review-updated"]
    assert events[0]["eventData"]["id"] == review_id
    assert sorted(t["value"] for t in events[0]["eventData"]["tags"]) == ["more"]


def test_admin_product_review_posts_product_review_created(api: Api, shop: Any) -> None:
    bu_id, products, _rows = shop
    admin = api.server.admin
    ds = api.server.dataset
    service_review_id = ds.review_id(int(ds.query_reviews(business_unit_id=bu_id)[0]))
    before = len(ds.product_reviews_rows(bu_id))
    receiver = _Receiver()
    admin.add_webhook(receiver.url)
    try:
        new_id = admin.add_product_review(service_review_id, sku=products[0]["sku"], stars=4)
        assert admin.flush_webhooks()
        with pytest.raises(ValueError, match="sku"):
            admin.add_product_review(service_review_id, sku="no-such-sku", stars=4)
    finally:
        admin.remove_webhook()
        receiver.server.shutdown()
        receiver.server.server_close()
    assert len(ds.product_reviews_rows(bu_id)) == before + 1
    events = [e for body in receiver.bodies for e in body["events"]]
    assert [e["eventName"] for e in events] == ["product-review-created"]
    data = events[0]["eventData"]
    assert set(data) == {
        "id", "stars", "content", "product", "referenceId", "consumer", "state", "createdAt",
    }  # fmt: skip
    assert (data["id"], data["stars"], data["state"]) == (new_id, 4, "published")
    assert data["product"]["sku"] == products[0]["sku"]
    assert set(data["consumer"]) == {"id", "name", "email"}
    listed = ds.product_review_json(ds.product_review_row(new_id), api.server.api_url)
    assert listed["id"] == new_id
    parsed = parse_events(receiver.bodies[0])  # tpnb's receiver: recognised, skipped
    assert parsed.rejected == []
    assert [e.is_product for e in parsed.events] == [True]
