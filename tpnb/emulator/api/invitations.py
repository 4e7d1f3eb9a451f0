"""Invitation API routes (stand in for ``https://invitations-api.trustpilot.com/v1``).

Served under ``/invitations-api/v1``; every path is private (bearer token, unit access as
:func:`~.gateway.require_access` decides). Bodies must be ``application/json`` (415 otherwise).
Choices ([I]: the responses are not documented). A ``locationId`` must be a location of the
unit (400 otherwise) and is recorded:

* ``POST /private/business-units/{id}/email-invitations``: needs ``consumerEmail`` and
  ``consumerName``; answers 202 with an empty body and records the invitation (without
  sending anything) in ``server.admin.invitations``;
* ``POST /private/business-units/{id}/invitation-links``: needs ``email``; answers 200
  ``{"id", "url"}``;
* ``GET /private/business-units/{id}/templates``: ``{"templates": [{id, name,
  isDefaultTemplate, locale, language, type}]}`` (a default and a reminder template per unit);
* ``POST /private/business-units/{id}/invitation-data/delete``: ``customerEmails`` (list) or
  ``deleteOlderThan`` (date-time), not both; answers 202 and forgets matching invitations.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from flask import Blueprint, Response

from tpnb.emulator.api import params
from tpnb.emulator.api.context import state
from tpnb.emulator.api.gateway import require_access
from tpnb.emulator.api.responses import app_error, bad_param, empty_response, json_response
from tpnb.emulator.data.stores import now_iso

blueprint = Blueprint(
    "invitations", __name__, url_prefix="/invitations-api/v1/private/business-units/<bu_id>"
)
WEB_BASE = "https://www.trustpilot.com"


def _string(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    return params.text_value(body.get(name), name, required=required)


def _location(body: dict[str, Any], bu_id: str) -> str | None:
    value = _string(body, "locationId", required=False)
    if value is not None and value not in state().dataset.location_ids(bu_id):
        raise bad_param("locationId", value, f"a location id of business unit {bu_id}")
    return value


def _tags(body: dict[str, Any]) -> list[str]:
    tags = body.get("tags")
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise bad_param("tags", tags, "a JSON list of non-empty strings")
    return tags


@blueprint.post("/email-invitations")
def email_invitation(bu_id: str) -> Response:
    """Record an email invitation (202)."""
    require_access(bu_id)
    body = params.json_body()
    record = {
        "type": "email",
        "businessUnitId": bu_id,
        "consumerEmail": params.email_value(body.get("consumerEmail"), "consumerEmail"),
        "consumerName": _string(body, "consumerName", required=True),
        "referenceNumber": _string(body, "referenceNumber", required=False),
        "locationId": _location(body, bu_id),
        "locale": _string(body, "locale", required=False),
        "serviceReviewInvitation": body.get("serviceReviewInvitation"),
        "productReviewInvitation": body.get("productReviewInvitation"),
        "createdAt": now_iso(),
    }
    state().invitations.add(record)
    return empty_response(202)


@blueprint.post("/invitation-links")
def invitation_link(bu_id: str) -> Response:
    """Create a service-review invitation link."""
    require_access(bu_id)
    body = params.json_body()
    link_id = uuid.uuid4().hex[:24]
    record = {
        "type": "link",
        "id": link_id,
        "businessUnitId": bu_id,
        "email": params.email_value(body.get("email"), "email"),
        "name": _string(body, "name", required=False),
        "referenceId": _string(body, "referenceId", required=False),
        "locationId": _location(body, bu_id),
        "locale": _string(body, "locale", required=False),
        "tags": _tags(body),
        "redirectUri": _string(body, "redirectUri", required=False),
        "createdAt": now_iso(),
    }
    state().invitations.add(record)
    url = f"{WEB_BASE}/evaluate-link/{link_id}"
    return json_response({"id": link_id, "url": url}, cache=None)


@blueprint.get("/templates")
def templates(bu_id: str) -> Response:
    """List invitation templates."""
    require_access(bu_id)
    items = []
    for name, kind, default in (
        ("Default service review invitation", "Invitation", True),
        ("Reminder", "Reminder", False),
    ):
        template_id = hashlib.sha1(f"{bu_id}:{name}".encode()).hexdigest()[:24]
        items.append(
            {
                "id": template_id,
                "name": name,
                "isDefaultTemplate": default,
                "locale": "en-US",
                "language": "en",
                "type": kind,
            }
        )
    return json_response({"templates": items}, cache=None)


@blueprint.post("/invitation-data/delete")
def delete_data(bu_id: str) -> Response:
    """Forget invitations by customer email or by age (not both)."""
    require_access(bu_id)
    body = params.json_body()
    emails, older = body.get("customerEmails"), body.get("deleteOlderThan")
    if (emails is None) == (older is None):
        raise app_error(400, "Give exactly one of 'customerEmails' and 'deleteOlderThan'")
    if emails is not None and (
        not isinstance(emails, list) or not all(isinstance(e, str) for e in emails)
    ):
        raise bad_param("customerEmails", emails, "a list of email addresses")
    if older is not None and not isinstance(older, str):
        raise bad_param("deleteOlderThan", older, "an ISO 8601 date-time")
    state().invitations.forget(bu_id, {e.lower() for e in emails or []}, older)
    return empty_response(202)
