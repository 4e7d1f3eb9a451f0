"""The Deletions API's data: which reviews and consumer profiles were deleted, and when.

Trustpilot's Deletions API (trustpilot-api.md §2.10, DOC-DEL) lists the ids of deleted reviews and
deleted consumer profiles so that integrators delete them from their own copies. The emulator keeps
one :class:`DeletionLog` per data set:

* a seeded history (deterministic from the seed): :data:`SEEDED_REVIEW_DELETIONS` reviews and
  :data:`SEEDED_CONSUMER_DELETIONS` consumer profiles deleted during the
  :data:`SEEDED_HISTORY_DAYS` days before the data set's now ([I]: their ids belong to no live
  review or consumer, as if deleted before the snapshot was taken);
* every live deletion (``Dataset.delete_review``, ``Dataset.delete_consumer``), at the
  wall-clock time (never before the data set's now).

Choices, all [I] (the docs show only the consumer item and the envelope):

* review items are ``{"reviewId", "businessUnitId", "deletedAt"}``, consumer items
  ``{"consumerId", "deletedAt"}`` (documented); ``deletedAt`` has milliseconds and ``Z``, as
  in the documented example ``"2025-04-30T14:32:17.235Z"``;
* a deleted consumer's reviews are each listed as deleted reviews too;
* the lists are ordered by ``(deletedAt, id)``, oldest first, so a cursor (the last item seen)
  stays valid while new deletions arrive.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tpnb.emulator.data.ids import mix64, object_id, salt_for

JSON = dict[str, Any]

#: reviews deleted before the data set's now, in the seeded history
SEEDED_REVIEW_DELETIONS = 60
#: consumer profiles deleted before the data set's now, in the seeded history
SEEDED_CONSUMER_DELETIONS = 12
#: the seeded deletions are spread over this many days before the data set's now
SEEDED_HISTORY_DAYS = 90
# salts of the seeded ids (kinds far from those of ids.py, so they never share ids)
_KIND_DELETED_REVIEW = 101
_KIND_DELETED_CONSUMER = 102

REVIEW = "review"
CONSUMER = "consumer"


@dataclass(frozen=True)
class Deletion:
    """One deleted review or consumer profile.

    Attributes:
        kind: :data:`REVIEW` or :data:`CONSUMER`.
        id: The deleted review's or consumer's id.
        deleted_ms: When it was deleted (epoch milliseconds).
        business_unit_id: The review's business unit (``None`` for a consumer).
    """

    kind: str
    id: str
    deleted_ms: int
    business_unit_id: str | None = None

    @property
    def key(self) -> tuple[int, str]:
        """The sort key (and paging cursor): ``(deleted_ms, id)``."""
        return (self.deleted_ms, self.id)

    def json(self) -> JSON:
        """The API item (see the module docstring)."""
        deleted_at = iso_millis(self.deleted_ms)
        if self.kind == REVIEW:
            return {
                "reviewId": self.id,
                "businessUnitId": self.business_unit_id,
                "deletedAt": deleted_at,
            }
        return {"consumerId": self.id, "deletedAt": deleted_at}


def iso_millis(epoch_ms: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` for epoch milliseconds."""
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=timezone.utc)
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{epoch_ms % 1000:03d}Z"


class DeletionLog:
    """Every deletion of a data set (seeded history plus live ones), per kind, in key order.

    Args:
        seed: The data set's seed (the seeded history depends only on it, ``now_s`` and the
            unit ids).
        now_s: The data set's now (epoch seconds).
        business_unit_ids: The units the seeded review deletions are spread over.
    """

    def __init__(self, seed: int, now_s: int, business_unit_ids: list[str]) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, list[Deletion]] = {REVIEW: [], CONSUMER: []}
        span_ms = SEEDED_HISTORY_DAYS * 86_400_000
        now_ms = now_s * 1000
        review_salt = salt_for(seed, _KIND_DELETED_REVIEW)
        for i in range(SEEDED_REVIEW_DELETIONS):
            deleted_ms = now_ms - 1 - mix64(review_salt ^ (i * 7919)) % span_ms
            created_s = deleted_ms // 1000 - 86_400 - mix64(review_salt + i) % (400 * 86_400)
            unit = business_unit_ids[mix64(review_salt * 3 + i) % len(business_unit_ids)]
            self._items[REVIEW].append(
                Deletion(REVIEW, object_id(created_s, i, review_salt), deleted_ms, unit)
            )
        consumer_salt = salt_for(seed, _KIND_DELETED_CONSUMER)
        for i in range(SEEDED_CONSUMER_DELETIONS):
            deleted_ms = now_ms - 1 - mix64(consumer_salt ^ (i * 7919)) % span_ms
            created_s = deleted_ms // 1000 - 86_400 - mix64(consumer_salt + i) % (900 * 86_400)
            self._items[CONSUMER].append(
                Deletion(CONSUMER, object_id(created_s, i, consumer_salt), deleted_ms)
            )
        for items in self._items.values():
            items.sort(key=lambda d: d.key)

    def record_review(self, review_id: str, business_unit_id: str, deleted_ms: int) -> None:
        """Record the deletion of a review."""
        self._add(Deletion(REVIEW, review_id, deleted_ms, business_unit_id))

    def record_consumer(self, consumer_id: str, deleted_ms: int) -> None:
        """Record the deletion of a consumer profile."""
        self._add(Deletion(CONSUMER, consumer_id, deleted_ms))

    def _add(self, deletion: Deletion) -> None:
        with self._lock:
            items = self._items[deletion.kind]
            items.append(deletion)
            items.sort(key=lambda d: d.key)

    def page(
        self,
        kind: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        after: tuple[int, str] | None = None,
        limit: int = 100,
    ) -> tuple[list[Deletion], tuple[int, str] | None]:
        """One page of deletions of ``kind``, oldest first.

        Args:
            kind: :data:`REVIEW` or :data:`CONSUMER`.
            start_ms: Only deletions at or after this time (inclusive).
            end_ms: Only deletions before this time (exclusive).
            after: Only deletions whose key is greater (the cursor of the previous page).
            limit: At most this many items.

        Returns:
            The items, and the cursor of the next page (``None`` on the last page).
        """
        with self._lock:
            matching = [
                d
                for d in self._items[kind]
                if (start_ms is None or d.deleted_ms >= start_ms)
                and (end_ms is None or d.deleted_ms < end_ms)
                and (after is None or d.key > after)
            ]
        items = matching[:limit]
        cursor = items[-1].key if len(matching) > limit else None
        return items, cursor

    def all(self, kind: str) -> list[Deletion]:
        """Every deletion of ``kind``, oldest first (the tests' ground truth)."""
        with self._lock:
            return list(self._items[kind])
