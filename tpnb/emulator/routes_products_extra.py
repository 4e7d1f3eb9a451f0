"""More product routes (§2.7): attribute summaries, imported reviews, invitation links, products.

Paths and request bodies are [C] (BRUNO and its README); response shapes are [I]:

* ``POST /product-reviews/business-units/{id}/attribute-summaries`` ``{"skus": [...],
  "locale"}`` -> ``{"businessUnitId", "skus", "locale", "attributes": [{"attributeId",
  "attributeName", "numberOfRatings", "averageRating"}]}``: one entry per attribute of the unit
  (:mod:`tpnb.emulator.data.products`) over the product reviews of those SKUs (``averageRating`` to
  one decimal, ``null`` without ratings; names in English whatever the locale);
* ``GET /product-reviews/business-units/{id}/imported-reviews?sku=`` (``sku`` required,
  ``page``, ``perPage`` 1..100, ``stars``, ``language`` validated) -> ``{"links": [...],
  "productReviews": []}`` and ``/imported-reviews-summaries?sku=`` -> the summary shape of
  ``/product-reviews/business-units/{id}`` with zero counts and ``starsAverage: null``: the data
  set imported no reviews from other platforms;
* ``POST /private/product-reviews/business-units/{id}/invitation-links`` (api host, OAuth)
  ``{"consumer": {"email", "name"}, "referenceId", "locale", "redirectUri", "products": [{"sku",
  "name", ...}]}`` -> 200 ``{"reviewLinkId", "reviewUrl"}`` (consumer email and at least one
  product with ``sku`` and ``name`` required); recorded in ``server.admin.invitations`` with
  ``"type": "product-link"``;
* ``POST /private/business-units/{id}/products`` ``{"products": [{"sku", "name", ...}]}``
  (1..1000 products; ``sku`` and ``name`` required; other fields ``mpn, gtin, brand,
  productUrl, imageUrl, groupId, ...`` kept as sent) -> 200 ``{"products": [...], "created": n,
  "updated": m}``; an existing SKU is updated (its id kept). ``GET`` of the same path lists them
  with the data set's products.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Response

from tpnb.emulator import listing, params
from tpnb.emulator.app import state
from tpnb.emulator.data.stores import now_iso
from tpnb.emulator.httputil import bad_param, json_response
from tpnb.emulator.routes_invitations import WEB_BASE
from tpnb.emulator.routes_private import require_access
from tpnb.emulator.routes_reviews import json_body

blueprint = Blueprint("products_extra", __name__, url_prefix="/v1")
STAR_KEYS = ("oneStar", "twoStars", "threeStars", "fourStars", "fiveStars")
MAX_PRODUCTS = 1000
_PRODUCT_FIELDS = (
    "sku", "name", "mpn", "gtin", "brand", "productUrl", "imageUrl", "groupId",
    "productCategoryGoogleId", "price", "currency", "description",
)  # fmt: skip


def _base_products(bu_id: str) -> list[dict[str, Any]]:
    return state().dataset.products(bu_id)


def products_of(bu_id: str) -> list[dict[str, Any]]:
    """The unit's products: the data set's plus those added through the API (404 if unknown)."""
    return state().added_products.merged(bu_id, _base_products(bu_id))


def _sku_list(body: dict[str, Any]) -> list[str]:
    skus = body.get("skus")
    if not isinstance(skus, list) or not skus or not all(isinstance(s, str) and s for s in skus):
        raise bad_param("skus", skus, "a non-empty JSON list of SKU strings")
    return skus


@blueprint.post("/product-reviews/business-units/<bu_id>/attribute-summaries")
def attribute_summaries(bu_id: str) -> Response:
    """Per-attribute rating summaries of some SKUs."""
    _base_products(bu_id)
    body = json_body()
    skus = _sku_list(body)
    locale = body.get("locale")
    if locale is not None and (not isinstance(locale, str) or not params.LOCALE_RE.match(locale)):
        raise bad_param("locale", locale, "a locale such as en-GB")
    attributes = state().dataset.attribute_summaries(bu_id, skus)
    payload = {"businessUnitId": bu_id, "skus": skus, "locale": locale, "attributes": attributes}
    return json_response(payload, cache=None, max_age=state().max_age)


def _required_skus() -> list[str]:
    skus = params.values("sku")
    if not skus:
        raise bad_param("sku", None, "one or more SKUs, comma-separated (required)")
    return skus


@blueprint.get("/product-reviews/business-units/<bu_id>/imported-reviews")
def imported_reviews(bu_id: str) -> Response:
    """Product reviews imported from other platforms (none in this data set)."""
    _base_products(bu_id)
    _required_skus()
    params.get_stars()
    params.get_languages()
    page, _per_page = listing.page_and_size()
    payload = {"links": params.page_links(page, False), "productReviews": []}
    return json_response(payload, cache="review-list", max_age=state().max_age)


@blueprint.get("/product-reviews/business-units/<bu_id>/imported-reviews-summaries")
def imported_summaries(bu_id: str) -> Response:
    """Summary of imported product reviews (zero counts in this data set)."""
    _base_products(bu_id)
    _required_skus()
    number: dict[str, int] = {"total": 0, **dict.fromkeys(STAR_KEYS, 0)}
    payload = {"businessUnitId": bu_id, "numberOfReviews": number, "starsAverage": None}
    return json_response(payload, cache="product-summary", max_age=state().max_age)


def _text(value: Any, name: str, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise bad_param(name, value, "a non-empty string" + (" (required)" if required else ""))
    return value


def _product(item: Any, name: str) -> dict[str, Any]:
    allowed = 'a JSON object with at least "sku" and "name" strings'
    if not isinstance(item, dict):
        raise bad_param(name, item, allowed)
    _text(item.get("sku"), f"{name}.sku", required=True)
    _text(item.get("name"), f"{name}.name", required=True)
    return {k: item[k] for k in _PRODUCT_FIELDS if k in item}


@blueprint.post("/private/product-reviews/business-units/<bu_id>/invitation-links")
def product_invitation_link(bu_id: str) -> Response:
    """Create a product-review invitation link."""
    require_access(bu_id)
    body = json_body()
    consumer = body.get("consumer")
    if not isinstance(consumer, dict):
        raise bad_param("consumer", consumer, 'an object {"email", "name"} (required)')
    email = _text(consumer.get("email"), "consumer.email", required=True)
    if email is None or "@" not in email:
        raise bad_param("consumer.email", email, "an email address")
    products = body.get("products")
    if not isinstance(products, list) or not products:
        raise bad_param("products", products, "a non-empty JSON list of products")
    items = [_product(p, "products") for p in products]
    created = now_iso()
    link_id = hashlib.sha1(f"{bu_id}|{email}|{created}|{len(state().invitations)}".encode())
    record = {
        "type": "product-link",
        "id": link_id.hexdigest()[:24],
        "businessUnitId": bu_id,
        "email": email,
        "name": _text(consumer.get("name"), "consumer.name", required=False),
        "referenceId": _text(body.get("referenceId"), "referenceId", required=False),
        "locale": _text(body.get("locale"), "locale", required=False),
        "redirectUri": _text(body.get("redirectUri"), "redirectUri", required=False),
        "products": items,
        "createdAt": created,
    }
    state().invitations.add(record)
    url = f"{WEB_BASE}/evaluate-product/{record['id']}"
    payload = {"reviewLinkId": record["id"], "reviewUrl": url}
    return json_response(payload, cache=None, max_age=state().max_age)


@blueprint.post("/private/business-units/<bu_id>/products")
def upsert_products(bu_id: str) -> Response:
    """Add or update products of the unit's catalogue."""
    require_access(bu_id)
    items = json_body().get("products")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_PRODUCTS:
        raise bad_param("products", items, f"a JSON list of 1 to {MAX_PRODUCTS} products")
    cleaned = [_product(item, "products") for item in items]
    base = _base_products(bu_id)
    out, created = [], 0
    for product in cleaned:
        saved, is_new = state().added_products.upsert(bu_id, base, product)
        out.append(saved)
        created += is_new
    payload = {"products": out, "created": created, "updated": len(out) - created}
    return json_response(payload, cache=None, max_age=state().max_age)
