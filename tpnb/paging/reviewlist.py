"""Which walk reads a review list as asked, and the walk itself: the plans of ``reviews()`` and
``private_reviews()``, with the sorting, date filters and early stops they share.

:func:`plan_public_walk` and :func:`plan_private_walk` choose a :class:`ReviewWalk` from what was
asked (server-side filters, order, limit); :class:`PublicReviewWalk` and
:class:`PrivateReviewWalk` run it and return the review JSON in the order asked for. Why each
walk is exact while the list changes is told in :mod:`tpnb.paging.slicing`.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from tpnb.errors import APIError, ResponseError
from tpnb.paging.collect import Collector, Item, Progress
from tpnb.paging.slicing import DESC, FetchPage, FetchToken, Slice, Walker, created
from tpnb.paging.walkers import PER_PAGE

logger = logging.getLogger(__name__)

#: statuses by which a server says it has no usable ``all-reviews`` list
KEYSET_REFUSED_STATUSES = frozenset({400, 403, 404, 405, 410, 501})

# orderBy field -> key function
_SORT_KEYS: dict[str, Callable[[Item], Any]] = {
    # the API's timestamps are UTC; the first 19 characters order them whatever the suffix
    "createdat": lambda item: str(item.get("createdAt") or "")[:19],
    "stars": lambda item: int(item.get("stars") or 0),
}


class ReviewWalk(enum.Enum):
    """The ways of reading a review list (see :mod:`tpnb.paging.slicing` for why each is exact)."""

    #: public, no server-side filter: the ``all-reviews`` list by page token, newest first
    KEYSET = "keyset"
    #: public with server-side filters, every review: one offset walk whose pages overlap
    OVERLAPPING_OFFSETS = "overlapping offsets"
    #: the first ``limit`` reviews in an order other than by date: one offset walk in that
    #: order (the whole list, then sort and cut, when it reaches the API's depth cap)
    FIRST_IN_ORDER = "first in order"
    #: private: by ``createdAt`` oldest first, in date windows walked concurrently
    TIME_OLDEST_FIRST = "time, oldest first"
    #: private, the newest ``limit`` reviews: by ``createdAt`` newest first, one window
    TIME_NEWEST_FIRST = "time, newest first"


def _newest_first(order: Sequence[str] | None) -> bool:
    """Whether ``order`` (``None``: the default) lists the newest review first."""
    return order is None or order[0] == "createdat.desc"


def _by_date(order: Sequence[str] | None) -> bool:
    """Whether ``order`` (``None``: the default) sorts by creation date first."""
    return order is None or order[0].startswith("createdat")


def plan_public_walk(
    *, server_filtered: bool, order: Sequence[str] | None, limit: int | None
) -> ReviewWalk:
    """The walk that reads a public review list as asked.

    Args:
        server_filtered: The call has a filter the server applies (stars, language, responded,
            tags, location); ``since``/``until`` are applied on the client and do not count.
        order: The order asked for (``None``: newest first).
        limit: At most this many reviews (``None``: all).
    """
    if not server_filtered and (limit is None or _newest_first(order)):
        return ReviewWalk.KEYSET
    if limit is None:
        return ReviewWalk.OVERLAPPING_OFFSETS
    return ReviewWalk.FIRST_IN_ORDER


def plan_private_walk(*, order: Sequence[str] | None, limit: int | None) -> ReviewWalk:
    """The walk that reads a private review list as asked (every filter is server-side).

    Args:
        order: The order asked for (``None``: newest first).
        limit: At most this many reviews (``None``: all).
    """
    if limit is not None and not _by_date(order):
        return ReviewWalk.FIRST_IN_ORDER
    if limit is not None and _newest_first(order):
        return ReviewWalk.TIME_NEWEST_FIRST
    return ReviewWalk.TIME_OLDEST_FIRST


@dataclass
class KeysetChoice:
    """Whether ``all-reviews`` can be used, remembered for one connection.

    ``all-reviews`` is documented by one parameter (``pageToken``) and an example; a server may
    lack it (404/403/400) or answer it unreadably. Then full public pulls fall back to the
    documented offset walk of ``/business-units/{id}/reviews`` with the filtered walk's
    overlapping pages (:class:`~tpnb.paging.slicing.OverlapWalk`), the choice is logged once and kept here, and
    later pulls go straight to the offsets.

    Attributes:
        refused: ``all-reviews`` failed and the offset walk then worked.
        reason: Why (the error's text), for the log and the user.
    """

    refused: bool = False
    reason: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def refuse(self, error: Exception) -> None:
        """Remember that ``all-reviews`` is not usable (logged once per connection)."""
        with self.lock:
            if self.refused:
                return
            self.refused, self.reason = True, str(error)
        logger.warning(
            "tpnb: the all-reviews list is not usable here (%s); full public pulls read "
            "/business-units/{id}/reviews by overlapping offset pages instead (the "
            "100,000-review cap applies) for the rest of this connection",
            self.reason,
        )


def keyset_refused(error: Exception) -> bool:
    """Whether ``error`` from an ``all-reviews`` page says the list is not usable here."""
    if isinstance(error, ResponseError):
        return True
    return isinstance(error, APIError) and error.status in KEYSET_REFUSED_STATUSES


@dataclass(frozen=True)
class ReviewRequest:
    """What a call asks of a review list, checked: creation-date bounds, order and limit.

    Args:
        start: Only reviews created at or after this.
        end: Only reviews created before this.
        order: The order asked for (``None``: newest first).
        limit: At most this many reviews (``None``: all).
    """

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    order: tuple[str, ...] | None = None
    limit: int | None = None

    def collector(self) -> Collector:
        """An empty collector that keeps up to ``limit`` reviews within the date bounds."""
        return Collector(self.limit, date_keep(self.start, self.end))

    def answer(self, collector: Collector) -> list[Item]:
        """The collected reviews in the order asked for, the first ``limit``."""
        return sort_items(collector.items, self.order)[: self.limit]


@dataclass
class PublicReviewWalk:
    """Reads one public review list with the walk :func:`plan_public_walk` chooses.

    Args:
        request: The dates, order and limit asked for (dates are applied on the client).
        stars: The star filter (``None``: every rating).
        server_filtered: See :func:`plan_public_walk`.
        fetch_page: ``fetch_page(slice, page)``: one offset page of the list, the call's
            server-side filters applied (the star filter comes with the slice).
        fetch_after_token: ``fetch_after_token(token)``: the ``all-reviews`` page after
            ``token`` (``None``: the first).
        count_reviews: The unit's review count, asked only to size the progress bar of a walk of
            the whole unit.
        progress: Counts the requests (and shows the bar).
        concurrency: Pages in flight for the order-stable walks.
        keyset: Whether ``all-reviews`` is usable on this connection (see
            :class:`KeysetChoice`); a walk that finds it refused falls back to offsets.
    """

    request: ReviewRequest
    stars: tuple[int, ...] | None
    server_filtered: bool
    fetch_page: FetchPage
    fetch_after_token: FetchToken
    count_reviews: Callable[[], int | None]
    progress: Progress
    concurrency: int
    keyset: KeysetChoice = field(default_factory=KeysetChoice)
    #: this walk reads offsets where it would read ``all-reviews`` (set by the fallback)
    offsets_only: bool = field(default=False, init=False)

    @property
    def plan(self) -> ReviewWalk:
        """The walk :meth:`collect` runs."""
        return plan_public_walk(
            server_filtered=self.server_filtered,
            order=self.request.order,
            limit=self.request.limit,
        )

    def collect(self) -> list[Item]:
        """Every review asked for (up to the limit), in the order asked for."""
        with self.progress:
            if self.plan is ReviewWalk.KEYSET:
                collector = self.keyset_or_offsets()
            else:
                collector = self.offset_walk(PER_PAGE)
        return self.request.answer(collector)

    def keyset_or_offsets(self) -> Collector:
        """:meth:`keyset_walk`, or where ``all-reviews`` is refused, the offset walks a
        filtered pull uses (overlapping pages without a limit; see :class:`KeysetChoice`)."""
        if not self.keyset.refused:
            try:
                return self.keyset_walk()
            except (APIError, ResponseError) as error:
                if not keyset_refused(error):
                    raise
                # an unknown unit is refused by /reviews as well: then that error is raised,
                # and nothing is remembered
                collector = self.offsets_instead()
                self.keyset.refuse(error)
                return collector
        return self.offsets_instead()

    def offsets_instead(self) -> Collector:
        """The offset walks of ``/reviews`` that replace ``all-reviews``."""
        self.offsets_only = True
        return self.offset_walk(PER_PAGE)

    def keyset_walk(self) -> Collector:
        """The ``all-reviews`` list by page token, newest first, until ``since`` is passed."""
        request = self.request
        if request.limit is None and request.start is None:
            total = self.count_reviews()
            self.progress.total = None if total is None else max(1, -(-total // PER_PAGE))
        collector = request.collector()
        walker = Walker(self.fetch_page, collector, self.progress, self.concurrency)
        stop = None if request.start is None else older_than(request.start)
        walker.tokens(self.fetch_after_token, stop=stop)
        return collector

    def offset_walk(self, per_page: int) -> Collector:
        """One offset walk with pages of ``per_page`` reviews.

        With a limit, or a ``since`` in a date order, the list is walked in the order asked
        for until enough is read; where that walk reaches the API's depth cap first (or
        without either), the whole list is read: every filtered review
        (:meth:`~tpnb.paging.slicing.Walker.public_full`), or ``all-reviews``.
        """
        request = self.request
        collector = request.collector()
        walker = Walker(
            self.fetch_page, collector, self.progress, self.concurrency, per_page=per_page
        )
        if request.limit is not None or (request.start is not None and _by_date(request.order)):
            in_order = Slice(request.order or DESC, self.stars)
            stop = past_date_bound(in_order.order, request.start, request.end)
            state = walker.newest(in_order, stop=stop)
            if not state.capped or collector.full:
                return collector
            collector.limit = None  # past the cap: everything, then sort and cut
        stop_oldest_first = None if request.end is None else newer_than(request.end)
        if self.server_filtered or self.offsets_only or self.keyset.refused:
            walker.public_full(self.stars, stop_asc=stop_oldest_first)
            return collector
        try:
            walker.tokens(self.fetch_after_token)
        except (APIError, ResponseError) as error:
            if not keyset_refused(error):
                raise
            self.keyset.refuse(error)
            walker.public_full(self.stars, stop_asc=stop_oldest_first)
        return collector


@dataclass
class PrivateReviewWalk:
    """Reads one private review list with the walk :func:`plan_private_walk` chooses.

    Args:
        request: The dates, order and limit asked for (dates go to the server in whole
            seconds and are applied exactly on the client).
        fetch_page: ``fetch_page(slice, page)``: one page of the list, the call's filters
            applied (the order and the date window come with the slice).
        progress: Counts the requests (and shows the bar).
        concurrency: Date windows walked at once.
    """

    request: ReviewRequest
    fetch_page: FetchPage
    progress: Progress
    concurrency: int

    @property
    def plan(self) -> ReviewWalk:
        """The walk :meth:`collect` runs."""
        return plan_private_walk(order=self.request.order, limit=self.request.limit)

    def collect(self) -> list[Item]:
        """Every review asked for (up to the limit), in the order asked for."""
        request = self.request
        collector = request.collector()
        walker = Walker(self.fetch_page, collector, self.progress, self.concurrency)
        # the API's date filters take whole seconds: the window covers the bounds and the
        # collector applies them exactly
        window = Slice(start=floor_second(request.start), end=ceil_second(request.end))
        with self.progress:
            if self.plan is ReviewWalk.FIRST_IN_ORDER:
                state = walker.newest(replace(window, order=request.order or DESC))
                if state.capped and not collector.full:
                    collector.limit = None  # past the cap: the whole window, then sort and cut
                    walker.by_time(window, newest_first=False)
            else:
                newest_first = self.plan is ReviewWalk.TIME_NEWEST_FIRST
                walker.by_time(window, newest_first=newest_first)
        return request.answer(collector)


def sort_items(items: list[Item], order: Sequence[str] | None) -> list[Item]:
    """Sort review JSON client-side by an API order (default newest first); stable."""
    keys = list(order or DESC)
    if not any(k.startswith("createdat") for k in keys):
        keys.append("createdat.desc")
    out = list(items)
    for spec in reversed(keys):
        field, direction = spec.split(".")
        out.sort(key=_SORT_KEYS[field], reverse=direction == "desc")
    return out


def date_keep(
    start: pd.Timestamp | None, end: pd.Timestamp | None
) -> Callable[[Item], bool] | None:
    """A client-side ``start <= createdAt < end`` filter, or ``None`` when unbounded."""
    if start is None and end is None:
        return None

    def keep(item: Item) -> bool:
        moment = created(item)
        return (start is None or moment >= start) and (end is None or moment < end)

    return keep


def older_than(start: pd.Timestamp) -> Callable[[list[Item]], bool]:
    """Stop predicate of a newest-first walk: the page reached reviews before ``start``."""
    return lambda items: created(items[-1]) < start


def newer_than(end: pd.Timestamp) -> Callable[[list[Item]], bool]:
    """Stop predicate of an oldest-first walk: the page reached reviews at/after ``end``."""
    return lambda items: created(items[-1]) >= end


def past_date_bound(
    order: Sequence[str], start: pd.Timestamp | None, end: pd.Timestamp | None
) -> Callable[[list[Item]], bool] | None:
    """The stop predicate of a walk in ``order`` once it has passed the date bound it walks
    towards (``start`` newest first, ``end`` oldest first); ``None`` when there is none."""
    if start is not None and order[0] == "createdat.desc":
        return older_than(start)
    if end is not None and order[0] == "createdat.asc":
        return newer_than(end)
    return None


def floor_second(moment: pd.Timestamp | None) -> pd.Timestamp | None:
    """``moment`` rounded down to the second (the API's date filters have second precision)."""
    return None if moment is None else moment.floor("s")


def ceil_second(moment: pd.Timestamp | None) -> pd.Timestamp | None:
    """``moment`` rounded up to the second."""
    return None if moment is None else moment.ceil("s")
