"""Webhook events as the archive understands them: validation and merging (pure, no I/O).

Trustpilot POSTs ``{"events": [{"eventName", "version", "eventData"}]}`` (API notes §3.5).
``service-review-created`` and ``-updated`` carry ``id, language, title, text, referenceId,
stars, createdAt, isVerified, locationId, link, consumer{id, name, link}, tags``; ``-deleted``
carries at least ``id``. No event carries the business unit, the consumer's email, the reply or
``updatedAt``: the archive keeps what the event gives, merged over what it already had, and marks
the review so that the next sync of its unit fetches the full record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tpnb.store.schema import canonical, strip_links

CREATED = "service-review-created"
UPDATED = "service-review-updated"
DELETED = "service-review-deleted"
KNOWN_EVENTS = (CREATED, UPDATED, DELETED)


class EventError(ValueError):
    """A webhook body or event that is not in the documented shape (the receiver answers 400)."""


@dataclass(frozen=True)
class Event:
    """One validated event: its name, the review id, its data and a digest for replays."""

    name: str
    review_id: str | None
    data: Mapping[str, Any]
    digest: str

    @property
    def known(self) -> bool:
        """Whether the archive applies it (unknown names are ignored and logged)."""
        return self.name in KNOWN_EVENTS


def parse_events(body: object) -> list[Event]:
    """Validate a decoded webhook body and return its events, in order.

    Raises:
        EventError: When the body is not ``{"events": [...]}``, an event is not an object with a
            string ``eventName`` and an object ``eventData``, or a known event has no string
            ``eventData.id``.
    """
    if not isinstance(body, Mapping) or not isinstance(body.get("events"), list):
        raise EventError('the body must be a JSON object {"events": [...]}')
    out: list[Event] = []
    for index, item in enumerate(body["events"]):
        if not isinstance(item, Mapping):
            raise EventError(f"events[{index}] must be an object")
        name, data = item.get("eventName"), item.get("eventData")
        if not isinstance(name, str) or not name:
            raise EventError(f"events[{index}].eventName must be a non-empty string")
        if not isinstance(data, Mapping):
            raise EventError(f"events[{index}].eventData must be an object")
        review_id = data.get("id")
        if name in KNOWN_EVENTS and (not isinstance(review_id, str) or not review_id):
            raise EventError(f"events[{index}].eventData.id must be a non-empty string")
        digest = hashlib.sha256(canonical(item).encode()).hexdigest()
        out.append(
            Event(name, review_id if isinstance(review_id, str) else None, dict(data), digest)
        )
    return out


def _obj(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def merge_review(
    stored: Mapping[str, Any] | None, data: Mapping[str, Any], unit_id: str | None
) -> dict[str, Any]:
    """The review JSON after a created/updated event: the event's fields over the stored ones.

    Fields the event does not carry (``updatedAt``, ``companyReply``, ``referralEmail``, the
    consumer's location ...) keep their stored value, or are null for a review seen first here.

    Args:
        stored: The archived review JSON, if any.
        data: The event's ``eventData``.
        unit_id: The business unit the receiver was told the subscription is for, if known.
    """
    if stored is None:
        review: dict[str, Any] = {
            "id": data["id"],
            "businessUnit": {"id": unit_id} if unit_id else None,
            "updatedAt": None,
            "companyReply": None,
            "referralEmail": None,
            "location": None,
        }
    else:
        review = strip_links(dict(stored))
        if unit_id and not _obj(review.get("businessUnit")).get("id"):
            review["businessUnit"] = {**_obj(review.get("businessUnit")), "id": unit_id}
    for src, dst in (
        ("language", "language"),
        ("title", "title"),
        ("text", "text"),
        ("referenceId", "referenceId"),
        ("stars", "stars"),
        ("createdAt", "createdAt"),
        ("isVerified", "isVerified"),
    ):
        if src in data:
            review[dst] = data[src]
    if "tags" in data and isinstance(data["tags"], list):
        review["tags"] = [
            {"group": t.get("group"), "value": t.get("value")}
            for t in data["tags"]
            if isinstance(t, Mapping)
        ]
    if "locationId" in data:
        location_id = data["locationId"]
        old = _obj(review.get("location"))
        if location_id is None:
            review["location"] = None
        elif old.get("id") != location_id:
            review["location"] = {"id": location_id}
    if isinstance(data.get("consumer"), Mapping):
        consumer = data["consumer"]
        old = _obj(review.get("consumer"))
        if old.get("id") != consumer.get("id"):
            old = {}
        old["id"] = consumer.get("id")
        if "name" in consumer:
            old["displayName"] = consumer.get("name")
        review["consumer"] = old
    return review
