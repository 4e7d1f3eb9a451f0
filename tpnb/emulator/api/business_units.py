"""Public business-unit routes: find, all, search, one unit, its profile data, images,
promotions and review lists, and the sign-up domain check.

Choices ([I] in the API notes):

* ``/business-units/all``: ``country`` (comma-separated ISO alpha-2), ``perPage`` 1..1000
  (default 1000) and ``cursor``; the response is ``{"businessUnits": [...], "cursor": <next
  cursor or null>, "links": [next-page]}``; ``page`` is accepted instead of ``cursor`` too;
* ``/business-units/search``: ``query`` required, ``country``, ``page``, ``perPage``/``perpage``
  1..100 (default 20) -> ``{"businessUnits": [...], "links": [...]}``;
* ``web-links`` needs ``locale`` (400 without it); unknown ids are 404 everywhere.

The smaller paths are [C] (BRUNO) with undocumented responses, so these shapes are [I]:

* ``GET /business-units/{id}/images/logo[?locationId=]``, ``/images/header``,
  ``/images/promotion-box`` -> ``{"links": [self], "image": {url, width, height} | null}``.
  The logo, header and promotion-box images agree with ``/images`` (``logoImage``,
  ``headerImage``, ``promotionBoxImage``; ``null`` where the unit has none). With ``locationId``
  (a location of the unit, 404 otherwise) the logo is that location's;
* ``GET /business-units/{id}/customerguarantee`` -> ``{"links", "isActive", "headline",
  "text", "imageUrl"}``; ``/profilepromotion`` -> ``{"links", "isActive", "title", "text",
  "linkUrl", "imageUrl"}``; ``/promotion-box`` -> ``{"links", "isActive", "title", "text",
  "linkUrl", "imageUrl"}``. Subscribers (``profileinfo.isSubscriber``) have them active; the
  others answer ``isActive: false`` with null texts (null for empty values, never a 404);
* ``GET /business-signup/domain-availability?domain=`` (``domain`` required; the apikey is
  optional, BRUNO ``auth: none``) -> ``{"domainIsAvailable": bool}`` [C shape]: ``false`` when a
  unit is known by that name (``www.`` and a scheme are ignored).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, request

from tpnb.emulator.api import listing, params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.responses import bad_param, json_response
from tpnb.emulator.data.formats import link

blueprint = Blueprint("business_units", __name__, url_prefix="/v1")
_DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _bu_json(bu_id: str) -> dict[str, Any]:
    return state().dataset.business_unit_json(bu_id, params.api_base())


@blueprint.get("/business-units/find")
def find() -> Response:
    """``GET /business-units/find?name=<domain or name>``."""
    name = params.get_str("name")
    if name is None:
        raise bad_param(
            "name", None, "a business unit name or domain, e.g. 'example.com' (required)"
        )
    bu_id = state().dataset.units.named(name)
    return json_response(_bu_json(bu_id), cache="business-unit")


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


@blueprint.get("/business-units/all")
def all_units() -> Response:
    """``GET /business-units/all`` (cursor paging, including units without reviews)."""
    ids = state().dataset.business_unit_ids(params.get_countries())
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
        links.append(link(request.base_url + "?" + urlencode(items), "next-page"))
    units = [_bu_json(bu_id) for bu_id in chunk]
    payload = {"businessUnits": units, "cursor": next_cursor, "links": links}
    return json_response(payload, cache="business-unit")


@blueprint.get("/business-units/search")
def search() -> Response:
    """``GET /business-units/search?query=...``."""
    query = params.get_str("query")
    if query is None:
        raise bad_param("query", None, "a search text (required)")
    countries = params.get_countries()
    ids = state().dataset.search_business_units(query, countries[0] if countries else None)
    page, per_page = listing.page_and_size()
    start, stop, has_next = listing.slice_page(len(ids), page, per_page, cap=None)
    units = [_bu_json(bu_id) for bu_id in ids[start:stop]]
    payload = {"businessUnits": units, "links": params.page_links(page, has_next)}
    return json_response(payload, cache="business-unit")


@blueprint.get("/business-units/<bu_id>")
def get(bu_id: str) -> Response:
    """``GET /business-units/{id}``."""
    return json_response(_bu_json(bu_id), cache="business-unit")


@blueprint.get("/business-units/<bu_id>/profileinfo")
def profileinfo(bu_id: str) -> Response:
    """``GET /business-units/{id}/profileinfo``."""
    data = state().dataset.profile_info_json(bu_id, params.api_base())
    return json_response(data, cache="business-unit-static")


@blueprint.get("/business-units/<bu_id>/web-links")
def web_links(bu_id: str) -> Response:
    """``GET /business-units/{id}/web-links?locale=``."""
    locale = params.required_locale()
    data = state().dataset.web_links_json(bu_id, locale, params.api_base())
    return json_response(data, cache="business-unit-static")


@blueprint.get("/business-units/<bu_id>/categories")
def categories(bu_id: str) -> Response:
    """``GET /business-units/{id}/categories?country=&locale=``."""
    countries = params.get_countries()
    data = state().dataset.business_unit_categories_json(
        bu_id, countries[0] if countries else None, params.get_locale()
    )
    return json_response(data, cache="business-unit-static")


# --------------------------------------------------------------------------------- images
def _images(bu_id: str) -> dict[str, Any]:
    return state().dataset.images_json(bu_id, params.api_base())


@blueprint.get("/business-units/<bu_id>/images")
def images(bu_id: str) -> Response:
    """``GET /business-units/{id}/images``."""
    return json_response(_images(bu_id), cache="business-unit-static")


@blueprint.get("/business-units/<bu_id>/images/logo")
def logo(bu_id: str) -> Response:
    """The unit's logo, or one location's (``locationId``)."""
    image = _images(bu_id)["logoImage"]
    location = params.get_str("locationId")
    path = f"/business-units/{bu_id}/images/logo"
    if location is not None:
        units = state().dataset.units
        units.location_of(units.index(bu_id), location)  # an unknown location is a 404
        path += f"?locationId={location}"
        if image is not None:
            url = str(image["url"])
            root, _, name = url.rpartition("/")
            image = {**image, "url": f"{root}/locations/{location}/{name}"}
    return json_response({"links": params.self_link(path), "image": image},
                         cache="business-unit-static")  # fmt: skip


@blueprint.get("/business-units/<bu_id>/images/header")
def header(bu_id: str) -> Response:
    """The unit's profile header image (null when it has none)."""
    image = _images(bu_id)["headerImage"]
    links = params.self_link(f"/business-units/{bu_id}/images/header")
    return json_response({"links": links, "image": image}, cache="business-unit-static")


@blueprint.get("/business-units/<bu_id>/images/promotion-box")
def promotion_box_image(bu_id: str) -> Response:
    """The unit's promotion-box image (null when it has none)."""
    image = _images(bu_id)["promotionBoxImage"]
    links = params.self_link(f"/business-units/{bu_id}/images/promotion-box")
    return json_response({"links": links, "image": image}, cache="business-unit-static")


# ----------------------------------------------------------------------------- promotions
def _profile(bu_id: str) -> dict[str, Any]:
    return state().dataset.profile_info_json(bu_id, params.api_base())


def _website(bu_id: str) -> str:
    return str(_bu_json(bu_id).get("websiteUrl") or "")


@blueprint.get("/business-units/<bu_id>/customerguarantee")
def customer_guarantee(bu_id: str) -> Response:
    """The unit's customer guarantee."""
    profile = _profile(bu_id)
    active = bool(profile["isSubscriber"])
    name = profile["companyName"]
    payload = {
        "links": params.self_link(f"/business-units/{bu_id}/customerguarantee"),
        "isActive": active,
        "headline": f"{name} customer guarantee" if active else None,
        "text": f"{name} answers every review and resolves complaints within 14 days."
        if active
        else None,
        "imageUrl": f"{_website(bu_id)}/images/guarantee.png" if active else None,
    }
    return json_response(payload, cache="business-unit-static")


def _promotion(bu_id: str, kind: str) -> dict[str, Any]:
    profile = _profile(bu_id)
    active = bool(profile["isSubscriber"])
    site = _website(bu_id)
    header_text = (profile.get("description") or {}).get("header")
    return {
        "links": params.self_link(f"/business-units/{bu_id}/{kind}"),
        "isActive": active,
        "title": (header_text or profile["companyName"]) if active else None,
        "text": f"Read what our customers say about {profile['companyName']}." if active else None,
        "linkUrl": (site or None) if active else None,
        "imageUrl": f"{site}/images/{kind}.png" if active and site else None,
    }


@blueprint.get("/business-units/<bu_id>/profilepromotion")
def profile_promotion(bu_id: str) -> Response:
    """The promotion shown on the unit's profile page."""
    return json_response(_promotion(bu_id, "profilepromotion"), cache="business-unit-static")


@blueprint.get("/business-units/<bu_id>/promotion-box")
def promotion_box(bu_id: str) -> Response:
    """The unit's promotion box."""
    return json_response(_promotion(bu_id, "promotion-box"), cache="business-unit-static")


# --------------------------------------------------------------------------------- reviews
@blueprint.get("/business-units/<bu_id>/reviews")
def reviews(bu_id: str) -> Response:
    """``GET /business-units/{id}/reviews`` (public, page-numbered, capped at 100k)."""
    state().dataset.units.index(bu_id)  # an unknown unit is a 404 before any 400
    filters = listing.public_filters()
    listing.page_and_size()  # validate before querying
    rows = state().dataset.query_reviews(business_unit_id=bu_id, **filters)
    return listing.review_list(rows, private=False, cache="review-list")


@blueprint.get("/business-units/<bu_id>/all-reviews")
def all_reviews(bu_id: str) -> Response:
    """``GET /business-units/{id}/all-reviews?pageToken=`` (keyset, no cap)."""
    state().dataset.units.index(bu_id)  # an unknown unit is a 404
    return listing.all_reviews(bu_id)


# --------------------------------------------------------------------------------- sign-up
@blueprint.get("/business-signup/domain-availability")
def domain_availability() -> Response:
    """Whether a domain is free to sign up (no known unit by that name)."""
    raw = params.get_str("domain")
    allowed = "a domain name such as 'example.com' (required)"
    if raw is None:
        raise bad_param("domain", None, allowed)
    text = raw.strip().lower()
    host = urlsplit(text).hostname if "://" in text else text.split("/")[0]
    host = (host or "").removeprefix("www.")
    if not _DOMAIN_RE.match(host):
        raise bad_param("domain", raw, allowed)
    taken = state().dataset.find_business_unit(host) is not None
    return json_response({"domainIsAvailable": not taken}, cache=None)
