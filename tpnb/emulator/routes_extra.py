"""The smaller public routes: business-unit images and promotions, signup, consumer display names.

Paths are [C] (BRUNO); the response shapes are not documented, so these are [I] choices:

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
  unit is known by that name (``www.`` and a scheme are ignored);
* ``POST /consumers/profile/displayname/validate`` ``{"displayName"}`` -> 200 ``{"displayName",
  "isValid", "errors": [str]}``; ``POST .../create`` -> 201 ``{"displayName"}`` for a valid name
  not taken yet (400 naming the rule otherwise). Rules: 2 to 40 characters after trimming;
  letters, digits, spaces and ``.-'_``; not already created (case-insensitive).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response

from tpnb.emulator import params
from tpnb.emulator.app import state
from tpnb.emulator.httputil import app_error, bad_param, json_response
from tpnb.emulator.routes_reviews import json_body

blueprint = Blueprint("extra", __name__, url_prefix="/v1")
NAME_MIN, NAME_MAX = 2, 40
_NAME_RE = re.compile(r"^[\w .\-']+$")
_DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _respond(payload: object, cache: str | None = "business-unit-static") -> Response:
    return json_response(payload, cache=cache, max_age=state().max_age)


def _images(bu_id: str) -> dict[str, Any]:
    return state().dataset.images_json(bu_id, params.api_base())


def _self(path: str) -> list[dict[str, str]]:
    return [{"href": f"{params.api_base()}{path}", "method": "GET", "rel": "self"}]


@blueprint.get("/business-units/<bu_id>/images/logo")
def logo(bu_id: str) -> Response:
    """The unit's logo, or one location's (``locationId``)."""
    image = _images(bu_id)["logoImage"]
    location = params.get_str("locationId")
    path = f"/business-units/{bu_id}/images/logo"
    if location is not None:
        units = state().dataset.units
        units.location_of(units.index(bu_id), location)  # 404 unless the unit's location
        path += f"?locationId={location}"
        if image is not None:
            url = str(image["url"])
            root, _, name = url.rpartition("/")
            image = {**image, "url": f"{root}/locations/{location}/{name}"}
    return _respond({"links": _self(path), "image": image})


@blueprint.get("/business-units/<bu_id>/images/header")
def header(bu_id: str) -> Response:
    """The unit's profile header image (null when it has none)."""
    image = _images(bu_id)["headerImage"]
    return _respond({"links": _self(f"/business-units/{bu_id}/images/header"), "image": image})


@blueprint.get("/business-units/<bu_id>/images/promotion-box")
def promotion_box_image(bu_id: str) -> Response:
    """The unit's promotion-box image (null when it has none)."""
    image = _images(bu_id)["promotionBoxImage"]
    path = f"/business-units/{bu_id}/images/promotion-box"
    return _respond({"links": _self(path), "image": image})


def _profile(bu_id: str) -> dict[str, Any]:
    return state().dataset.profile_info_json(bu_id, params.api_base())


def _website(bu_id: str) -> str:
    unit = state().dataset.business_unit_json(bu_id, params.api_base())
    return str(unit.get("websiteUrl") or "")


@blueprint.get("/business-units/<bu_id>/customerguarantee")
def customer_guarantee(bu_id: str) -> Response:
    """The unit's customer guarantee."""
    profile = _profile(bu_id)
    active = bool(profile["isSubscriber"])
    name = profile["companyName"]
    payload = {
        "links": _self(f"/business-units/{bu_id}/customerguarantee"),
        "isActive": active,
        "headline": f"{name} customer guarantee" if active else None,
        "text": f"{name} answers every review and resolves complaints within 14 days."
        if active
        else None,
        "imageUrl": f"{_website(bu_id)}/images/guarantee.png" if active else None,
    }
    return _respond(payload)


def _promotion(bu_id: str, kind: str) -> dict[str, Any]:
    profile = _profile(bu_id)
    active = bool(profile["isSubscriber"])
    site = _website(bu_id)
    header_text = (profile.get("description") or {}).get("header")
    return {
        "links": _self(f"/business-units/{bu_id}/{kind}"),
        "isActive": active,
        "title": (header_text or profile["companyName"]) if active else None,
        "text": f"Read what our customers say about {profile['companyName']}." if active else None,
        "linkUrl": (site or None) if active else None,
        "imageUrl": f"{site}/images/{kind}.png" if active and site else None,
    }


@blueprint.get("/business-units/<bu_id>/profilepromotion")
def profile_promotion(bu_id: str) -> Response:
    """The promotion shown on the unit's profile page."""
    return _respond(_promotion(bu_id, "profilepromotion"))


@blueprint.get("/business-units/<bu_id>/promotion-box")
def promotion_box(bu_id: str) -> Response:
    """The unit's promotion box."""
    return _respond(_promotion(bu_id, "promotion-box"))


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
    return _respond({"domainIsAvailable": not taken}, cache=None)


def _display_name() -> tuple[str, list[str]]:
    name = json_body().get("displayName")
    if not isinstance(name, str):
        raise bad_param("displayName", name, "a string")
    name = name.strip()
    errors = []
    if not NAME_MIN <= len(name) <= NAME_MAX:
        errors.append(f"must be {NAME_MIN} to {NAME_MAX} characters long")
    if name and not _NAME_RE.match(name):
        errors.append("may only contain letters, digits, spaces and . - ' _")
    if state().display_names.taken(name):
        errors.append("is already taken")
    return name, errors


@blueprint.post("/consumers/profile/displayname/validate")
def validate_display_name() -> Response:
    """Check a display name without taking it."""
    name, errors = _display_name()
    payload = {"displayName": name, "isValid": not errors, "errors": errors}
    return _respond(payload, cache=None)


@blueprint.post("/consumers/profile/displayname/create")
def create_display_name() -> Response:
    """Take a display name (201) or say which rule it breaks (400)."""
    name, errors = _display_name()
    if not errors and not state().display_names.add(name):
        errors = ["is already taken"]  # taken by a concurrent call
    if errors:
        raise app_error(
            400,
            f"Invalid displayName {name!r}: it " + "; it ".join(errors),
            details={"parameter": "displayName", "value": name, "errors": errors},
        )
    return json_response({"displayName": name}, cache=None, max_age=state().max_age, status=201)
