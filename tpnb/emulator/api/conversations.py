"""Conversations on product reviews (§2.7): a business replies to a product review in comments.

Paths and request bodies are [C] (BRUNO and its README); the responses are [I] except where the
README shows them:

* ``POST /private/product-reviews/{reviewId}/create-conversation`` (no body needed) -> 201
  ``{"conversationId"}`` [C shape]; a review has at most one conversation: calling again answers
  200 with the same id. The private product review's ``conversationId`` then names it;
* ``GET /private/conversations/{id}`` -> ``{"id", "businessUnitId", "consumerId", "source":
  "Product reviews", "sourceId", "state", "createdAt", "updatedAt", "productReviewId",
  "comments": [comment...]}`` (the docs' example starts with the first five [C]);
* ``POST /private/conversations/{id}/comments`` ``{"content", "integrationId"}`` -> 201 comment
  ``{"commentId", "createdAt", "updatedAt", "author": {"id", "type": "businessUser"},
  "content", "integrationId"}`` [C fields commentId, createdAt, author, content]. The author is
  the token's business user; a client-credentials token must name one with
  ``x-business-user-id`` (400 otherwise);
* ``GET``/``PUT /private/conversations/{id}/comments/{commentId}`` (PUT ``{"content"}``) -> the
  comment;
* ``POST /private/conversations/{id}/state`` ``{"state": "public" | "private"}`` -> 200 the
  conversation;
* ``GET /conversations/{id}`` (public, apikey) -> the conversation without ``integrationId``s,
  only once it is ``public`` (404 before, as for an unknown id).

A conversation of a unit the caller may not manage is 403 (like its reviews); unknown ids 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from tpnb.emulator.api import params
from tpnb.emulator.api.context import identity, state
from tpnb.emulator.api.gateway import require_access
from tpnb.emulator.api.responses import bad_param, json_response

blueprint = Blueprint("conversations", __name__, url_prefix="/v1")
STATES = ("public", "private")
MAX_CONTENT = 10_000


def _conversation(conv_id: str) -> dict[str, Any]:
    """A conversation of a unit the caller may manage (404 unknown, 403 another's)."""
    conv = state().conversations.get(conv_id)
    require_access(str(conv["businessUnitId"]))
    return conv


def _content(body: dict[str, Any]) -> str:
    content = body.get("content")
    if not isinstance(content, str) or not content.strip() or len(content) > MAX_CONTENT:
        raise bad_param("content", content, f"a non-empty string of at most {MAX_CONTENT} chars")
    return content


@blueprint.post("/private/product-reviews/<review_id>/create-conversation")
def create(review_id: str) -> Response:
    """Start (or find) the conversation of a product review."""
    product_reviews = state().dataset.product_reviews
    bu_id = product_reviews.business_unit_id(product_reviews.row(review_id))
    require_access(bu_id)
    row = product_reviews.row(review_id)
    consumer_id = str(product_reviews.json(row, params.api_base())["consumer"]["id"])
    conv_id, created = state().conversations.create(review_id, bu_id, consumer_id)
    return json_response({"conversationId": conv_id}, cache=None, status=201 if created else 200)


@blueprint.get("/private/conversations/<conv_id>")
def get(conv_id: str) -> Response:
    """One conversation with its comments."""
    return json_response(_conversation(conv_id), cache=None)


@blueprint.post("/private/conversations/<conv_id>/comments")
def add_comment(conv_id: str) -> Response:
    """Comment on a conversation as the token's business user."""
    _conversation(conv_id)
    body = params.json_body()
    content = _content(body)
    integration = body.get("integrationId")
    if integration is not None and not isinstance(integration, str):
        raise bad_param("integrationId", integration, "a string or null")
    user = identity().user
    if user is None:
        raise bad_param(
            "x-business-user-id",
            None,
            "the id of the commenting business user (header or query; required with a "
            "client-credentials token)",
        )
    comment = state().conversations.add_comment(conv_id, content, user.id, integration)
    return json_response(comment, cache=None, status=201)


@blueprint.get("/private/conversations/<conv_id>/comments/<comment_id>")
def get_comment(conv_id: str, comment_id: str) -> Response:
    """One comment."""
    _conversation(conv_id)
    return json_response(state().conversations.comment(conv_id, comment_id), cache=None)


@blueprint.put("/private/conversations/<conv_id>/comments/<comment_id>")
def update_comment(conv_id: str, comment_id: str) -> Response:
    """Edit a comment's content."""
    _conversation(conv_id)
    state().conversations.comment(conv_id, comment_id)  # 404 before the body is checked
    content = _content(params.json_body())
    return json_response(
        state().conversations.update_comment(conv_id, comment_id, content), cache=None
    )


@blueprint.post("/private/conversations/<conv_id>/state")
def set_state(conv_id: str) -> Response:
    """Make a conversation public (visible under /conversations/{id}) or private again."""
    _conversation(conv_id)
    new_state = params.json_body().get("state")
    if not isinstance(new_state, str) or new_state.lower() not in STATES:
        raise bad_param("state", new_state, " or ".join(STATES))
    return json_response(state().conversations.set_state(conv_id, new_state.lower()), cache=None)


@blueprint.get("/conversations/<conv_id>")
def public(conv_id: str) -> Response:
    """A public conversation (404 while it is private)."""
    conv = state().conversations.public(conv_id)
    return json_response(conv, cache="review")
