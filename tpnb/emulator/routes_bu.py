"""Public business-unit routes: find, get, all, search, profile data and the review lists.

Choices ([I] in the API notes):

* ``/business-units/all``: ``country`` (comma-separated ISO alpha-2), ``perPage`` 1..1000
  (default 1000) and ``cursor``; the response is ``{"businessUnits": [...], "cursor": <next
  cursor or null>, "links": [next-page]}``; ``page`` is accepted instead of ``cursor`` too;
* ``/business-units/search``: ``query`` required, ``country``, ``page``, ``perPage``/``perpage``
  1..100 (default 20) -> ``{"businessUnits": [...], "links": [...]}``;
* ``web-links`` needs ``locale`` (400 without it); unknown ids are 404 everywhere.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from tpnb.emulator import listing, params
from tpnb.emulator.app import state
from tpnb.emulator.httputil import bad_param, json_response

blueprint = Blueprint("business_units", __name__, url_prefix="/v1/business-units")
_LOCALE = "a locale such as en-US or da-DK"


def _countries() -> list[str] | None:
    raw = params.values("country")
    for item in raw:
        if len(item) != 2 or not item.isalpha():
            raise bad_param(
                "country", item, "ISO 3166-1 alpha-2 codes, comma-separated (e.g. 'DK,GB')"
            )
    return [item.upper() for item in raw] or None


def _locale(required: bool) -> str | None:
    locale = params.get_str("locale")
    if locale is None and required:
        raise bad_param("locale", None, f"{_LOCALE} (required)")
    if locale is not None and not params.LOCALE_RE.match(locale):
        raise bad_param("locale", locale, _LOCALE)
    return locale


def _bu_json(bu_id: str) -> dict[str, object]:
    return state().dataset.business_unit_json(bu_id, params.api_base())


def _respond(payload: object, cache: str) -> Response:
    return json_response(payload, cache=cache, max_age=state().max_age)


@blueprint.get("/find")
def find() -> Response:
    """``GET /business-units/find?name=<domain or name>``."""
    name = params.get_str("name")
    if name is None:
        raise bad_param(
            "name", None, "a business unit name or domain, e.g. 'example.com' (required)"
        )
    bu_id = state().dataset.units.named(name)
    return _respond(_bu_json(bu_id), "business-unit")


def _encode_cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"bu:{index}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, index = raw.partition(":")
        if prefix != "bu":
            raise ValueError(prefix)
        return int(index)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_param("cursor", cursor, "a cursor returned by a previous call") from None


@blueprint.get("/all")
def all_units() -> Response:
    """``GET /business-units/all`` (cursor paging, including units without reviews)."""
    ids = state().dataset.business_unit_ids(_countries())
    per_page = params.get_int("perPage", 1000, 1, 1000, "perpage")
    cursor = params.get_str("cursor")
    if cursor is not None:
        start = _decode_cursor(cursor)
    else:
        start = (params.get_int("page", 1, 1, params.MAX_PAGE) - 1) * per_page
    chunk = ids[start : start + per_page]
    next_cursor = _encode_cursor(start + per_page) if start + per_page < len(ids) else None
    links = []
    if next_cursor is not None:
        items = [(k, v) for k, v in request.args.items(multi=True) if k not in ("cursor", "page")]
        items.append(("cursor", next_cursor))
        href = request.base_url + "?" + urlencode(items)
        links.append({"href": href, "method": "GET", "rel": "next-page"})
    units = [_bu_json(bu_id) for bu_id in chunk]
    return _respond(
        {"businessUnits": units, "cursor": next_cursor, "links": links}, "business-unit"
    )


@blueprint.get("/search")
def search() -> Response:
    """``GET /business-units/search?query=...``."""
    query = params.get_str("query")
    if query is None:
        raise bad_param("query", None, "a search text (required)")
    countries = _countries()
    ids = state().dataset.search_business_units(query, countries[0] if countries else None)
    page, per_page = listing.page_and_size()
    start, stop, has_next = listing.slice_page(len(ids), page, per_page, cap=None)
    units = [_bu_json(bu_id) for bu_id in ids[start:stop]]
    return _respond(
        {"businessUnits": units, "links": params.page_links(page, has_next)}, "business-unit"
    )


@blueprint.get("/<bu_id>")
def get(bu_id: str) -> Response:
    """``GET /business-units/{id}``."""
    return _respond(_bu_json(bu_id), "business-unit")


@blueprint.get("/<bu_id>/profileinfo")
def profileinfo(bu_id: str) -> Response:
    """``GET /business-units/{id}/profileinfo``."""
    data = state().dataset.profile_info_json(bu_id, params.api_base())
    return _respond(data, "business-unit-static")


@blueprint.get("/<bu_id>/web-links")
def web_links(bu_id: str) -> Response:
    """``GET /business-units/{id}/web-links?locale=``."""
    locale = _locale(required=True)
    data = state().dataset.web_links_json(bu_id, locale, params.api_base())
    return _respond(data, "business-unit-static")


@blueprint.get("/<bu_id>/categories")
def categories(bu_id: str) -> Response:
    """``GET /business-units/{id}/categories?country=&locale=``."""
    countries = _countries()
    data = state().dataset.business_unit_categories_json(
        bu_id, countries[0] if countries else None, _locale(required=False)
    )
    return _respond(data, "business-unit-static")


@blueprint.get("/<bu_id>/images")
def images(bu_id: str) -> Response:
    """``GET /business-units/{id}/images``."""
    data = state().dataset.images_json(bu_id, params.api_base())
    return _respond(data, "business-unit-static")


@blueprint.get("/<bu_id>/reviews")
def reviews(bu_id: str) -> Response:
    """``GET /business-units/{id}/reviews`` (public, page-numbered, capped at 100k)."""
    state().dataset.units.index(bu_id)
    filters = listing.public_filters()
    listing.page_and_size()  # validate before querying
    rows = state().dataset.query_reviews(business_unit_id=bu_id, **filters)
    return listing.review_list(rows, private=False, cache="review-list")


@blueprint.get("/<bu_id>/all-reviews")
def all_reviews(bu_id: str) -> Response:
    """``GET /business-units/{id}/all-reviews?pageToken=`` (keyset, no cap)."""
    state().dataset.units.index(bu_id)
    return listing.all_reviews(bu_id)
