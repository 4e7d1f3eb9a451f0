"""Applying webhook events to an archive: one transaction per POST, idempotent.

Order of operations for each event of a POST (all in one transaction, so a POST is stored whole
or not at all):

1. an unknown ``eventName`` is counted as ignored and logged (name only), nothing else;
2. an event whose digest (sha256 of its canonical JSON) is already recorded is a replay: counted
   as a duplicate, nothing changes;
3. ``service-review-deleted`` deletes the review (replies and tags with it) and leaves a
   tombstone;
4. ``service-review-created`` / ``-updated`` for a tombstoned review is stale (counted, not
   applied); otherwise the event's fields are merged over the stored JSON and the review is
   marked ``needs_completion`` for the next sync (events carry no email, reply or updatedAt).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tpnb.store.archive import Archive, now_iso
from tpnb.store.events import DELETED, Event, merge_review

logger = logging.getLogger(__name__)


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
        events: Events from :func:`tpnb.store.events.parse_events`.
        business_unit_id: The unit the subscription is for, when known (events do not say).

    Returns:
        The counts of applied, duplicate, ignored (unknown name) and stale events.
    """
    applied = duplicates = ignored = stale = 0
    with archive.transaction() as conn:
        for event in events:
            if not event.known:
                ignored += 1
                logger.warning("ignoring webhook event with unknown name %r", event.name[:80])
                continue
            seen = conn.execute(
                "SELECT 1 FROM webhook_events WHERE digest = ?", (event.digest,)
            ).fetchone()
            if seen is not None:
                duplicates += 1
                continue
            conn.execute(
                "INSERT INTO webhook_events VALUES (?, ?, ?, ?)",
                (event.digest, event.name, event.review_id, now_iso()),
            )
            assert event.review_id is not None  # parse_events checks it for known events
            if event.name == DELETED:
                archive.delete_reviews(conn, [event.review_id], origin="webhook")
                applied += 1
                continue
            if archive.is_tombstoned(conn, event.review_id):
                stale += 1
                continue
            row = conn.execute(
                "SELECT json, business_unit_id, private FROM reviews WHERE id = ?",
                (event.review_id,),
            ).fetchone()
            stored = json.loads(row[0]) if row else None
            unit = business_unit_id or (row[1] if row else None)
            merged = merge_review(stored, event.data, unit)
            archive.upsert_reviews(
                conn,
                [merged],
                unit_id=unit,
                private=bool(row[2]) if row else True,
                needs_completion=True,
            )
            applied += 1
    return EventOutcome(applied, duplicates, ignored, stale)
