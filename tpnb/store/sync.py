"""``sync(client, business_unit, archive)``: keep a local archive of one unit's reviews up to date.

Trustpilot asks integrators to keep their own copy, update it incrementally and not poll: a sync
spends as few requests as it can. Order of operations (each window is one archive transaction
that also moves the checkpoint, so a crash or Ctrl-C loses at most the window in flight):

1. take the archive's sync lock (a second process waits up to ``wait`` seconds, then gets
   :class:`~tpnb.store.ArchiveBusyError`), fetch the business unit (1 request) and store it;
2. **first sync** (or ``full=True``): walk the private review list oldest first in ``createdAt``
   windows sized to about ``batch_size`` reviews, from the oldest review (or, after an
   interruption, from the checkpoint) to an open-ended last window. **Later syncs**: one open
   window from ``min(newest created_at - overlap, now - recheck)``: new reviews plus recent edits
   and replies. Windows are listed by time (:func:`tpnb.store.remote.list_window`: exact while
   reviews come and go). In every window, archived reviews the API no longer lists are removed,
   but only on a listing that can be trusted: a one-page listing (one answer), or one whose
   length the API's count of the window confirms (re-listed up to three times otherwise); an
   unconfirmed window is stored without removing anything (``unverified_windows``) and left to
   the audit. A page that cannot be read raises :class:`~tpnb.errors.ResponseError` before
   anything of its window is written;
3. complete the reviews that webhook events wrote (``needs_completion``) for this unit, or for
   no unit yet, and that the walk did not refresh: one ``GET /private/reviews/{id}`` each (404:
   removed; a review of another readable unit is filed under it). A review this business user
   may not read (403: another company's) is *parked*: reported once in
   :attr:`SyncReport.parked_ids`, logged, and not fetched again until a new event changes it;
   pending reviews of other units are left for those units' syncs;
4. ask the Deletions API (``GET /reviews/deletions``, ``/consumers/deletions``; Trustpilot:
   "You must delete returned review data from your system") for what was deleted since the
   archive's deletion cursors (the newest ``deletedAt`` seen, kept in the archive for each list;
   without one, since this sync's start, or the previous sync's, less ``overlap``): listed
   reviews leave the archive (any unit), and a listed consumer's personal data (name, location,
   e-mail: see :meth:`~tpnb.store.Archive.erase_consumers`) leaves the reviews still archived.
   Two requests when nothing was deleted. A key the Deletions API refuses (403/404) is logged
   and left to the audit (``deletions_checked`` is then False);
5. audit everything older than the walk: compare the archive's count with the API's count of
   that range (about one request, see :func:`tpnb.store.remote.count_window`); only when they
   differ, bisect the range by time, counting halves, and re-list just the small windows whose
   counts differ. The audit cross-checks the Deletions API: a deletion it did not list (or one
   made while the key could not read it) is found this way;
6. record the sync state and return a :class:`SyncReport`.

What polling cannot see cheaply: a text-only edit (or a new reply) to a review older than the
``recheck`` window changes no count, and neither does a deletion paired with a back-dated
addition in the same audited window (new reviews normally arrive inside the listed window, so
this needs imports with old dates). Webhooks report edits (see :mod:`tpnb.store.webhooks`);
``full=True`` re-walks everything.

Fetching happens outside the archive's transactions (a window's pages take many requests), so
a webhook event may land between a fetch and the store of what it fetched. The store then
keeps what the event left: a review deleted (tombstoned) or written by an event after the
fetch started is not overwritten by the older fetched copy (it stays pending, and step 3
fetches it again).

The report (:class:`SyncReport`) and the windows' time arithmetic are at the end of this module.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from tpnb import endpoints as ep
from tpnb import params
from tpnb.errors import AuthError, ConfigError, ForbiddenError, NotFoundError
from tpnb.paging.collect import Progress
from tpnb.paging.walkers import has_next_page, items_of
from tpnb.store.archive import Archive, ArchiveBusyError, SyncState, now_iso
from tpnb.store.public import run_public
from tpnb.store.remote import PER_PAGE, Item, WindowTooLargeError, count_window, list_window
from tpnb.store.schema import iso

__all__ = ["DEFAULT_BATCH", "DEFAULT_OVERLAP", "DEFAULT_RECHECK", "SyncReport", "sync"]

logger = logging.getLogger(__name__)

DEFAULT_OVERLAP = timedelta(days=1)
DEFAULT_RECHECK = timedelta(days=7)
DEFAULT_BATCH = 2000
#: Audit: a window with at most this many reviews is re-listed rather than bisected further.
LEAF_SIZE = 200
_SPLIT_ABOVE = 90_000  # counts above this cannot be probed (100k cap): split first


class _Sync:
    """One run: the archive, the remote list of one unit, and the report being filled."""

    def __init__(self, client: Any, unit_id: str, archive: Archive, progress: bool) -> None:
        self.client = client
        self.conn = client.connection
        self.unit_id = unit_id
        self.archive = archive
        self.report = SyncReport(unit_id)
        self.progress = Progress(progress, f"sync {unit_id}")
        self.oldest_local = datetime.now(timezone.utc)
        self.pages = 0  # list requests made (to tell one-page listings from walks)

    # --- remote ---------------------------------------------------------------------------------
    def fetch(
        self, page: int, start: datetime | None, end: datetime | None, per_page: int = PER_PAGE
    ) -> tuple[list[Item], bool]:
        payload = ep.list_private_reviews(
            self.conn,
            self.unit_id,
            page=page,
            per_page=per_page,
            order_by=["createdat.asc"],
            start=api_time(start),
            end=api_time(end),
        )
        items = items_of(payload, "reviews")
        self.pages += 1
        self.progress.update(len(items))
        return items, has_next_page(payload, len(items), per_page)

    def oldest(self) -> datetime | None:
        items, _ = self.fetch(1, None, None, per_page=1)
        parsed = parse_time(iso(items[0].get("createdAt"))) if items else None
        return floor_second(parsed) if parsed else None

    def fetch_window(
        self, start: datetime | None, end: datetime | None
    ) -> tuple[list[Item], str, bool]:
        """Every review of a window, the archive time at which fetching it began, and whether
        the listing can be trusted to remove the archived reviews it does not hold (see the
        module doc)."""
        items: list[Item] = []
        fetched_at = now_iso()
        for _ in range(3):
            fetched_at = now_iso()
            before = self.pages
            items = list_window(self.fetch, start, end)
            if self.pages - before == 1:  # one answer: a consistent snapshot
                return items, fetched_at, True
            # WindowTooLargeError (a window too large to count) goes to walk(), which splits it
            if count_window(self.fetch, start, end, len(items)) == len(items):
                return items, fetched_at, True
        logger.warning(
            "tpnb sync: the window %s .. %s of %s changed while it was listed; "
            "stored without removing anything (the audit checks it)",
            api_time(start), api_time(end) or "now", self.unit_id,
        )  # fmt: skip
        self.report.unverified_windows += 1
        return items, fetched_at, False

    # --- archive --------------------------------------------------------------------------------
    def store_window(
        self,
        items: list[Item],
        start: datetime | None,
        end: datetime | None,
        fetched_at: str,
        *,
        state: SyncState | None = None,
        trusted: bool = True,
    ) -> None:
        """Upsert a listed window and remove what it no longer holds, in one transaction.

        Reviews that a webhook event deleted or wrote after ``fetched_at`` keep the event's
        newer state; reviews written by events and not yet completed are not removed; nothing
        is removed unless the listing is ``trusted``.
        """
        remote = {str(item["id"]) for item in items}
        with self.archive.transaction() as conn:
            newer = self.archive.written_since(conn, remote, fetched_at)
            fresh = [item for item in items if str(item["id"]) not in newer]
            local = self.archive.review_ids(self.unit_id, iso(start), iso(end))
            unsettled = self.archive.unsettled(conn, self.unit_id)
            added, changed = self.archive.upsert_reviews(
                conn, fresh, unit_id=self.unit_id, private=True
            )
            gone = sorted(local - remote - unsettled) if trusted else []
            removed = self.archive.delete_reviews(conn, gone, origin="sync")
            if state is not None:
                self.archive.save_sync_state(conn, state)
        self.report.added_ids += added
        self.report.changed_ids += changed
        self.report.removed_ids += removed
        self.report.windows += 1

    # --- steps ----------------------------------------------------------------------------------
    def walk(
        self, start: datetime | None, state: SyncState, *, batch: int, estimate: int
    ) -> datetime | None:
        """Step 2: windows from ``start`` to an open end, checkpointing each.

        Returns:
            The start of the last (open) window: everything before it was listed.
        """
        last_start = start
        now = floor_second(datetime.now(timezone.utc))
        length: timedelta | None = None
        if start is not None and start < now:
            windows = max(1, -(-estimate // batch))
            length = max((now - start) / windows, timedelta(hours=1))
        while True:
            end = None if length is None or start is None else floor_second(start + length)
            if end is not None and end >= now:
                end = None
            try:
                items, fetched_at, trusted = self.fetch_window(start, end)
            except WindowTooLargeError:  # >= 100k reviews in one window: a quarter of it
                if start is None or now - start <= timedelta(hours=1):
                    raise
                length = max(((end or now) - start) / 4, timedelta(hours=1))
                continue
            done = end is None
            state = SyncState(
                self.unit_id,
                "ready" if done else state.phase,
                "private",
                walked_until=None if done else iso(end),
                started_at=state.started_at,
            )
            self.store_window(items, start, end, fetched_at, state=state, trusted=trusted)
            if done:
                return last_start
            assert length is not None
            factor = min(4.0, max(0.25, batch / max(len(items), 1)))
            length = max(length * factor, timedelta(hours=1))
            start = last_start = end

    def complete(self) -> None:
        """Step 3: fetch each review a webhook wrote (for this unit or no unit) and the walk did
        not refresh; park those this business user may not read."""
        for rid in self.archive.pending_completion(self.unit_id):
            fetched_at = now_iso()
            try:
                review = ep.get_private_review(self.conn, rid)
            except NotFoundError:
                with self.archive.transaction() as conn:
                    if not self.archive.written_since(conn, [rid], fetched_at):
                        self.report.removed_ids += self.archive.delete_reviews(
                            conn, [rid], origin="sync"
                        )
                continue
            except ForbiddenError:  # another company's review: not this user's to complete
                with self.archive.transaction() as conn:
                    self.archive.park_reviews(conn, [rid])
                self.report.parked_ids.append(rid)
                continue
            unit = (review.get("businessUnit") or {}).get("id") or self.unit_id
            with self.archive.transaction() as conn:
                if self.archive.written_since(conn, [rid], fetched_at):
                    continue  # an event changed it meanwhile: stays pending for the next sync
                self.archive.upsert_reviews(conn, [review], unit_id=unit, private=True)
            self.report.completed += 1
        if self.report.parked_ids:
            shown = ", ".join(self.report.parked_ids[:5])
            more = len(self.report.parked_ids) - 5
            logger.warning(
                "sync of %s: %d review(s) written by webhook events are not readable by this "
                "business user (another company's?): parked, not fetched again until a new "
                "event changes them: %s%s",
                self.unit_id,
                len(self.report.parked_ids),
                shown,
                f" and {more} more" if more > 0 else "",
            )

    def deletions(self, fallback: datetime, *, public: bool = False) -> None:
        """Step 4: remove what the Deletions API lists since the archive's cursors.

        A private sync asks both lists, consumers first (erased, then their reviews go). A
        public-only sync asks the reviews list, and the consumers list only when the reviews list
        removed reviews from the archive: a public copy holds consumer data only on reviews, and
        a consumer's deletion deletes their reviews, which the reviews list names (Trustpilot's
        rule as the emulator models it). Nothing deleted: one request (public) or two (private).
        """
        kinds = ("reviews", "consumers") if public else ("consumers", "reviews")
        for kind in kinds:
            removed = self.deletion_list(kind, fallback, count_down=public)
            if removed is None or (public and kind == "reviews" and not removed):
                return

    def deletion_list(
        self, kind: str, fallback: datetime, *, count_down: bool = False
    ) -> int | None:
        """Apply one Deletions API list (``"reviews"`` or ``"consumers"``); returns how many
        archived reviews it removed or consumers it erased, or ``None`` when the key may not
        read it. ``count_down``: see :meth:`~tpnb.store.Archive.forget_deleted_reviews`."""
        cursor = parse_time(self.archive.deletion_cursor(kind)) or fallback
        method = self.client.deleted_reviews if kind == "reviews" else self.client.deleted_consumers
        try:
            frame = method(since=floor_second(cursor))
        except (ForbiddenError, NotFoundError) as exc:
            logger.warning(
                "tpnb sync: the Deletions API refused the %s list (%s); deletions are left "
                "to the audit", kind, exc.message,
            )  # fmt: skip
            self.report.deletions_checked = False
            return None
        column = "review_id" if kind == "reviews" else "consumer_id"
        ids = [str(i) for i in frame[column].dropna()]
        newest = frame["deleted_at"].max() if len(frame) else None
        with self.archive.transaction() as conn:
            if kind == "reviews":
                removed = self.archive.forget_deleted_reviews(conn, ids, count_down=count_down)
                self.report.deleted_review_ids += removed
                self.report.removed_ids += removed
            else:
                removed = self.archive.erase_consumers(conn, ids)
                self.report.deleted_consumer_ids += removed
            if newest is not None and not pd.isna(newest):
                self.archive.save_deletion_cursor(conn, kind, str(iso(newest)))
        return len(removed)

    def audit(self, end: datetime | None) -> None:
        """Step 4: counts of everything created before ``end``; re-list only what differs."""
        first = self.archive.oldest(self.unit_id)
        if end is None:
            return
        # the first window has no start: a review back-dated before the oldest one counts too
        parsed = parse_time(first)
        self.oldest_local = floor_second(parsed) if parsed else end - timedelta(hours=1)
        self.reconcile(None, end, None)

    def count(self, start: datetime | None, end: datetime, hint: int) -> int | None:
        """The API's count of a window, or ``None`` when it is beyond the 100k cap."""
        try:
            return count_window(self.fetch, start, end, hint)
        except WindowTooLargeError:
            return None

    def reconcile(self, start: datetime | None, end: datetime, remote: int | None) -> None:
        """Compare one window's counts; list it when small, else bisect it by time."""
        local = self.archive.count(self.unit_id, iso(start), iso(end))
        if remote is None and local <= _SPLIT_ABOVE:
            remote = self.count(start, end, local)
        if remote == local:
            return
        self.report.audited_windows += 1
        low = start or min(self.oldest_local, end - timedelta(hours=1))
        small = remote is not None and max(local, remote) <= LEAF_SIZE
        if small or end - low <= timedelta(hours=1):
            items, fetched_at, trusted = self.fetch_window(start, end)
            self.store_window(items, start, end, fetched_at, trusted=trusted)
            return
        middle = floor_second(low + (end - low) / 2)
        left_local = self.archive.count(self.unit_id, iso(start), iso(middle))
        left = self.count(start, middle, left_local) if left_local <= _SPLIT_ABOVE else None
        self.reconcile(start, middle, left)
        right = None if remote is None or left is None else remote - left
        self.reconcile(middle, end, right)


def _unit_json(conn: Any, business_unit: str) -> dict[str, Any]:
    ref = params.business_unit(business_unit)
    if ref.id is not None:
        data = ep.get_business_unit(conn, ref.id)
    else:
        assert ref.domain is not None
        data = ep.find_business_unit(conn, ref.domain)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise NotFoundError(404, f"no business unit {business_unit!r}", path="/business-units")
    return data


def _check(value: object, name: str, kind: type | tuple[type, ...], minimum: float) -> None:
    if isinstance(value, bool) or not isinstance(value, kind) or value < minimum:  # type: ignore[operator]
        raise ConfigError(f"{name} must be a number >= {minimum!r}, got {value!r}")


def sync(
    client: Any,
    business_unit: str,
    archive: Archive | str,
    *,
    full: bool = False,
    overlap: timedelta = DEFAULT_OVERLAP,
    recheck: timedelta | None = None,
    batch_size: int = DEFAULT_BATCH,
    wait: float = 300.0,
    progress: bool = False,
) -> SyncReport:
    """Bring the archive's copy of one business unit's reviews up to date (see the module doc).

    With an API key only (``client.settings.can_login`` false) the sync reads the Public API
    instead (:mod:`tpnb.store.public`): new reviews from the newest-first list until the first
    already-archived one (with the reviews on the pages walked: at least the 100 newest, and those
    created within ``recheck`` when given), deletions from the Deletions API and the
    unit's count as the cross-check. It cannot see private fields, edits to older reviews, or
    which review a count difference is; ``full=True`` re-lists every page and closes the last two.

    Args:
        client: A :class:`tpnb.Client` whose business user may read the unit's private reviews
            (or, for a public-only sync, a client with an API key only).
        business_unit: The unit, as a 24-hex id or a domain.
        archive: An :class:`~tpnb.store.Archive` (left open), or the path of its file (opened
            for this call and closed before it returns).
        full: Re-walk the whole history (finds old text-only edits; costs one request per 100
            reviews).
        overlap: How far before the newest archived ``created_at`` a later sync starts listing,
            so nothing on the edge of the last window is missed.
        recheck: Reviews created this recently are always re-listed (recent edits, new replies).
            Default: 7 days for a private sync; for a public-only sync, none beyond the pages
            walked anyway (the newest page, 100 reviews, at least), which keeps a sync with
            nothing new at 3 requests. A public-only sync pays one request per 100 reviews in
            the window it is given.
        batch_size: Reviews per window (= per transaction) of a first sync.
        wait: Seconds to wait for another process syncing the same archive.
        progress: Show a tqdm progress bar (pages fetched).

    Returns:
        A :class:`SyncReport`: added, changed, removed, completed, requests spent.

    Raises:
        ArchiveBusyError: Another sync held the archive longer than ``wait``.
        tpnb.errors.ConfigError: A bad argument (raised before any request).
        tpnb.errors.ForbiddenError: The business user may not read this unit's reviews.
    """
    from filelock import FileLock, Timeout

    params.business_unit(business_unit)
    _check(batch_size, "batch_size", int, 100)
    _check(wait, "wait", (int, float), 0)
    for name, value in (("overlap", overlap), ("recheck", recheck)):
        if name == "recheck" and value is None:
            continue
        if not isinstance(value, timedelta) or value < timedelta(0):
            raise ConfigError(f"{name} must be a timedelta >= 0, got {value!r}")
    opened = not isinstance(archive, Archive)  # opened here, so closed here
    if not isinstance(archive, Archive):
        if not isinstance(archive, (str, os.PathLike)):
            raise ConfigError(
                "archive must be a tpnb.store.Archive or the path of its file (str or Path), "
                f"got {type(archive).__name__} {archive!r}"
            )
        archive = Archive(archive)
    try:
        started = time.monotonic()
        before = client.stats.snapshot()
        lock = FileLock(f"{archive.path}-sync.lock", timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            raise ArchiveBusyError(
                f"another process is syncing archive {archive.path.name}; waited {wait} s "
                "(pass a larger wait= to wait longer)"
            ) from None
        try:
            report = _run(
                client, business_unit, archive, full, overlap, recheck, batch_size, progress
            )
        finally:
            lock.release()
    finally:
        if opened:
            archive.close()
    spent = client.stats.snapshot() - before
    report.requests = spent.requests
    report.cache_hits = spent.cache_hits
    report.seconds = time.monotonic() - started
    return report


def _run(
    client: Any,
    business_unit: str,
    archive: Archive,
    full: bool,
    overlap: timedelta,
    recheck: timedelta | None,
    batch_size: int,
    progress: bool,
) -> SyncReport:
    started = datetime.now(timezone.utc)
    if not client.settings.can_login:  # an API key only: the Public API, never from the cache
        with client.connection.session.cache_disabled():
            unit = _unit_json(client.connection, business_unit)
            with archive.transaction() as conn:
                archive.put_business_unit(conn, unit)
            unit_id = str(unit["id"])
            run = _Sync(client, unit_id, archive, progress)
            return run_public(
                run,
                unit,
                full=full,
                overlap=overlap,
                recheck=recheck or timedelta(0),
                full_walk=lambda: client.all_reviews(
                    unit_id, include_reported=True, progress=progress, raw=True
                ),
            )
    recheck = DEFAULT_RECHECK if recheck is None else recheck
    unit = _unit_json(client.connection, business_unit)
    unit_id = str(unit["id"])
    with archive.transaction() as conn:
        archive.put_business_unit(conn, unit)
    run = _Sync(client, unit_id, archive, progress)
    report = run.report
    state = archive.sync_state(unit_id)
    counts = unit.get("numberOfReviews")
    estimate = int(counts.get("total") or 0) if isinstance(counts, dict) else 0
    try:
        with run.progress:
            if state is None or state.phase == "initial" or full:
                report.first_sync = state is None or state.phase == "initial"
                resume = state is not None and state.phase == "initial" and state.walked_until
                report.resumed = bool(resume) and not full
                start = parse_time(state.walked_until) if report.resumed and state else run.oldest()
                new_state = SyncState(
                    unit_id,
                    "initial" if report.first_sync else "ready",
                    "private",
                    started_at=now_iso(),
                )
                audit_end = run.walk(start, new_state, batch=batch_size, estimate=estimate)
            else:
                now = datetime.now(timezone.utc)
                newest = parse_time(archive.newest(unit_id)[0])
                since = now - recheck if newest is None else min(now - recheck, newest - overlap)
                audit_end = run.walk(floor_second(since), state, batch=batch_size, estimate=0)
            run.complete()
            previous = parse_time(state.started_at) if state and state.started_at else None
            run.deletions(min(started, previous or started) - overlap)
            run.audit(audit_end)
    except (ForbiddenError, AuthError) as exc:
        if isinstance(exc, ForbiddenError):
            raise ForbiddenError(
                exc.status,
                f"sync reads the Customer API: the business user may not read the reviews of "
                f"{unit_id} ({exc.message})",
                method=exc.method,
                path=exc.path,
            ) from exc
        raise
    report.added, report.changed = len(report.added_ids), len(report.changed_ids)
    report.removed = len(report.removed_ids)
    report.parked = len(report.parked_ids)
    report.deleted_reviews = len(report.deleted_review_ids)
    report.deleted_consumers = len(report.deleted_consumer_ids)
    newest_created, newest_updated = archive.newest(unit_id)
    report.archived = archive.count(unit_id)
    with archive.transaction() as conn:
        archive.save_sync_state(
            conn,
            SyncState(
                unit_id,
                "ready",
                "private",
                newest_created_at=newest_created,
                newest_updated_at=newest_updated,
                started_at=state.started_at if state else None,
                finished_at=now_iso(),
                last_report=json.dumps(report.as_dict()),
            ),
        )
    return report


@dataclass
class SyncReport:
    """What one sync did. ``str(report)`` is a one-line summary.

    ``removed_ids`` are every review this sync took out of the archive (the walk, completion,
    Deletions API and audit); ``deleted_review_ids`` those of them the Deletions API listed;
    ``deleted_consumer_ids`` the deleted consumers whose personal data the archive held and
    this sync erased. ``mode`` is ``"public"`` for a sync with an API key only
    (:mod:`tpnb.store.public`), whose cross-check ``count_difference`` is the unit's total
    minus the archived count. ``deletions_checked`` is False when the key may not read the Deletions
    API (the audit still finds deleted reviews of the unit).
    """

    business_unit_id: str
    mode: str = "private"
    first_sync: bool = False
    resumed: bool = False
    added: int = 0
    changed: int = 0
    removed: int = 0
    deleted_reviews: int = 0
    deleted_consumers: int = 0
    deletions_checked: bool = True
    completed: int = 0
    parked: int = 0
    windows: int = 0
    audited_windows: int = 0
    unverified_windows: int = 0
    count_difference: int = 0
    #: Reviews the unit's count holds that no public list shows (reviews hidden from lists, where
    #: the API counts them: see :func:`tpnb.store.public.run_public`); 0 while none is known.
    lists_gap: int = 0
    requests: int = 0
    cache_hits: int = 0
    archived: int = 0
    seconds: float = 0.0
    added_ids: list[str] = field(default_factory=list, repr=False)
    changed_ids: list[str] = field(default_factory=list, repr=False)
    removed_ids: list[str] = field(default_factory=list, repr=False)
    #: Reviews written by webhook events that this business user may not read (reported once).
    parked_ids: list[str] = field(default_factory=list, repr=False)
    deleted_review_ids: list[str] = field(default_factory=list, repr=False)
    deleted_consumer_ids: list[str] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        kind = "first sync" + (" (resumed)" if self.resumed else "") if self.first_sync else "sync"
        return (
            f"{kind} of {self.business_unit_id}: {self.added} added, {self.changed} changed, "
            f"{self.removed} removed ({self.deleted_reviews} listed by the Deletions API), "
            f"{self.deleted_consumers} deleted consumers erased, {self.completed} completed"
            f"{f', {self.parked} parked (not readable by this user)' if self.parked else ''}; "
            f"{self.archived} archived; "
            f"{self.requests} requests ({self.cache_hits} from cache) in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts (without the id lists)."""
        out = asdict(self)
        for key in (
            "added_ids",
            "changed_ids",
            "removed_ids",
            "parked_ids",
            "deleted_review_ids",
            "deleted_consumer_ids",
        ):
            out.pop(key)
        return out


def api_time(moment: datetime | None) -> str | None:
    """A window bound as the API takes it: UTC, to the second, no zone suffix."""
    return None if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def parse_time(text: str | None) -> datetime | None:
    """An archive timestamp (ISO 8601, ``Z`` allowed) as an aware datetime."""
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def floor_second(moment: datetime) -> datetime:
    """``moment`` without its microseconds (window bounds are whole seconds)."""
    return moment.replace(microsecond=0)
