"""Product-review routes (public and private) and the private products list.

Public (apikey):

* ``GET /product-reviews/business-units/{id}?sku=`` -> summary ``{businessUnitId,
  numberOfReviews{total, oneStar..fiveStars}, starsAverage}``; ``sku`` is a comma list, repeated
  keys or the docs' JSON-array form ``sku=["A","B"]``; without ``sku``: every product ([I]);
* ``GET /product-reviews/business-units/{id}/reviews`` with ``sku`` and/or ``productUrl`` (at
  least one, 400 otherwise), ``page``, ``perPage`` 1..100 (default 20), ``language``, ``stars``,
  ``attributeIds`` (reviews rating any of them; [I]) -> ``{"productReviews": [...], "links":
  [...]}``;
* ``POST /product-reviews/business-units/{id}/batch-summaries`` ``{"skus": [...]}`` ->
  ``{"summaries": [{"sku", ...summary}]}`` ([I] shape).

Private (bearer, unit access as for service reviews):

* ``GET /private/product-reviews/business-units/{id}/reviews`` (``sku``, ``language``, ``page``,
  ``perPage``; ``state`` only ``published`` exists here) -> private product reviews;
* ``GET /private/product-reviews/{reviewId}``;
* ``GET /private/product-reviews/business-units/{id}/summaries`` -> ``{"summaries": [...],
  "links": [...]}`` one per product ([I]);
* ``GET /private/business-units/{id}/products`` (``page``, ``perPage`` 1..10000 default 10000,
  ``skus``) -> ``{"products": [...], "isLastPage": bool}`` (products added with ``POST``, see
  :mod:`tpnb.emulator.routes_products_extra`, included); ``conversationId`` of a private product
  review names its conversation (:mod:`tpnb.emulator.routes_conversations`) once created.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

from tpnb.emulator import listing, params
from tpnb.emulator.app import state
from tpnb.emulator.httputil import bad_param, json_response
from tpnb.emulator.routes_private import require_access
from tpnb.emulator.routes_products_extra import products_of
from tpnb.emulator.routes_reviews import json_body

blueprint = Blueprint("products", __name__, url_prefix="/v1")
STATES = ("published",)


def _skus(name: str = "sku", what: str = "SKUs") -> list[str] | None:
    raw = params.values(name)
    joined = ",".join(raw)
    if joined.startswith("["):
        try:
            data = json.loads(joined)
        except ValueError:
            raise bad_param(
                name, joined, f'{what}, comma-separated or a JSON list ["A","B"]'
            ) from None
        if not isinstance(data, list) or not all(isinstance(s, str) for s in data):
            raise bad_param(name, joined, f'{what}, comma-separated or a JSON list ["A","B"]')
        return [s.strip() for s in data if s.strip()] or None
    return raw or None


def _products(bu_id: str) -> list[dict[str, Any]]:
    return state().dataset.products(bu_id)


def with_conversation(review: dict[str, Any]) -> dict[str, Any]:
    """A private product review with ``conversationId`` set once a conversation exists."""
    conv_id = state().conversations.for_review(str(review["id"]))
    return {**review, "conversationId": conv_id} if conv_id is not None else review


def _summary(bu_id: str, skus: list[str] | None) -> dict[str, Any]:
    return state().dataset.product_review_summary_json(bu_id, skus)


@blueprint.get("/product-reviews/business-units/<bu_id>")
def summary(bu_id: str) -> Response:
    """Product-review summary for one or more SKUs."""
    return json_response(_summary(bu_id, _skus()), cache="product-summary", max_age=state().max_age)


def _product_rows(bu_id: str, *, require_filter: bool) -> Any:
    products = _products(bu_id)
    skus = _skus()
    url = params.get_str("productUrl")
    if url is not None:
        by_url = [p["sku"] for p in products if p["productUrl"] == url]
        skus = (skus or []) + (by_url or ["\x00no-such-sku"])
    if require_filter and skus is None:
        raise bad_param("sku", None, "one or more SKUs, or productUrl (at least one is required)")
    listing.page_and_size()
    attribute_ids = _skus("attributeIds", "attribute ids")  # the same list forms as sku
    return state().dataset.product_reviews_rows(
        bu_id,
        skus=skus,
        languages=params.get_languages(),
        stars=params.get_stars(),
        attribute_ids=attribute_ids,
    )


def _product_page(rows: Any, *, private: bool) -> Response:
    page, per_page = listing.page_and_size()
    start, stop, has_next = listing.slice_page(
        len(rows), page, per_page, state().options.record_cap
    )
    ds, base = state().dataset, params.api_base()
    items = [ds.product_review_json(int(r), base, private=private) for r in rows[start:stop]]
    if private:
        items = [with_conversation(item) for item in items]
    payload = {"links": params.page_links(page, has_next), "productReviews": items}
    return json_response(payload, cache=None if private else "review-list", max_age=state().max_age)


@blueprint.get("/product-reviews/business-units/<bu_id>/reviews")
def reviews(bu_id: str) -> Response:
    """Public product reviews (``sku`` or ``productUrl`` required)."""
    return _product_page(_product_rows(bu_id, require_filter=True), private=False)


@blueprint.post("/product-reviews/business-units/<bu_id>/batch-summaries")
def batch_summaries(bu_id: str) -> Response:
    """Summaries for a list of SKUs."""
    skus = json_body().get("skus")
    if not isinstance(skus, list) or not skus or not all(isinstance(s, str) for s in skus):
        raise bad_param("skus", skus, "a non-empty JSON list of SKU strings")
    items = [{"sku": sku, **_summary(bu_id, [sku])} for sku in skus]
    return json_response({"summaries": items}, cache=None, max_age=state().max_age)


@blueprint.get("/private/product-reviews/business-units/<bu_id>/reviews")
def private_reviews(bu_id: str) -> Response:
    """Private product reviews of a unit."""
    require_access(bu_id)
    wanted_state = params.get_str("state")
    if wanted_state is not None and wanted_state.lower() not in STATES:
        raise bad_param("state", wanted_state, ", ".join(STATES))
    return _product_page(_product_rows(bu_id, require_filter=False), private=True)


@blueprint.get("/private/product-reviews/<review_id>")
def private_review(review_id: str) -> Response:
    """One private product review."""
    row = state().dataset.product_reviews.row(review_id)
    require_access(state().dataset.product_reviews.business_unit_id(row))
    data = state().dataset.product_review_json(row, params.api_base(), private=True)
    return json_response(with_conversation(data), cache=None, max_age=state().max_age)


@blueprint.get("/private/product-reviews/business-units/<bu_id>/summaries")
def private_summaries(bu_id: str) -> Response:
    """One summary per product of the unit."""
    require_access(bu_id)
    products = _products(bu_id)
    page, per_page = listing.page_and_size()
    start, stop, has_next = listing.slice_page(len(products), page, per_page, cap=None)
    items = [{"sku": p["sku"], **_summary(bu_id, [p["sku"]])} for p in products[start:stop]]
    payload = {"links": params.page_links(page, has_next), "summaries": items}
    return json_response(payload, cache=None, max_age=state().max_age)


@blueprint.get("/private/business-units/<bu_id>/products")
def products(bu_id: str) -> Response:
    """The unit's product catalogue."""
    require_access(bu_id)
    items = products_of(bu_id)
    skus = _skus("skus")
    if skus is not None:
        items = [p for p in items if p["sku"] in skus]
    page = params.get_int("page", 1, 1, params.MAX_PAGE)
    per_page = params.get_int("perPage", 10_000, 1, 10_000)
    start, stop, has_next = listing.slice_page(len(items), page, per_page, cap=None)
    payload = {"products": items[start:stop], "isLastPage": not has_next}
    return json_response(payload, cache=None, max_age=state().max_age)
