"""Applying webhook events to an archive: one transaction per POST, idempotent, newest state wins.

Events carry no id (API notes §3.5), so a repeat cannot be recognised by a digest of the event:
"tag added, removed, added again" sends the same event twice, legitimately. Instead an event is
compared with what the archive holds. Order of operations for each valid event of a POST (all
in one transaction):

1. a product-review event is counted as ignored and logged at INFO (the archive keeps service
   reviews only); an unknown ``eventName`` is counted as ignored and logged at WARNING;
2. the event is recorded in ``webhook_events`` (its digest, name, review id and when it was last
   received): a record of what came in, not used to decide anything;
3. ``service-review-deleted`` deletes the review (replies and tags with it) and leaves a
   tombstone; for a review already tombstoned it is a duplicate;
4. ``service-review-created`` / ``-updated`` for a tombstoned review is stale (not applied);
5. an event that would change nothing in the stored JSON is a duplicate (a repeated delivery);
6. a ``created`` event for a review the archive already holds is older than what is stored (an
   update overtook it): it only fills fields the stored JSON lacks, else it is stale; an event
   whose ``updatedAt`` is before the stored review's is stale (:func:`tpnb.store.events.is_older`);
7. otherwise the event's fields are merged over the stored JSON and the review is marked
   ``needs_completion`` for the next sync (events carry no email, reply or ``updatedAt``).

What cannot be told apart without event ids or timestamps: a redelivery of an *old* ``updated``
event arriving after a newer one is applied (then corrected by the next sync, which fetches
every review an event touched).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tpnb.store.archive import Archive, now_iso
from tpnb.store.events import CREATED, DELETED, Event, is_older, merge_review
from tpnb.store.schema import canonical

logger = logging.getLogger(__name__)

APPLIED, DUPLICATE, IGNORED, STALE = "applied", "duplicates", "ignored", "stale"


@dataclass(frozen=True)
class EventOutcome:
    """What one webhook POST did to the archive."""

    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    stale: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (the receiver's JSON answer)."""
        return asdict(self)


def apply_events(
    archive: Archive, events: Sequence[Event], *, business_unit_id: str | None = None
) -> EventOutcome:
    """Apply validated events to ``archive`` in one transaction.

    Args:
        archive: The archive to write.
        events: Valid events, from :func:`tpnb.store.events.parse_events` (``.events``).
        business_unit_id: The unit the subscription is for, when known (events do not say).

    Returns:
        The counts of applied, duplicate, ignored (product or unknown) and stale events.
    """
    counts: Counter[str] = Counter()
    with archive.transaction() as conn:
        for event in events:
            counts[_apply(archive, conn, event, business_unit_id)] += 1
    return EventOutcome(counts[APPLIED], counts[DUPLICATE], counts[IGNORED], counts[STALE])


def _apply(archive: Archive, conn: sqlite3.Connection, event: Event, unit_id: str | None) -> str:
    """Apply one event inside the POST's transaction; return its outcome."""
    if event.is_product:
        logger.info(
            "%s event for product review %r not stored: the archive keeps service reviews only",
            event.name,
            (event.review_id or "?")[:40],
        )
        return IGNORED
    if not event.is_service:
        logger.warning("ignoring webhook event with unknown name %r", event.name[:80])
        return IGNORED
    review_id = event.review_id
    assert review_id is not None  # parse_events checks it for service-review events
    conn.execute(
        "INSERT OR REPLACE INTO webhook_events VALUES (?, ?, ?, ?)",
        (event.digest, event.name, review_id, now_iso()),
    )
    tombstoned = archive.is_tombstoned(conn, review_id)
    if event.name == DELETED:
        removed = archive.delete_reviews(conn, [review_id], origin="webhook")
        return APPLIED if removed or not tombstoned else DUPLICATE
    if tombstoned:
        return STALE
    row = conn.execute(
        "SELECT json, business_unit_id, private FROM reviews WHERE id = ?", (review_id,)
    ).fetchone()
    if row is None:
        merged = merge_review(None, event.data, unit_id)
        archive.upsert_reviews(conn, [merged], unit_id=unit_id, private=True, needs_completion=True)
        return APPLIED
    stored_text, stored_unit, private = row
    stored = json.loads(stored_text)
    unit = stored_unit or unit_id
    merged = merge_review(stored, event.data, unit)
    if canonical(merged) == stored_text:
        return DUPLICATE
    if event.name == CREATED:
        merged = merge_review(stored, event.data, unit, fill_only=True)
        if canonical(merged) == stored_text:
            return STALE
    elif is_older(event, stored):
        return STALE
    archive.upsert_reviews(
        conn, [merged], unit_id=unit, private=bool(private), needs_completion=True
    )
    return APPLIED
