"""Public service-review routes.

* ``GET /reviews/latest?language=`` (``language`` required; ``count`` 1..100, default 20
  ([I]); ``locale``, ``filterUsersWithoutImages`` accepted and ignored) -> ``{"links": [],
  "reviews": [...]}``;
* ``GET /reviews/{id}``, ``/reviews/{id}/likes``, ``/reviews/{id}/web-links?locale=`` (locale
  required; ``{"locale", "reviewUrl", "links"}``).
"""

from __future__ import annotations

from flask import Blueprint, Response

from tpnb.emulator.api import params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.responses import bad_param, json_response

blueprint = Blueprint("reviews", __name__, url_prefix="/v1/reviews")


@blueprint.get("/latest")
def latest() -> Response:
    """``GET /reviews/latest?language=en[&count=N]``."""
    if not params.values("language"):
        raise bad_param("language", None, "ISO 639-1 language codes, comma-separated (required)")
    languages = params.get_languages()
    count = params.get_int("count", 20, 1, 100)
    ds = state().dataset
    rows = ds.latest_review_rows(languages, count)
    base = params.api_base()
    reviews = [ds.review_json(int(row), base) for row in rows]
    return json_response({"links": [], "reviews": reviews}, cache="review-list")


@blueprint.get("/<review_id>")
def review(review_id: str) -> Response:
    """``GET /reviews/{id}``."""
    data = state().dataset.review_json_by_id(review_id, params.api_base())
    return json_response(data, cache="review")


@blueprint.get("/<review_id>/likes")
def likes(review_id: str) -> Response:
    """``GET /reviews/{id}/likes``."""
    data = state().dataset.review_likes_json(review_id, params.api_base())
    return json_response(data, cache="review")


@blueprint.get("/<review_id>/web-links")
def web_links(review_id: str) -> Response:
    """``GET /reviews/{id}/web-links?locale=``."""
    locale = params.required_locale()
    data = state().dataset.review_web_links_json(review_id, locale, params.api_base())
    return json_response(data, cache="review")
