"""Private (OAuth) service-review routes: business-unit reviews, one review, reply, tags.

The gateway (:mod:`~.gateway`) has already checked the bearer token; every route asks it
whether the caller may manage the unit (:func:`~.gateway.require_access`, 403 otherwise, the
access rule is in its docstring); an unknown review id is 404.

Choices ([I]): private lists include reported reviews (filter with ``reported``); the date range
is ``startDateTime`` inclusive, ``endDateTime`` exclusive, zone-less values UTC; ``POST reply``
answers 201 with an empty body, ``DELETE reply`` 204; tags: ``GET`` -> ``{"tags": [...]}``,
``POST`` replaces (201), ``PUT`` adds (200), ``DELETE ?group=&value=`` removes one (204); write
bodies must be ``application/json`` (415 otherwise). Replies and tag changes post no webhook
event: Trustpilot's webhooks tell of consumer actions only (a review written, modified or
deleted; the admin API's review mutations stand for those).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from tpnb.emulator.api import listing, params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.gateway import require_access
from tpnb.emulator.api.responses import bad_param, empty_response, json_response
from tpnb.emulator.data.reviews import FIND_REVIEWER

blueprint = Blueprint("private", __name__, url_prefix="/v1/private")


def _review_unit(review_id: str) -> str:
    """The business unit of a review the caller may manage (404 unknown, 403 another's)."""
    bu_id = state().dataset.review_business_unit_id(review_id)
    require_access(bu_id)
    return bu_id


@blueprint.get("/business-units/<bu_id>/reviews")
def reviews(bu_id: str) -> Response:
    """``GET /private/business-units/{id}/reviews`` with the private filters."""
    require_access(bu_id)
    filters = listing.public_filters()
    filters["include_reported"] = True
    find_reviewer = params.get_str("findReviewer")
    if find_reviewer is not None and find_reviewer not in FIND_REVIEWER:
        raise bad_param("findReviewer", find_reviewer, " or ".join(FIND_REVIEWER))
    start, end = params.get_datetime("startDateTime"), params.get_datetime("endDateTime")
    if start is not None and end is not None and end < start:
        raise bad_param(
            "endDateTime", params.get_str("endDateTime"), "a date-time >= startDateTime"
        )
    filters.update(
        reported=params.get_bool("reported"),
        start=start,
        end=end,
        reference_id=params.get_str("referenceId"),
        referral_email=params.get_str("referralEmail"),
        source=params.get_str("source"),
        username=params.get_str("username"),
        find_reviewer=find_reviewer,
    )
    listing.page_and_size()
    rows = state().dataset.query_reviews(business_unit_id=bu_id, **filters)
    return listing.review_list(rows, private=True, cache=None)


@blueprint.get("/reviews/<review_id>")
def review(review_id: str) -> Response:
    """``GET /private/reviews/{id}``."""
    _review_unit(review_id)
    review = state().dataset.review_json_by_id(review_id, params.api_base(), private=True)
    return json_response(review, cache=None)


@blueprint.post("/reviews/<review_id>/reply")
def reply(review_id: str) -> Response:
    """``POST /private/reviews/{id}/reply`` with ``{"authorBusinessUserId", "message"}``.

    ``submittedAt`` (optional, an ISO 8601 date-time, the current docs' field) is checked; the
    reply is dated when the emulator receives it.
    """
    bu_id = _review_unit(review_id)
    body = params.json_body()
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        raise bad_param("message", message, "a non-empty string")
    author = body.get("authorBusinessUserId")
    user = state().dataset.accounts.find_user(author) if isinstance(author, str) else None
    if user is None or bu_id not in user.business_unit_ids:
        raise bad_param(
            "authorBusinessUserId", author, "the id of a business user of this business unit"
        )
    submitted = body.get("submittedAt")
    if submitted is not None and params.iso_datetime(submitted) is None:
        raise bad_param(
            "submittedAt", submitted, "an ISO 8601 date-time such as 2024-07-15T12:00:00 (optional)"
        )
    state().dataset.set_reply(review_id, message, author)
    return empty_response(201)


@blueprint.delete("/reviews/<review_id>/reply")
def delete_reply(review_id: str) -> Response:
    """``DELETE /private/reviews/{id}/reply``."""
    _review_unit(review_id)
    state().dataset.delete_reply(review_id)
    return empty_response(204)


def _tags_body() -> list[dict[str, str]]:
    tags = params.json_body().get("tags")
    allowed = 'a JSON list of {"group": str, "value": str} objects'
    if not isinstance(tags, list):
        raise bad_param("tags", tags, allowed)
    out: list[dict[str, str]] = []
    for tag in tags:
        if (
            not isinstance(tag, dict)
            or not isinstance(tag.get("group"), str)
            or not isinstance(tag.get("value"), str)
            or not tag["group"]
            or not tag["value"]
        ):
            raise bad_param("tags", tag, allowed)
        out.append({"group": tag["group"], "value": tag["value"]})
    return out


@blueprint.get("/reviews/<review_id>/tags")
def tags(review_id: str) -> Response:
    """``GET /private/reviews/{id}/tags``."""
    _review_unit(review_id)
    return json_response({"tags": state().dataset.review_tags(review_id)}, cache=None)


@blueprint.post("/reviews/<review_id>/tags")
def set_tags(review_id: str) -> Response:
    """``POST /private/reviews/{id}/tags``: replace the tags."""
    _review_unit(review_id)
    state().dataset.set_review_tags(review_id, _tags_body())
    return empty_response(201)


@blueprint.put("/reviews/<review_id>/tags")
def add_tags(review_id: str) -> Response:
    """``PUT /private/reviews/{id}/tags``: add tags."""
    _review_unit(review_id)
    state().dataset.add_review_tags(review_id, _tags_body())
    return empty_response(200)


@blueprint.delete("/reviews/<review_id>/tags")
def remove_tag(review_id: str) -> Response:
    """``DELETE /private/reviews/{id}/tags?group=&value=``."""
    _review_unit(review_id)
    group, value = params.get_str("group"), params.get_str("value")
    if group is None:
        raise bad_param("group", None, "the tag group (required)")
    if value is None:
        raise bad_param("value", None, "the tag value (required)")
    state().dataset.remove_review_tag(review_id, group, value)
    return empty_response(204)


@blueprint.post("/reviews/<review_id>/find-reviewer")
def find_reviewer(review_id: str) -> Response:
    """``POST /private/reviews/{id}/find-reviewer``: recorded, answered 201 with no body.

    The docs' answer is a serialized .NET ``HttpResponseMessage`` with no request id ([C]); the
    status code is [U], 201 with an empty body is [I]. The request then shows, with its UUID and
    ``"status": "Pending"``, in the private review's ``findReviewer.requests``.
    """
    _review_unit(review_id)
    body: dict[str, Any] = params.json_body()
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise bad_param("message", message, "a string or null")
    skip = body.get("skipNotificationEmailToBusinessUser")
    if skip is not None and not isinstance(skip, bool):
        raise bad_param("skipNotificationEmailToBusinessUser", skip, "true, false or null")
    state().dataset.request_find_reviewer(review_id, message)
    return empty_response(201)
