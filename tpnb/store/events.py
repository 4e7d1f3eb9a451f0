"""Webhook events as the archive understands them: decoding, validation, ordering, merging.

Pure functions, no I/O. Trustpilot POSTs ``{"events": [{"eventName", "version", "eventData"}]}``
(API notes §3.5). ``service-review-created`` and ``-updated`` carry ``id, language, title, text,
referenceId, stars, createdAt, isVerified, locationId, link, consumer{id, name, link}, tags``;
``-deleted`` carries at least ``id``. No event carries an event id, the business unit, the
consumer's email, the reply or (as documented) ``updatedAt``: the archive keeps what the event
gives, merged over what it already had, and marks the review so that the next sync of its unit
fetches the full record.

Validation is per event: :func:`parse_events` returns the valid events and, separately, each
invalid one with the reason (its index and the field). A valid service-review event has a 24-hex
``id``; ``stars`` a whole number 1..5; ``isVerified`` a boolean (or null); ``createdAt`` an ISO
8601 timestamp; ``updatedAt`` (when present) one or null; ``language``, ``title``, ``text``,
``referenceId``, ``locationId``, ``link`` strings or null; ``consumer`` an object whose ``id``
and ``name`` are strings or null; ``tags`` a list of ``{"group", "value"}`` with non-empty
strings. Fields the documentation does not name are accepted and not stored. Product-review
events (``product-review-*``) are recognised and not validated: the archive keeps service
reviews only, so the intake skips them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tpnb import params
from tpnb.errors import ConfigError
from tpnb.store.schema import canonical, iso, strip_links

CREATED = "service-review-created"
UPDATED = "service-review-updated"
DELETED = "service-review-deleted"
SERVICE_EVENTS = (CREATED, UPDATED, DELETED)
#: Product-review events (``-updated``/``-deleted`` are inferred names, API notes §3.5).
PRODUCT_EVENTS = ("product-review-created", "product-review-updated", "product-review-deleted")
#: Deepest nesting of arrays and objects a body may have (a real one has 6 levels).
MAX_DEPTH = 32

_TEXT_FIELDS = ("language", "title", "text", "referenceId", "locationId", "link")


class EventError(ValueError):
    """A webhook body that is not JSON in the documented shape (the receiver answers 400)."""


@dataclass(frozen=True)
class Event:
    """One valid event: its position in the body, name, review id, data and a digest.

    The digest (sha256 of the event's canonical JSON) identifies identical events in the
    archive's record of received events; it is not an event id, and not used to drop events.
    """

    index: int
    name: str
    review_id: str | None
    data: Mapping[str, Any]
    digest: str

    @property
    def is_service(self) -> bool:
        """A service-review event, which the archive applies."""
        return self.name in SERVICE_EVENTS

    @property
    def is_product(self) -> bool:
        """A product-review event, which the archive skips (it keeps service reviews only)."""
        return self.name in PRODUCT_EVENTS


@dataclass(frozen=True)
class Rejection:
    """An event that was refused, and why (``events[2].eventData.stars must be ...``)."""

    index: int
    reason: str


@dataclass(frozen=True)
class Batch:
    """The events of one body: the valid ones in order, and the refused ones."""

    events: list[Event] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_body(raw: bytes) -> object:
    """The JSON value of a body: UTF-8, standard JSON only, nested at most :data:`MAX_DEPTH`.

    Raises:
        EventError: Naming what is wrong (encoding, syntax, nesting).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EventError("the body is not UTF-8 text") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise EventError(f"the body nests too deep (more than {MAX_DEPTH} levels)") from None
    except ValueError as exc:
        raise EventError(f"the body is not valid JSON ({exc})") from None
    if _depth(value) > MAX_DEPTH:
        raise EventError(f"the body nests too deep (more than {MAX_DEPTH} levels)")
    return value


def _depth(value: object) -> int:
    """How deeply arrays and objects nest in a decoded JSON value (no recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:  # no need to look deeper than the limit
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_events(body: object) -> Batch:
    """Validate a decoded webhook body, event by event.

    Returns:
        The valid events (in order) and the refused ones, each with its reason.

    Raises:
        EventError: When the body itself is not ``{"events": [...]}``.
    """
    if not isinstance(body, Mapping) or not isinstance(body.get("events"), list):
        raise EventError('the body must be a JSON object {"events": [...]}')
    batch = Batch()
    for index, item in enumerate(body["events"]):
        where = f"events[{index}]"
        try:
            batch.events.append(_event(index, item, where))
        except ValueError as exc:
            batch.rejected.append(Rejection(index, str(exc)))
    return batch


def _event(index: int, item: object, where: str) -> Event:
    """One event of the body, validated (``ValueError`` naming the field otherwise)."""
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} must be an object")
    name = item.get("eventName")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}.eventName must be a non-empty string")
    data = item.get("eventData")
    digest = hashlib.sha256(canonical(item).encode()).hexdigest()
    if name not in SERVICE_EVENTS:  # product or unknown events: skipped, their data unchecked
        review_id = data.get("id") if isinstance(data, Mapping) else None
        safe_id = review_id if isinstance(review_id, str) else None
        return Event(index, name, safe_id, dict(data) if isinstance(data, Mapping) else {}, digest)
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}.eventData must be an object")
    try:
        review_id = params.review_id(data.get("id"))
    except ConfigError:
        raise ValueError(
            f"{where}.eventData.id must be a review id of 24 hexadecimal characters, "
            f"got {_shown(data.get('id'))}"
        ) from None
    if name != DELETED:  # a deletion needs only the id; nothing else of it is stored
        _check_review_data(data, f"{where}.eventData")
    return Event(index, name, review_id, {**data, "id": review_id}, digest)


def _shown(value: object) -> str:
    """A value for an error message, cut short (a body may be a megabyte)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_review_data(data: Mapping[str, Any], where: str) -> None:
    """Raise ``ValueError`` naming the first field of a created/updated event of the wrong type."""
    stars = data.get("stars", 1)
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValueError(f"{where}.stars must be a whole number 1..5, got {_shown(stars)}")
    if "createdAt" in data:
        _check_time(data["createdAt"], f"{where}.createdAt", nullable=False)
    if "updatedAt" in data:
        _check_time(data["updatedAt"], f"{where}.updatedAt", nullable=True)
    verified = data.get("isVerified")
    if verified is not None and not isinstance(verified, bool):
        raise ValueError(f"{where}.isVerified must be true, false or null, got {_shown(verified)}")
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where}.{name} must be a string or null, got {_shown(value)}")
    consumer = data.get("consumer")
    if consumer is not None:
        if not isinstance(consumer, Mapping):
            raise ValueError(f"{where}.consumer must be an object, got {_shown(consumer)}")
        for name in ("id", "name"):
            value = consumer.get(name)
            if value is not None and not isinstance(value, str):
                raise ValueError(
                    f"{where}.consumer.{name} must be a string or null, got {_shown(value)}"
                )
    tags = data.get("tags")
    if tags is not None:
        if not isinstance(tags, list):
            raise ValueError(f"{where}.tags must be a list, got {_shown(tags)}")
        for position, tag in enumerate(tags):
            ok = isinstance(tag, Mapping) and all(
                isinstance(tag.get(key), str) and tag.get(key) for key in ("group", "value")
            )
            if not ok:
                raise ValueError(
                    f"{where}.tags[{position}] must be an object with non-empty string "
                    f"'group' and 'value', got {_shown(tag)}"
                )


def _check_time(value: object, where: str, *, nullable: bool) -> None:
    if value is None and nullable:
        return
    if not isinstance(value, str):
        kind = "an ISO 8601 timestamp string" + (" or null" if nullable else "")
        raise ValueError(f"{where} must be {kind}, got {_shown(value)}")
    try:
        iso(value)
    except ValueError:
        raise ValueError(
            f"{where} must be an ISO 8601 timestamp such as 2025-03-01T10:00:00Z, "
            f"got {_shown(value)}"
        ) from None


# --------------------------------------------------------------------------- ordering
def version(review: Mapping[str, Any]) -> str | None:
    """When a review JSON's state dates from: ``updatedAt``, else ``createdAt`` (archive text)."""
    for key in ("updatedAt", "createdAt"):
        value = review.get(key)
        if isinstance(value, str):
            try:
                return iso(value)
            except ValueError:
                return None
    return None


def is_older(event: Event, stored: Mapping[str, Any]) -> bool:
    """Whether an event's state is older than the stored review's (so it must not win).

    Events are ordered by the review's own timestamps where they carry them: an event with
    ``updatedAt`` is older when that is before the stored ``updatedAt`` (or ``createdAt``).
    A ``created`` event describes the review's first state, so it never wins over a stored
    review (it may only fill fields the stored JSON lacks, see :func:`merge_review`). An
    ``updated`` event without ``updatedAt`` (the documented payload) is taken as the newest:
    arrival order is all there is to go by.
    """
    stored_version = version(stored)
    updated = event.data.get("updatedAt")
    event_version = iso(updated) if isinstance(updated, str) else None
    return (
        event_version is not None and stored_version is not None and event_version < stored_version
    )


# --------------------------------------------------------------------------- merging
def _obj(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def merge_review(
    stored: Mapping[str, Any] | None,
    data: Mapping[str, Any],
    unit_id: str | None,
    *,
    fill_only: bool = False,
) -> dict[str, Any]:
    """The review JSON after a created/updated event: the event's fields over the stored ones.

    Fields the event does not carry (``companyReply``, ``referralEmail``, the consumer's
    location ...) keep their stored value, or are null for a review seen first here.

    Args:
        stored: The archived review JSON, if any.
        data: The event's validated ``eventData``.
        unit_id: The business unit the receiver was told the subscription is for, if known.
        fill_only: Only set fields the stored JSON does not have (a late ``created`` event).
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

    def settable(key: str) -> bool:
        return not fill_only or key not in review

    for key in ("language", "title", "text", "referenceId", "stars", "createdAt", "isVerified"):
        if key in data and settable(key):
            review[key] = data[key]
    if data.get("updatedAt") is not None and settable("updatedAt"):
        review["updatedAt"] = data["updatedAt"]
    if isinstance(data.get("tags"), list) and settable("tags"):
        review["tags"] = [{"group": t["group"], "value": t["value"]} for t in data["tags"]]
    if "locationId" in data and settable("location"):
        location_id = data["locationId"]
        old = _obj(review.get("location"))
        if location_id is None:
            review["location"] = None
        elif old.get("id") != location_id:
            review["location"] = {"id": location_id}
    if isinstance(data.get("consumer"), Mapping) and settable("consumer"):
        consumer = data["consumer"]
        old = _obj(review.get("consumer"))
        if old.get("id") != consumer.get("id"):
            old = {}
        old["id"] = consumer.get("id")
        if "name" in consumer:
            old["displayName"] = consumer.get("name")
        review["consumer"] = old
    return review
