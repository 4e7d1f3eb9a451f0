"""Public consumer routes: consumers, their profiles and reviews, and display names.

* ``GET /consumers/{id}``, ``/profile``, ``/web-links?locale=`` (locale required),
  ``/reviews`` (page-numbered like business-unit reviews, plus ``businessUnitId``);
  ``POST /consumers/profile/bulk`` with JSON ``{"consumerIds": [...]}`` (1..100 ids [I]);
* ``POST /consumers/profile/displayname/validate`` ``{"displayName"}`` -> 200 ``{"displayName",
  "isValid", "errors": [str]}``; ``POST .../create`` -> 201 ``{"displayName"}`` for a valid name
  not taken yet (400 naming the rule otherwise). Rules ([I]: the paths are [C], BRUNO; the
  shapes are not documented): 2 to 40 characters after trimming; letters, digits, spaces and
  ``.-'_``; not already created (case-insensitive).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response

from tpnb.emulator.api import listing, params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.responses import app_error, bad_param, json_response

blueprint = Blueprint("consumers", __name__, url_prefix="/v1/consumers")
MAX_BULK_IDS = 100
NAME_MIN, NAME_MAX = 2, 40
_NAME_RE = re.compile(r"^[\w .\-']+$")


@blueprint.get("/<consumer_id>")
def consumer(consumer_id: str) -> Response:
    """``GET /consumers/{id}``."""
    return json_response(state().dataset.consumer_json(consumer_id, params.api_base()),
                         cache="consumer")  # fmt: skip


@blueprint.get("/<consumer_id>/profile")
def consumer_profile(consumer_id: str) -> Response:
    """``GET /consumers/{id}/profile``."""
    return json_response(state().dataset.consumer_profile_json(consumer_id), cache="consumer")


@blueprint.get("/<consumer_id>/web-links")
def consumer_web_links(consumer_id: str) -> Response:
    """``GET /consumers/{id}/web-links?locale=``."""
    locale = params.required_locale()
    data = state().dataset.consumer_web_links_json(consumer_id, locale, params.api_base())
    return json_response(data, cache="consumer")


@blueprint.get("/<consumer_id>/reviews")
def consumer_reviews(consumer_id: str) -> Response:
    """``GET /consumers/{id}/reviews``."""
    state().dataset.consumers.index(consumer_id)  # an unknown consumer is a 404 before any 400
    filters = listing.public_filters()
    filters["business_unit_id"] = params.get_str("businessUnitId")
    listing.page_and_size()
    rows = state().dataset.query_reviews(consumer_id=consumer_id, **filters)
    return listing.review_list(rows, private=False, cache="review-list")


@blueprint.post("/profile/bulk")
def consumers_bulk() -> Response:
    """``POST /consumers/profile/bulk`` with ``{"consumerIds": [...]}``."""
    ids = params.json_body().get("consumerIds")
    allowed = f"a JSON list of 1 to {MAX_BULK_IDS} consumer id strings"
    if (
        not isinstance(ids, list)
        or not 1 <= len(ids) <= MAX_BULK_IDS
        or not all(isinstance(i, str) for i in ids)
    ):
        raise bad_param("consumerIds", ids, allowed)
    return json_response(state().dataset.consumers_bulk_json(ids), cache=None)


def _display_name() -> tuple[str, list[str]]:
    name = params.json_body().get("displayName")
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


@blueprint.post("/profile/displayname/validate")
def validate_display_name() -> Response:
    """Check a display name without taking it."""
    name, errors = _display_name()
    payload = {"displayName": name, "isValid": not errors, "errors": errors}
    return json_response(payload, cache=None)


@blueprint.post("/profile/displayname/create")
def create_display_name() -> Response:
    """Take a display name (201) or say which rule it breaks (400)."""
    name, errors = _display_name()
    if not errors and not state().display_names.add(name):
        errors = ["is already taken"]  # taken by a concurrent call
    if errors:
        raise app_error(
            400,
            f"Invalid displayName {name!r}: it " + "; it ".join(errors),
        )
    return json_response({"displayName": name}, cache=None, status=201)
