"""Product routes (§2.7): product reviews (public and private), summaries, the catalogue.

Public (apikey):

* ``GET /product-reviews/business-units/{id}?sku=`` -> summary ``{businessUnitId,
  numberOfReviews{total, oneStar..fiveStars}, starsAverage}`` ([S] shape; ``businessUnitId``
  [U]). ``sku`` is "a single or multiple comma-separated SKUs" and "at least one of [sku,
  productUrl] must be specified. If both sku and productUrl are specified the productUrl is
  ignored" ([C] node-trustpilot 2017 JSDoc, a copy of the docs of that time): a comma list (or
  repeated keys), else ``productUrl`` (the product whose link it is; an unknown URL gives zero
  counts), neither -> 400. A JSON array ``sku=["A","B"]`` (what the current docs' curl example
  reads like, through broken shell quoting) is split at its commas like any text, into SKUs that
  match nothing: zero counts ([I], the likely reading of the real API);
* ``GET /product-reviews/business-units/{id}/reviews`` with ``sku`` and/or ``productUrl`` (at
  least one, 400 otherwise), ``page``, ``perPage`` 1..100 (default 20), ``language``, ``stars``,
  ``attributeIds`` (reviews rating any of them; [I]) -> ``{"productReviews": [...], "links":
  [...]}``;
* ``POST /product-reviews/business-units/{id}/batch-summaries`` ``{"skus": [...]}`` ->
  ``{"summaries": [{"sku", ...summary}]}`` ([I] shape).

Private (bearer, unit access as for service reviews):

* ``GET /private/product-reviews/business-units/{id}/reviews`` (``sku``, ``language``, ``page``,
  ``perPage``; ``state`` a comma-separated list of ``published, unpublished, underModeration,
  archived``, 400 otherwise; every seeded review is ``published``) -> private product reviews
  ``{..., consumer{id, name, email}, locale, state, referenceId, conversationId,
  attachments[{id, state, processedFiles[{dimension, mimeType, url}]}], attributeRatings}``;
* ``GET /private/product-reviews/{reviewId}``;
* ``GET /private/product-reviews/business-units/{id}/summaries`` (``perPage`` 1..1000) ->
  ``{"summaries": [...], "links": [...]}`` one per product ([I]);
* ``GET /private/business-units/{id}/products`` (``page``, ``perPage`` 1..10000 default 10000,
  ``skus``) -> ``{"products": [...], "isLastPage": bool}`` (products added with ``POST``, below,
  included); each item has the fields of the docs' example ([C] BRUNO README): ``id,
  businessUnitId, sku, title, link, imageLink, processedImages[{type, url}],
  googleMerchantCenterProductId, price`` (a string), ``currency, gtin, mpn, brand, description``
  plus the upsert's ``productCategoryGoogleId, groupId, variationAttributes``; a field without a
  value is ``null`` (the docs: "Empty values are included as null rather than omitted"). The data
  set's products have no price, currency, description or Google ids (``null``); their one
  processed image is ``{"type": "100pxWide", "url": <imageLink with ?width=100>}`` ([I]: the
  docs show the type, not how the URL is made). ``conversationId`` of a private product review
  names its conversation (:mod:`~.conversations`) once created.

More paths and request bodies are [C] (BRUNO and its README); their response shapes are [I]:

* ``POST /product-reviews/business-units/{id}/attribute-summaries`` ``{"skus": [...],
  "locale"}`` -> ``{"businessUnitId", "skus", "locale", "attributes": [{"attributeId",
  "attributeName", "numberOfRatings", "averageRating"}]}``: one entry per attribute of the unit
  (:mod:`tpnb.emulator.data.products`) over the product reviews of those SKUs
  (``averageRating`` to one decimal, ``null`` without ratings; names in English whatever the
  locale);
* ``GET /product-reviews/business-units/{id}/imported-reviews?sku=`` (``sku`` required,
  ``page``, ``perPage`` 1..100, ``stars``, ``language`` validated) -> ``{"links": [...],
  "productReviews": []}`` and ``/imported-reviews-summaries?sku=`` -> the summary shape of
  ``/product-reviews/business-units/{id}`` with zero counts and ``starsAverage: null``: the data
  set imported no reviews from other platforms;
* ``POST /private/product-reviews/business-units/{id}/invitation-links`` (api host, OAuth)
  ``{"consumer": {"email", "name"}, "referenceId", "locale", "redirectUri", "products": [{"sku",
  "name", ...}]}`` -> 200 ``{"reviewLinkId", "reviewUrl"}`` (consumer email and at least one
  product with ``sku`` and ``name`` required; ``"productIds": ["..."]``, a list of strings as
  HITRIX sends, may stand for or come with ``products``); recorded in ``server.admin.invitations`` with
  ``"type": "product-link"``;
* ``POST /private/business-units/{id}/products`` (upsert) with the body of BRUNO's "Batch upsert
  products" ([C]): ``{"products": [{sku, googleMerchantCenterProductId, title, link, imageLink,
  price, currency, gtin, mpn, brand, description, productCategoryGoogleId, groupId,
  variationAttributes{color, pattern, material, ageGroup, gender, size}}],
  "skuSameAsGoogleMerchantCenterProductId": bool}``: 1..1000 products, ``sku`` required
  ([I]: which fields the real API requires is not documented), every other field a string or
  null (``price`` too: ``"99.95"``), ``variationAttributes`` an object of strings; an unknown
  field is a 400 listing the allowed ones ([I]: it catches the old names ``name``,
  ``productUrl``, ``imageUrl``, which tpnb's client never sent to this endpoint). With
  ``skuSameAsGoogleMerchantCenterProductId: true`` a product without
  ``googleMerchantCenterProductId`` gets its SKU there. An existing SKU is updated (fields sent
  replace, others are kept, its id too). Answer ([U] in the docs; [I]): 200 ``{"products":
  [...items as GET lists them], "created": n, "updated": m}``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import numpy.typing as npt
from flask import Blueprint, Response

from tpnb.emulator.api import listing, params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.gateway import require_access
from tpnb.emulator.api.invitations import WEB_BASE
from tpnb.emulator.api.responses import bad_param, json_response
from tpnb.emulator.data.formats import STAR_KEYS
from tpnb.emulator.data.stores import now_iso

blueprint = Blueprint("products", __name__, url_prefix="/v1")
#: the documented states of a private product review; every seeded review is ``published``
STATES = ("published", "unpublished", "underModeration", "archived")
#: the largest ``perPage`` of private product review summaries
MAX_SUMMARIES_PER_PAGE = 1000
MAX_PRODUCTS = 1000
#: fields of a product in a product-review invitation link (the name is ``name`` there)
_INVITED_PRODUCT_FIELDS = (
    "sku", "name", "mpn", "gtin", "brand", "productUrl", "imageUrl", "groupId",
    "productCategoryGoogleId",
)  # fmt: skip
#: string fields of a catalogue product in the upsert body (BRUNO "Batch upsert products")
CATALOGUE_TEXT_FIELDS = (
    "sku", "googleMerchantCenterProductId", "title", "link", "imageLink", "price", "currency",
    "gtin", "mpn", "brand", "description", "productCategoryGoogleId", "groupId",
)  # fmt: skip
VARIATION_ATTRIBUTES = ("color", "pattern", "material", "ageGroup", "gender", "size")
_UPSERT_FIELDS = (*CATALOGUE_TEXT_FIELDS, "variationAttributes")


def _processed_images(image_link: str | None) -> list[dict[str, str]]:
    return [{"type": "100pxWide", "url": f"{image_link}?width=100"}] if image_link else []


def _complete(item: dict[str, Any], bu_id: str) -> dict[str, Any]:
    """A catalogue item with every field (``null`` where it has no value)."""
    full: dict[str, Any] = {
        "id": item.get("id"),
        "businessUnitId": bu_id,
        **dict.fromkeys(_UPSERT_FIELDS),
        **item,
    }
    full["processedImages"] = _processed_images(full["imageLink"])
    return full


def catalogue_item(product: dict[str, Any], bu_id: str) -> dict[str, Any]:
    """A data-set product as ``GET /private/business-units/{id}/products`` lists it."""
    item = {
        "id": product["id"],
        "sku": product["sku"],
        "title": product.get("name"),
        "link": product.get("productUrl"),
        "imageLink": product.get("imageUrl"),
        "gtin": product.get("gtin"),
        "mpn": product.get("mpn"),
        "brand": product.get("brand"),
    }
    return _complete(item, bu_id)


def products_of(bu_id: str) -> list[dict[str, Any]]:
    """The unit's catalogue: the data set's products plus those upserted (404 if unknown)."""
    base = [catalogue_item(p, bu_id) for p in state().dataset.products(bu_id)]
    return [_complete(p, bu_id) for p in state().added_products.merged(bu_id, base)]


def with_conversation(review: dict[str, Any]) -> dict[str, Any]:
    """A private product review with ``conversationId`` set once a conversation exists."""
    conv_id = state().conversations.for_review(str(review["id"]))
    return {**review, "conversationId": conv_id} if conv_id is not None else review


def _summary(bu_id: str, skus: list[str] | None) -> dict[str, Any]:
    return state().dataset.product_review_summary_json(bu_id, skus)


def _sku_list(body: dict[str, Any]) -> list[str]:
    skus = body.get("skus")
    if not isinstance(skus, list) or not skus or not all(isinstance(s, str) and s for s in skus):
        raise bad_param("skus", skus, "a non-empty JSON list of SKU strings")
    return skus


def _product(item: Any, name: str) -> dict[str, Any]:
    """A product of a product-review invitation link (``sku`` and ``name`` required)."""
    allowed = 'a JSON object with at least "sku" and "name" strings'
    if not isinstance(item, dict):
        raise bad_param(name, item, allowed)
    params.text_value(item.get("sku"), f"{name}.sku", required=True)
    params.text_value(item.get("name"), f"{name}.name", required=True)
    return {k: item[k] for k in _INVITED_PRODUCT_FIELDS if k in item}


def _catalogue_product(item: Any, index: int, sku_is_gmc_id: bool) -> dict[str, Any]:
    """One product of the upsert body, checked (see the module docstring)."""
    where = f"products[{index}]"
    if not isinstance(item, dict):
        raise bad_param(where, item, 'a JSON object with at least a "sku" string')
    unknown = sorted(set(item) - set(_UPSERT_FIELDS))
    if unknown:
        raise bad_param(f"{where}.{unknown[0]}", item[unknown[0]], ", ".join(_UPSERT_FIELDS))
    params.text_value(item.get("sku"), f"{where}.sku", required=True)
    for field in CATALOGUE_TEXT_FIELDS:
        value = item.get(field)
        if value is not None and not isinstance(value, str):
            raise bad_param(f"{where}.{field}", value, "a string or null (price too: '99.95')")
    variation = item.get("variationAttributes")
    valid_variation = variation is None or (
        isinstance(variation, dict)
        and all(
            key in VARIATION_ATTRIBUTES and (v is None or isinstance(v, str))
            for key, v in variation.items()
        )
    )
    if not valid_variation:
        raise bad_param(
            f"{where}.variationAttributes",
            variation,
            "an object of strings with keys " + ", ".join(VARIATION_ATTRIBUTES),
        )
    product = dict(item)
    if sku_is_gmc_id and not product.get("googleMerchantCenterProductId"):
        product["googleMerchantCenterProductId"] = product["sku"]
    return product


# -------------------------------------------------------------------------- product reviews
def _product_rows(bu_id: str, *, require_filter: bool) -> npt.NDArray[np.int64]:
    products = state().dataset.products(bu_id)
    skus = params.get_skus()
    url = params.get_str("productUrl")
    if url is not None:
        by_url = [p["sku"] for p in products if p["productUrl"] == url]
        skus = (skus or []) + (by_url or ["\x00no-such-sku"])
    if require_filter and skus is None:
        raise bad_param("sku", None, "one or more SKUs, or productUrl (at least one is required)")
    listing.page_and_size()
    attribute_ids = params.get_skus("attributeIds", "attribute ids")  # the same forms as sku
    return state().dataset.product_reviews_rows(
        bu_id,
        skus=skus,
        languages=params.get_languages(),
        stars=params.get_stars(),
        attribute_ids=attribute_ids,
    )


def _product_page(rows: npt.NDArray[np.int64], *, private: bool) -> Response:
    page, per_page = listing.page_and_size()
    cap = state().options.record_cap
    start, stop, has_next = listing.slice_page(len(rows), page, per_page, cap)
    ds, base = state().dataset, params.api_base()
    items = [ds.product_review_json(int(r), base, private=private) for r in rows[start:stop]]
    if private:
        items = [with_conversation(item) for item in items]
    payload = {"links": params.page_links(page, has_next), "productReviews": items}
    return json_response(payload, cache=None if private else "review-list")


@blueprint.get("/product-reviews/business-units/<bu_id>")
def summary(bu_id: str) -> Response:
    """Product-review summary for one or more SKUs, or for the product at ``productUrl``."""
    products = state().dataset.products(bu_id)  # an unknown unit is a 404 before any 400
    skus = params.get_skus()
    if skus is None:
        url = params.get_str("productUrl")
        if url is None:
            raise bad_param(
                "sku", None, "one or more SKUs, comma-separated, or productUrl (one is required)"
            )
        skus = [p["sku"] for p in products if p["productUrl"] == url]
    return json_response(_summary(bu_id, skus), cache="product-summary")


@blueprint.get("/product-reviews/business-units/<bu_id>/reviews")
def reviews(bu_id: str) -> Response:
    """Public product reviews (``sku`` or ``productUrl`` required)."""
    return _product_page(_product_rows(bu_id, require_filter=True), private=False)


@blueprint.post("/product-reviews/business-units/<bu_id>/batch-summaries")
def batch_summaries(bu_id: str) -> Response:
    """Summaries for a list of SKUs."""
    skus = _sku_list(params.json_body())
    items = [{"sku": sku, **_summary(bu_id, [sku])} for sku in skus]
    return json_response({"summaries": items}, cache=None)


@blueprint.post("/product-reviews/business-units/<bu_id>/attribute-summaries")
def attribute_summaries(bu_id: str) -> Response:
    """Per-attribute rating summaries of some SKUs."""
    state().dataset.units.index(bu_id)  # an unknown unit is a 404 before any 400
    body = params.json_body()
    skus = _sku_list(body)
    locale = body.get("locale")
    if locale is not None and (not isinstance(locale, str) or not params.LOCALE_RE.match(locale)):
        raise bad_param("locale", locale, "a locale such as en-GB")
    attributes = state().dataset.attribute_summaries(bu_id, skus)
    payload = {"businessUnitId": bu_id, "skus": skus, "locale": locale, "attributes": attributes}
    return json_response(payload, cache=None)


@blueprint.get("/product-reviews/business-units/<bu_id>/imported-reviews")
def imported_reviews(bu_id: str) -> Response:
    """Product reviews imported from other platforms (none in this data set)."""
    state().dataset.units.index(bu_id)  # an unknown unit is a 404 before any 400
    params.get_skus(required=True)
    params.get_stars()
    params.get_languages()
    page, _per_page = listing.page_and_size()
    payload = {"links": params.page_links(page, False), "productReviews": []}
    return json_response(payload, cache="review-list")


@blueprint.get("/product-reviews/business-units/<bu_id>/imported-reviews-summaries")
def imported_summaries(bu_id: str) -> Response:
    """Summary of imported product reviews (zero counts in this data set)."""
    state().dataset.units.index(bu_id)  # an unknown unit is a 404 before any 400
    params.get_skus(required=True)
    number: dict[str, int] = {"total": 0, **dict.fromkeys(STAR_KEYS, 0)}
    payload = {"businessUnitId": bu_id, "numberOfReviews": number, "starsAverage": None}
    return json_response(payload, cache="product-summary")


@blueprint.get("/private/product-reviews/business-units/<bu_id>/reviews")
def private_reviews(bu_id: str) -> Response:
    """Private product reviews of a unit."""
    require_access(bu_id)
    wanted_state = params.get_str("state")
    rows = _product_rows(bu_id, require_filter=False)
    if wanted_state is not None:
        by_lower = {name.lower(): name for name in STATES}
        wanted = [part.strip().lower() for part in wanted_state.split(",")]
        if not all(part in by_lower for part in wanted):
            raise bad_param("state", wanted_state, "a comma-separated list of " + ", ".join(STATES))
        if "published" not in wanted:  # every review of the data set is published
            rows = rows[:0]
    return _product_page(rows, private=True)


@blueprint.get("/private/product-reviews/<review_id>")
def private_review(review_id: str) -> Response:
    """One private product review."""
    product_reviews = state().dataset.product_reviews
    row = product_reviews.row(review_id)
    require_access(product_reviews.business_unit_id(row))
    data = state().dataset.product_review_json(row, params.api_base(), private=True)
    return json_response(with_conversation(data), cache=None)


@blueprint.get("/private/product-reviews/business-units/<bu_id>/summaries")
def private_summaries(bu_id: str) -> Response:
    """One summary per product of the unit."""
    require_access(bu_id)
    products = state().dataset.products(bu_id)
    page, per_page = listing.page_and_size(max_per_page=MAX_SUMMARIES_PER_PAGE)
    start, stop, has_next = listing.slice_page(len(products), page, per_page, cap=None)
    items = [{"sku": p["sku"], **_summary(bu_id, [p["sku"]])} for p in products[start:stop]]
    payload = {"links": params.page_links(page, has_next), "summaries": items}
    return json_response(payload, cache=None)


@blueprint.post("/private/product-reviews/business-units/<bu_id>/invitation-links")
def product_invitation_link(bu_id: str) -> Response:
    """Create a product-review invitation link."""
    require_access(bu_id)
    body = params.json_body()
    consumer = body.get("consumer")
    if not isinstance(consumer, dict):
        raise bad_param("consumer", consumer, 'an object {"email", "name"} (required)')
    email = params.email_value(consumer.get("email"), "consumer.email")
    products = body.get("products")
    product_ids = body.get("productIds")
    if product_ids is not None and (
        not isinstance(product_ids, list)
        or not product_ids
        or not all(isinstance(i, str) and i.strip() for i in product_ids)
    ):
        raise bad_param("productIds", product_ids, "a non-empty JSON list of product id strings")
    if products is None and product_ids is not None:
        items: list[Any] = []
    elif not isinstance(products, list) or not products:
        raise bad_param("products", products, 'a non-empty JSON list of products (or "productIds")')
    else:
        items = [_product(p, "products") for p in products]
    created = now_iso()
    link_id = hashlib.sha1(f"{bu_id}|{email}|{created}|{len(state().invitations)}".encode())
    record = {
        "type": "product-link",
        "id": link_id.hexdigest()[:24],
        "businessUnitId": bu_id,
        "email": email,
        "name": params.text_value(consumer.get("name"), "consumer.name", required=False),
        "referenceId": params.text_value(body.get("referenceId"), "referenceId", required=False),
        "locale": params.text_value(body.get("locale"), "locale", required=False),
        "redirectUri": params.text_value(body.get("redirectUri"), "redirectUri", required=False),
        "products": items,
        "productIds": list(product_ids or []),
        "createdAt": created,
    }
    state().invitations.add(record)
    url = f"{WEB_BASE}/evaluate-product/{record['id']}"
    return json_response({"reviewLinkId": record["id"], "reviewUrl": url}, cache=None)


# -------------------------------------------------------------------------------- catalogue
@blueprint.get("/private/business-units/<bu_id>/products")
def products(bu_id: str) -> Response:
    """The unit's product catalogue."""
    require_access(bu_id)
    items = products_of(bu_id)
    skus = params.get_skus("skus")
    if skus is not None:
        items = [p for p in items if p["sku"] in skus]
    page = params.get_int("page", 1, 1, params.MAX_PAGE)
    per_page = params.get_int("perPage", 10_000, 1, 10_000)
    start, stop, has_next = listing.slice_page(len(items), page, per_page, cap=None)
    payload = {"products": items[start:stop], "isLastPage": not has_next}
    return json_response(payload, cache=None)


@blueprint.post("/private/business-units/<bu_id>/products")
def upsert_products(bu_id: str) -> Response:
    """Add or update products of the unit's catalogue."""
    require_access(bu_id)
    body = params.json_body()
    items = body.get("products")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_PRODUCTS:
        raise bad_param("products", items, f"a JSON list of 1 to {MAX_PRODUCTS} products")
    same = body.get("skuSameAsGoogleMerchantCenterProductId", False)
    if not isinstance(same, bool):
        raise bad_param("skuSameAsGoogleMerchantCenterProductId", same, "true or false")
    cleaned = [_catalogue_product(item, i, same) for i, item in enumerate(items)]
    base = [catalogue_item(p, bu_id) for p in state().dataset.products(bu_id)]
    out, created = [], 0
    for product in cleaned:
        saved, is_new = state().added_products.upsert(bu_id, base, product)
        out.append(_complete(saved, bu_id))
        created += is_new
    payload = {"products": out, "created": created, "updated": len(out) - created}
    return json_response(payload, cache=None)
