"""A sync with only an API key (the Public API): :func:`tpnb.store.sync.sync` calls
:func:`run_public` when the client cannot log in.

Order of operations:

1. fetch the business unit (1 request; its ``numberOfReviews.total`` is the cross-check) and
   store it. Every request of a public sync bypasses the HTTP cache (public answers are
   cacheable, and a cached first page would hide new reviews);
2. the Deletions API (:meth:`tpnb.store.sync._Sync.deletions`): the reviews list (1 request), and
   the consumers list only when the reviews list removed archived reviews (a public copy holds
   consumer data only on reviews, and a deleted consumer's reviews are listed as deleted
   reviews). A removed review's consumer has one review fewer: ``consumer.numberOfReviews``
   goes down on their other archived reviews. First, so that the pages listed next set the
   counts they carry over these;
3. walk the unit's public review list newest first (reported reviews included, so that the list
   and the unit's total count the same reviews). **First public sync** (or ``full=True``): every
   page, through the keyset ``all-reviews`` walk of ``Client.all_reviews`` (no 100,000 cap)
   where it is usable; archived reviews of the unit the walk did not list are removed when the
   number listed equals the unit's total (otherwise nothing is removed and
   ``unverified_windows`` says so). **Later syncs**: pages until one holds an already-archived
   review *and* reaches back past ``recheck`` (new reviews, plus edits and replies to the
   reviews on those pages: by default no ``recheck`` beyond them, so the newest page, 100
   reviews, at least); the consumer counts the listed reviews carry are given to their
   consumers' other archived reviews. With nothing new, a later sync costs 3 requests (the
   unit, the newest page, the reviews deletions list);
4. cross-check: the archive's count of the unit against the unit's total
   (``count_difference``, remote minus archived; a warning when it is not 0, or not the known
   gap below).

Whether the unit's total counts reviews that no public list shows is unknown
(/work/shared/docs/trustpilot-api.md §3.1). If it does, a complete walk lists ``lists_gap``
fewer reviews than the total, for good. The caller that established such a gap (two adjacent
refreshes, one of them a full walk, finding the same positive difference: see
:class:`tpnb.store.reviewstore.ReviewStore`) records it with :func:`record_lists_gap`; later
syncs carry it in their report, a full walk counts as complete when it lists ``total -
lists_gap`` reviews, and a difference equal to it is no longer warned about.

What a public-only sync cannot see: the private fields (reference ids, referral e-mails, tags,
Find Reviewer); an edit, a new or changed reply, a report or new likes of a review beyond the
pages walked (older than the newest page, or than ``recheck`` when given); a deletion the
Deletions API does not list (``count_difference`` shows it, without saying which review).
``full=True`` closes these: it re-walks every page (one request per 100 reviews) and removes
what the list no longer holds. Where ``all-reviews`` is refused, the documented offset list is
capped near 100,000 reviews per unit: a unit with more cannot then be archived completely from
the Public API (``count_difference`` says so).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tpnb import endpoints as ep
from tpnb.paging.walkers import PER_PAGE, WalkState, walk_pages
from tpnb.store.archive import SyncState, now_iso
from tpnb.store.schema import iso

if TYPE_CHECKING:
    from tpnb.store.sync import SyncReport

logger = logging.getLogger(__name__)


def run_public(
    run: Any,
    unit: dict[str, Any],
    *,
    full: bool,
    overlap: timedelta,
    recheck: timedelta,
    full_walk: Callable[[], list[dict[str, Any]]] | None = None,
) -> SyncReport:
    """Steps 2-4 of the module doc for the unit JSON ``unit`` (already stored by the caller).

    Args:
        run: The sync run (:class:`tpnb.store.sync._Sync`: its client, archive, progress bar and
            report, and its Deletions API step).
        unit: The business unit's JSON.
        full: Walk every page and remove what the list no longer holds.
        overlap: Margin before the previous sync's start for a first Deletions API query.
        recheck: Reviews created this recently are re-listed (edits, new replies); 0: those on
            the pages walked anyway (the newest page at least).
        full_walk: Lists every review of the unit (reported ones included) for a first or full
            walk, e.g. the keyset ``all-reviews`` walk of :mod:`tpnb.methods.reviews` (no 100,000
            cap); ``None``: the offset pages of ``/business-units/{id}/reviews``.

    Returns:
        The report (``mode == "public"``); the caller adds requests and timing.
    """
    started = datetime.now(timezone.utc)
    unit_id = str(unit["id"])
    client, archive = run.client, run.archive
    report: SyncReport = run.report
    report.mode = "public"
    state = archive.sync_state(unit_id)
    first = full or state is None or state.mode != "public" or state.phase != "ready"
    report.first_sync = state is None or state.mode != "public"
    counts = unit.get("numberOfReviews")
    total = int(counts.get("total") or 0) if isinstance(counts, dict) else None
    report.lists_gap = known_lists_gap(state)
    archived = archive.review_ids(unit_id)
    recheck_from = iso(started - recheck)
    seen_archived = False

    def stop(items: list[dict[str, Any]]) -> bool:
        nonlocal seen_archived
        seen_archived = seen_archived or any(str(item.get("id")) in archived for item in items)
        oldest = min((iso(item.get("createdAt")) or "" for item in items), default="")
        return not first and seen_archived and oldest < str(recheck_from)

    def fetch(page: int) -> Any:
        return ep.list_business_unit_reviews(
            client.connection,
            unit_id,
            page=page,
            per_page=PER_PAGE,
            order_by=["createdat.desc"],
            include_reported=True,
        )

    # deletions first: the consumer counts they lower are then set again by the pages listed
    previous = _parse(state.started_at) if state and state.started_at else None
    run.deletions(min(started, previous or started) - overlap, public=True)
    archived = archive.review_ids(unit_id)
    walk = WalkState()
    listed: list[dict[str, Any]] = []
    with run.progress:
        if first and full_walk is not None:
            listed = full_walk()
        else:
            for page in walk_pages(fetch, "reviews", stop=stop, progress=run.progress, state=walk):
                listed.extend(page)
        with archive.transaction() as conn:
            added, changed = archive.upsert_reviews(conn, listed, unit_id=unit_id, private=False)
            report.added_ids += added
            report.changed_ids += changed
            if not first:  # a full listing carries every review's current count itself
                archive.carry_consumer_counts(conn, listed)
            if first:
                remote = {str(item["id"]) for item in listed}
                if total is not None and len(remote) == total - report.lists_gap:
                    gone = sorted(archived - remote)
                    report.removed_ids += archive.delete_reviews(conn, gone, origin="sync")
                else:
                    report.unverified_windows += 1
        report.windows += 1
    report.archived = archive.count(unit_id)
    if total is not None:
        report.count_difference = total - report.archived
        if report.count_difference and report.count_difference != report.lists_gap:
            logger.warning(
                "tpnb sync: %s has %d reviews, the archive %d: a public-only sync cannot tell "
                "which; sync with full=True to re-list them all",
                unit_id, total, report.archived,
            )  # fmt: skip
    report.added, report.changed = len(report.added_ids), len(report.changed_ids)
    report.removed = len(report.removed_ids)
    report.deleted_reviews = len(report.deleted_review_ids)
    report.deleted_consumers = len(report.deleted_consumer_ids)
    newest_created, newest_updated = archive.newest(unit_id)
    with archive.transaction() as conn:
        archive.save_sync_state(
            conn,
            SyncState(
                unit_id,
                "ready",
                "public",
                newest_created_at=newest_created,
                newest_updated_at=newest_updated,
                started_at=iso(started),
                finished_at=now_iso(),
                last_report=json.dumps(report.as_dict()),
            ),
        )
    return report


def known_lists_gap(state: SyncState | None) -> int:
    """The lists' gap recorded in a unit's last sync report (0 when none is)."""
    if state is None or not state.last_report:
        return 0
    try:
        gap = json.loads(state.last_report).get("lists_gap", 0)
    except (ValueError, AttributeError):
        return 0
    return gap if isinstance(gap, int) and gap > 0 else 0


def record_lists_gap(archive: Any, unit_id: str, gap: int) -> None:
    """Record ``gap`` as the unit's lists' gap in its sync state (see the module doc)."""
    state = archive.sync_state(unit_id)
    if state is None:
        raise ValueError(f"no sync state for {unit_id}: sync the unit first")
    report = json.loads(state.last_report) if state.last_report else {}
    report["lists_gap"] = gap
    with archive.transaction() as conn:
        archive.save_sync_state(conn, dataclasses.replace(state, last_report=json.dumps(report)))


def _parse(text: str) -> datetime:
    """An archive timestamp as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
