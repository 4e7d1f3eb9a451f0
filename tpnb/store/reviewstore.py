"""The local review store behind ``Client.reviews()`` and ``Client.all_reviews()``: cheap re-runs.

A full pull of a large unit costs one request per 100 reviews (1,240 for 124,000), and under
Trustpilot's rate limit it outlasts the review lists' max-age, so re-running it from the HTTP
cache costs as much again (304 revalidations count like any call). The store keeps each unit's
public reviews in an :class:`~tpnb.store.Archive` (SQLite; ``reviews.sqlite`` in the user cache
directory by default, see :class:`tpnb.config.Settings` ``review_store``) and each call first
*refreshes* it, exactly as a public-only sync does (:mod:`tpnb.store.public`), then answers
from it with the call's filters, order and limit (:mod:`tpnb.store.queries`, the API's own
semantics):

* **the first full pull of a unit** (no filter, date bound or limit; or ``fresh=True``): the
  full walk the call would make anyway (the keyset ``all-reviews`` list with reported reviews,
  no 100,000 cap), stored in one transaction; what the list no longer holds is removed when its
  length equals the unit's count. A filtered or limited call for a unit not stored yet walks the
  API as without a store (its pages are fewer than a full walk's);
* **later calls**: the unit (1 request: its ``numberOfReviews.total``), the newest-first list
  until a page holds an already-stored review (new reviews, and edits and replies to the
  reviews on that page: the newest 100 at least), the Deletions API's reviews list since its
  cursor (1 request; the consumers list only when that named something). With nothing new: 3
  requests, whatever the unit's size;
* **cross-check**: the unit's count against the stored count. A difference (a review added or
  deleted while the refresh ran, a deletion the Deletions API does not list) is retried once
  incrementally, then closed by a full walk; if even that does not agree (the unit keeps
  changing), the call walks the API as without a store. One difference is not a change: if the
  unit's count holds reviews that no public list shows (unknown for the real API; the
  documentation allows it), the same positive difference is found before and after a full walk.
  The store then records it as the unit's *lists' gap* (:mod:`tpnb.store.public`) and takes a
  difference equal to it as agreement, so later calls cost 3 requests in that world too, instead
  of three walks each.

What a refreshed store cannot see, so that the answer differs from a fresh full pull: an edit
(or a new or changed company reply, a report, new likes) of a review older than the newest page
walked, and, when a deletion is not listed by the Deletions API and a review is added in the
same interval, that pair (the counts agree). ``fresh=True`` closes both: it re-walks everything.

Concurrent calls in one process are serialised on the store (a thread lock), and processes
sharing one store file on its sync lock (a ``.lock`` file beside it). A process killed during a
refresh leaves the store as it was before the refresh's transaction (SQLite), and the next call
refreshes again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from tpnb.store.archive import Archive
from tpnb.store.public import record_lists_gap, run_public
from tpnb.store.sync import DEFAULT_OVERLAP, SyncReport, _Sync, _unit_json

__all__ = ["Refresh", "ReviewStore"]

logger = logging.getLogger(__name__)

#: How long a call waits for another process refreshing the same store file (seconds).
LOCK_WAIT = 600.0


@dataclass
class Refresh:
    """What bringing one unit up to date cost and found.

    Attributes:
        verified: The stored count equals the unit's count (the store may answer).
        requests: Requests the refresh sent.
        full: A full walk was made (first call, ``fresh=True``, or a count that did not agree).
        reports: The public-sync report of each attempt (added, changed, removed ids).
    """

    verified: bool
    requests: int
    full: bool
    reports: list[SyncReport]


class ReviewStore:
    """One store file and the refresh-then-read of its units (see the module doc).

    Args:
        path: The store's SQLite file (created on first use; its folder must exist).
        temporary: The file lives in a folder of its own that :meth:`close` removes (demo mode,
            ``review_store="memory"``).
    """

    def __init__(self, path: Path, *, temporary: bool = False) -> None:
        self.path = Path(path)
        self.archive = Archive(self.path)
        self.temporary = temporary
        self._lock = threading.Lock()

    @classmethod
    def temporary_store(cls) -> ReviewStore:
        """A store in a new temporary folder, removed by :meth:`close`."""
        folder = Path(tempfile.mkdtemp(prefix="tpnb-review-store-"))
        return cls(folder / "reviews.sqlite", temporary=True)

    def refresh(
        self,
        client: Any,
        unit_id: str,
        *,
        full_walk: Callable[[], list[dict[str, Any]]],
        fresh: bool = False,
        progress: bool = False,
    ) -> Refresh:
        """Bring the stored copy of one unit up to date (see the module doc).

        Args:
            client: The :class:`tpnb.Client` (its connection, ``deleted_reviews``, stats).
            unit_id: The business unit's id.
            full_walk: Lists every public review of the unit, reported ones included.
            fresh: Walk everything even when the store holds the unit.
            progress: Show the progress bar of incremental pages.
        """
        from filelock import FileLock

        before = client.stats.snapshot()
        reports: list[SyncReport] = []
        full_walks = 0
        previous_walked_all = False
        with self._lock, FileLock(f"{self.path}-sync.lock", timeout=LOCK_WAIT):
            # incremental (or full when fresh / first), incremental again, then full
            plan = [fresh, False, True]
            verified = False
            for full in plan:
                report, walked_all = self._refresh_once(client, unit_id, full, full_walk, progress)
                previous = reports[-1] if reports else None
                reports.append(report)
                full_walks += walked_all
                difference = report.count_difference
                if difference in (0, None, report.lists_gap) and not report.unverified_windows:
                    verified = True
                    break
                if (
                    previous is not None
                    and difference > 0
                    and difference == previous.count_difference
                    and (walked_all or previous_walked_all)
                ):
                    # the same shortfall before and after a full walk: reviews the unit's count
                    # holds and no list shows, not a change (see tpnb.store.public)
                    logger.info(
                        "tpnb: %s counts %d reviews that its public lists do not show; the "
                        "review store takes them as hidden from lists",
                        unit_id, difference,
                    )  # fmt: skip
                    record_lists_gap(self.archive, unit_id, difference)
                    report.lists_gap = difference
                    verified = True
                    break
                previous_walked_all = walked_all
            if not verified:
                logger.warning(
                    "tpnb: the stored reviews of %s do not add up to the unit's count after a "
                    "full walk (count difference %s): this call walks the API instead",
                    unit_id, reports[-1].count_difference,
                )  # fmt: skip
        spent = client.stats.snapshot() - before
        return Refresh(verified, spent.requests, full_walks > 0, reports)

    def _refresh_once(
        self,
        client: Any,
        unit_id: str,
        full: bool,
        full_walk: Callable[[], list[dict[str, Any]]],
        progress: bool,
    ) -> tuple[SyncReport, bool]:
        with client.connection.session.cache_disabled():
            unit = _unit_json(client.connection, unit_id)
            with self.archive.transaction() as conn:
                self.archive.put_business_unit(conn, unit)
            run = _Sync(client, unit_id, self.archive, progress)
            state = self.archive.sync_state(unit_id)
            walks_all = full or state is None or state.phase != "ready"
            report = run_public(
                run,
                unit,
                full=full,
                overlap=DEFAULT_OVERLAP,
                recheck=timedelta(0),  # the pages walked: the newest 100 reviews at least
                full_walk=full_walk,
            )
            return report, walks_all

    def holds(self, unit_id: str) -> bool:
        """Whether the store holds a completed copy of the unit (a later call refreshes it)."""
        state = self.archive.sync_state(unit_id)
        return state is not None and state.mode == "public" and state.phase == "ready"

    def reviews(self, unit_id: str, **filters: Any) -> Any:
        """The stored reviews of one unit with the client's filters (a review frame)."""
        return self.archive.reviews(unit_id, **filters)

    def close(self) -> None:
        """Close the store file (and remove it when temporary)."""
        self.archive.close()
        if self.temporary:
            shutil.rmtree(self.path.parent, ignore_errors=True)

    def __repr__(self) -> str:
        return f"ReviewStore({str(self.path)!r})"
