"""Public service-review and consumer routes.

* ``GET /reviews/latest?language=`` (``language`` required; ``count`` 1..100, default 20
  ([I]); ``locale``, ``filterUsersWithoutImages`` accepted and ignored) -> ``{"links": [],
  "reviews": [...]}``;
* ``GET /reviews/{id}``, ``/reviews/{id}/likes``, ``/reviews/{id}/web-links?locale=`` (locale
  required; ``{"locale", "reviewUrl", "links"}``);
* ``GET /consumers/{id}``, ``/profile``, ``/web-links?locale=``, ``/reviews`` (page-numbered like
  business-unit reviews, plus ``businessUnitId``); ``POST /consumers/profile/bulk`` with JSON
  ``{"consumerIds": [...]}`` (1..100 ids [I]; 415 unless ``application/json``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from tpnb.emulator import listing, params
from tpnb.emulator.app import state
from tpnb.emulator.httputil import app_error, bad_param, json_response

blueprint = Blueprint("reviews", __name__, url_prefix="/v1")
MAX_BULK_IDS = 100


def _respond(payload: object, cache: str) -> Response:
    return json_response(payload, cache=cache, max_age=state().max_age)


def required_locale() -> str:
    """The required ``locale`` parameter."""
    locale = params.get_str("locale")
    allowed = "a locale such as en-US or da-DK (required)"
    if locale is None or not params.LOCALE_RE.match(locale):
        raise bad_param("locale", locale, allowed)
    return locale


@blueprint.get("/reviews/latest")
def latest() -> Response:
    """``GET /reviews/latest?language=en[&count=N]``."""
    if not params.values("language"):
        raise bad_param("language", None, "ISO 639-1 language codes, comma-separated (required)")
    languages = params.get_languages()
    count = params.get_int("count", 20, 1, 100)
    ds = state().dataset
    rows = ds.latest_review_rows(languages or set(), count)
    base = params.api_base()
    reviews = [ds.review_json(int(row), base) for row in rows]
    return _respond({"links": [], "reviews": reviews}, "review-list")


@blueprint.get("/reviews/<review_id>")
def review(review_id: str) -> Response:
    """``GET /reviews/{id}``."""
    return _respond(state().dataset.review_json_by_id(review_id, params.api_base()), "review")


@blueprint.get("/reviews/<review_id>/likes")
def likes(review_id: str) -> Response:
    """``GET /reviews/{id}/likes``."""
    data = state().dataset.review_likes_json(review_id, params.api_base())
    return _respond(data, "review")


@blueprint.get("/reviews/<review_id>/web-links")
def review_web_links(review_id: str) -> Response:
    """``GET /reviews/{id}/web-links?locale=``."""
    locale = required_locale()
    payload = state().dataset.review_web_links_json(review_id, locale, params.api_base())
    return _respond(payload, "review")


@blueprint.get("/consumers/<consumer_id>")
def consumer(consumer_id: str) -> Response:
    """``GET /consumers/{id}``."""
    return _respond(state().dataset.consumer_json(consumer_id, params.api_base()), "consumer")


@blueprint.get("/consumers/<consumer_id>/profile")
def consumer_profile(consumer_id: str) -> Response:
    """``GET /consumers/{id}/profile``."""
    data = state().dataset.consumer_profile_json(consumer_id)
    return _respond(data, "consumer")


@blueprint.get("/consumers/<consumer_id>/web-links")
def consumer_web_links(consumer_id: str) -> Response:
    """``GET /consumers/{id}/web-links?locale=``."""
    locale = required_locale()
    payload = state().dataset.consumer_web_links_json(consumer_id, locale, params.api_base())
    return _respond(payload, "consumer")


@blueprint.get("/consumers/<consumer_id>/reviews")
def consumer_reviews(consumer_id: str) -> Response:
    """``GET /consumers/{id}/reviews``."""
    state().dataset.consumers.index(consumer_id)
    filters = listing.public_filters()
    filters["business_unit_id"] = params.get_str("businessUnitId")
    listing.page_and_size()
    rows = state().dataset.query_reviews(consumer_id=consumer_id, **filters)
    return listing.review_list(rows, private=False, cache="review-list")


def json_body() -> dict[str, Any]:
    """The request's JSON object body (415 for another content type, 400 if not an object)."""
    if request.mimetype != "application/json":
        raise app_error(
            415,
            f"Unsupported Content-Type {request.mimetype or '(none)'!r}; use application/json",
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise app_error(400, "The request body must be a JSON object")
    return data


@blueprint.post("/consumers/profile/bulk")
def consumers_bulk() -> Response:
    """``POST /consumers/profile/bulk`` with ``{"consumerIds": [...]}``."""
    ids = json_body().get("consumerIds")
    allowed = f"a JSON list of 1 to {MAX_BULK_IDS} consumer id strings"
    if (
        not isinstance(ids, list)
        or not 1 <= len(ids) <= MAX_BULK_IDS
        or not all(isinstance(i, str) for i in ids)
    ):
        raise bad_param("consumerIds", ids, allowed)
    data = state().dataset.consumers_bulk_json(ids)
    return json_response(data, cache=None, max_age=state().max_age)
