"""Product reviews (public and private) and the products list over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from kit.emulator_http import Api


@pytest.fixture
def shop(api: Api) -> tuple[str, list[dict[str, Any]]]:
    """The unit of the demo user with the most product reviews, and its products."""
    ds = api.server.dataset
    user = ds.user_by_username(api.server.credentials["username"])
    assert user is not None
    best = max(user.business_unit_ids, key=lambda b: len(ds.product_reviews_rows(b)))
    products = ds.products(best)
    assert products, "the seeded data set gives the demo user a unit with products"
    return best, products


def _walk(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    body = api.json(path, **params)
    seen = list(body["productReviews"])
    while nxt := [link["href"] for link in body["links"] if link["rel"] == "next-page"]:
        body = api.http.get(nxt[0], headers={"apikey": api.key}, timeout=30).json()
        seen.extend(body["productReviews"])
    return seen


def test_summary_counts_match_reviews(api: Api, shop: tuple[str, list[dict[str, Any]]]) -> None:
    bu_id, products = shop
    sku = products[0]["sku"]
    summary = api.json(f"/product-reviews/business-units/{bu_id}", sku=sku)
    reviews = _walk(api, f"/product-reviews/business-units/{bu_id}/reviews", sku=sku, perPage=100)
    assert summary["numberOfReviews"]["total"] == len(reviews)
    assert {r["product"]["sku"] for r in reviews} <= {sku}
    assert summary["numberOfReviews"]["total"] > 0
    # a JSON array is not a documented form: read as text, its SKUs match nothing
    json_form = api.json(f"/product-reviews/business-units/{bu_id}", sku=f'["{sku}"]')
    assert json_form["numberOfReviews"]["total"] == 0


def test_summary_takes_a_comma_list_or_a_product_url(
    api: Api, shop: tuple[str, list[dict[str, Any]]]
) -> None:
    bu_id, products = shop
    path = f"/product-reviews/business-units/{bu_id}"
    assert len(products) >= 2  # seeded: the demo shop sells several products
    first, second = products[0]["sku"], products[1]["sku"]
    one = [api.json(path, sku=sku)["numberOfReviews"]["total"] for sku in (first, second)]
    both = api.json(path, sku=f"{first},{second}")["numberOfReviews"]["total"]
    assert both == sum(one)
    assert min(one) > 0  # the sum proves the list was read
    by_url = api.json(path, productUrl=products[0]["productUrl"])
    assert by_url == api.json(path, sku=first)
    # sku wins over productUrl (documented)
    assert api.json(path, sku=second, productUrl=products[0]["productUrl"]) == api.json(
        path, sku=second
    )
    unknown_url = api.json(path, productUrl="https://nowhere.example/p")
    assert unknown_url["numberOfReviews"]["total"] == 0
    neither = api.get(path)
    assert neither.status_code == 400
    assert "productUrl" in neither.json()["message"]


def test_product_url_filter_and_required_filter(
    api: Api, shop: tuple[str, list[dict[str, Any]]]
) -> None:
    bu_id, products = shop
    path = f"/product-reviews/business-units/{bu_id}/reviews"
    by_url = _walk(api, path, productUrl=products[0]["productUrl"])
    by_sku = _walk(api, path, sku=products[0]["sku"])
    assert [r["id"] for r in by_url] == [r["id"] for r in by_sku]
    missing = api.get(path)
    assert missing.status_code == 400
    assert "sku" in missing.json()["message"]


def test_product_review_stars_filter(api: Api, shop: tuple[str, list[dict[str, Any]]]) -> None:
    bu_id, products = shop
    skus = ",".join(p["sku"] for p in products)
    reviews = _walk(api, f"/product-reviews/business-units/{bu_id}/reviews", sku=skus, stars="5")
    assert {r["stars"] for r in reviews} <= {5}


def test_batch_summaries(api: Api, shop: tuple[str, list[dict[str, Any]]]) -> None:
    bu_id, products = shop
    skus = [p["sku"] for p in products]
    resp = api.http.post(
        f"{api.server.api_url}/product-reviews/business-units/{bu_id}/batch-summaries",
        json={"skus": skus},
        headers={"apikey": api.key},
        timeout=30,
    )
    assert resp.status_code == 200
    assert [s["sku"] for s in resp.json()["summaries"]] == skus


def test_private_product_endpoints(
    api: Api, bearer: str, shop: tuple[str, list[dict[str, Any]]]
) -> None:
    bu_id, products = shop
    listed = api.private("GET", f"/private/product-reviews/business-units/{bu_id}/reviews", bearer)
    assert listed.status_code == 200
    reviews = listed.json()["productReviews"]
    assert reviews
    first = reviews[0]
    assert set(first["consumer"]) == {"id", "name", "email"}
    assert "@" in first["consumer"]["email"]
    assert "referralEmail" not in first
    for key in ("locale", "state", "referenceId", "conversationId", "attributeRatings"):
        assert key in first
    assert first["state"] == "published"
    assert all(isinstance(r["attachments"], list) for r in reviews)
    one = api.private("GET", f"/private/product-reviews/{reviews[0]['id']}", bearer)
    assert one.json() == reviews[0]
    summaries = api.private(
        "GET", f"/private/product-reviews/business-units/{bu_id}/summaries", bearer
    ).json()["summaries"]
    assert [s["sku"] for s in summaries] == [p["sku"] for p in products]
    catalogue = api.private("GET", f"/private/business-units/{bu_id}/products", bearer).json()
    listed = [(p["id"], p["sku"], p["title"], p["link"]) for p in catalogue["products"]]
    assert listed == [(p["id"], p["sku"], p["name"], p["productUrl"]) for p in products]
    assert catalogue["isLastPage"] is True
    bad_state = api.private(
        "GET",
        f"/private/product-reviews/business-units/{bu_id}/reviews",
        bearer,
        params={"state": "deleted"},
    )
    assert bad_state.status_code == 400
    assert "state" in bad_state.json()["message"]


def test_private_product_review_fields_and_state_lists(
    api: Api, bearer: str, shop: tuple[str, list[dict[str, Any]]]
) -> None:
    bu_id, products = shop
    path = f"/private/product-reviews/business-units/{bu_id}/reviews"
    everything = api.private("GET", path, bearer, params={"perPage": 100}).json()["productReviews"]
    with_photos = [r for r in everything if r["attachments"]]
    assert with_photos, "the seeded data set gives one product review in eight a photo"
    attachment = with_photos[0]["attachments"][0]
    assert set(attachment) == {"id", "state", "processedFiles"}
    assert {f["mimeType"] for f in attachment["processedFiles"]} == {"image/jpeg"}
    assert all(set(f) == {"dimension", "mimeType", "url"} for f in attachment["processedFiles"])
    ids = [r["id"] for r in everything]
    for listed in ("published", "published,unpublished", "underModeration, Published"):
        got = api.private("GET", path, bearer, params={"perPage": 100, "state": listed})
        assert [r["id"] for r in got.json()["productReviews"]] == ids
    none = api.private("GET", path, bearer, params={"state": "unpublished,archived"})
    assert none.status_code == 200
    assert none.json()["productReviews"] == []
    for bad in ("published,deleted", "published,", "Archived;published"):
        refused = api.private("GET", path, bearer, params={"state": bad})
        assert refused.status_code == 400
        assert "state" in refused.json()["message"]
    summaries = f"/private/product-reviews/business-units/{bu_id}/summaries"
    big = api.private("GET", summaries, bearer, params={"perPage": 1000})
    assert big.status_code == 200
    assert len(big.json()["summaries"]) == len(products)
    too_big = api.private("GET", summaries, bearer, params={"perPage": 1001})
    assert too_big.status_code == 400
    assert "perPage" in too_big.json()["message"]
    assert api.get(f"/private/business-units/{bu_id}/products").status_code == 401
