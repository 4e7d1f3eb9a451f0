"""Getting every review of a list exactly once, past the 100,000-record cap, while it changes.

A page-numbered walk (``page``/``perPage``) reads *offsets*. When a review is deleted (or
inserted) before an offset already read, every later review moves one place, and the review at
a page boundary fetched afterwards is skipped (or repeated). Nothing in the pages shows that it
happened: the offsets of the API's lists cannot overlap by one item (``page`` and ``perPage``
only make aligned windows), and a count cannot tell either (the deleted review was collected,
the skipped one was not: the numbers match). So full pulls do not rely on offsets where the API
has something better, and check them where it has not:

* **Public, no server-side filter** (``reviews`` with at most ``since``/``until``/``order_by``,
  and ``all_reviews``): the keyset-paged ``all-reviews`` endpoint (newest first, ``pageToken``).
  A keyset page starts *after the last review seen*, so deletions and arrivals move nothing:
  exact, no 100,000 cap, exactly one request per 100 reviews. It is sequential (each token comes
  with the page before), so the next page is fetched while the consumer handles this one
  (:func:`tpnb.paging.walkers.walk_tokens` ``prefetch``). ``since`` stops the walk once it is older.
  Only ``pageToken`` is sent (the server picks the page size). Where ``all-reviews`` is refused
  (404/403/400) or unreadable, the filtered walk below runs on the whole unit instead, and the
  connection remembers it (:class:`tpnb.paging.reviewlist.KeysetChoice`).
* **Private lists** page by time: ``orderBy=createdat.asc`` with ``startDateTime`` = the last
  ``createdAt`` seen (inclusive, whole seconds), always ``page=1``; the review(s) of that second
  come again and are dropped by id (about one review per page: ~1% more requests than offsets).
  More than ``perPage`` reviews in one second are read by page within ``[s, s+1)`` (verified by a
  second read). To keep pages concurrent, the date range is split into disjoint windows, each
  walked by keyset, one request in flight per window (:class:`TimeWalk`): a window whose
  remaining span holds enough reviews (estimated from its last page) is halved whenever a
  worker is idle. A window costs at most one extra, partial page.
* **Public with server-side filters** (stars, language, responded, tags, location) have no
  keyset and no date filter. The offset walk (oldest first, pages concurrent; past the cap
  from the newest end until the walks meet, then by star rating) is run again with another
  ``perPage`` (99, then 98: other URLs, so not answered by the HTTP cache, and other page
  boundaries) until two walks return the same ids (:func:`verified`). A change that made a walk
  skip a review leaves a trace the next walk does not repeat (the deleted review it collected, or
  the inserted one it missed), so agreeing walks are exact; three walks that keep disagreeing
  raise :class:`~tpnb.errors.ConsistencyError`. This costs twice the pages: a filtered pull is
  usually a fraction of the unit, and the alternative (``all-reviews`` of the whole unit with the
  filter applied on the client) cannot filter tags and costs the whole unit every time.
* ``limit=`` walks read the first N in the wanted order (newest first: ``all-reviews``/by time;
  other orders: offset pages, sequential) and are not verified.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from tpnb.errors import CapExceededError, ConsistencyError
from tpnb.paging import walkers
from tpnb.paging.collect import Collector, Item, Progress
from tpnb.paging.walkers import (
    PER_PAGE,
    WalkState,
    items_of,
    walk_pages,
    walk_tokens,
)

ASC = ("createdat.asc",)
DESC = ("createdat.desc",)
SECOND = pd.Timedelta(seconds=1)
#: ``perPage`` of the successive walks of a verified (filtered public) pull
VERIFY_PAGE_SIZES = (PER_PAGE, PER_PAGE - 1, PER_PAGE - 2)
#: a time window is split only while its remaining span is expected to hold this many pages
SPLIT_MIN_PAGES = 8


@dataclass(frozen=True)
class Slice:
    """One walkable list: an order, a star subset, (private lists) a date window, a page size."""

    order: tuple[str, ...] = ASC
    stars: tuple[int, ...] | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    per_page: int = PER_PAGE


FetchPage = Callable[[Slice, int], Any]
FetchToken = Callable[[str | None], Any]


def created(item: Item) -> pd.Timestamp:
    """An item's ``createdAt`` as a UTC timestamp (``...Z``, zone-less or with milliseconds)."""
    ts = pd.Timestamp(str(item.get("createdAt")))
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def second_of(item: Item) -> pd.Timestamp:
    """The whole second of an item's ``createdAt`` (the precision of the date filters)."""
    return created(item).floor("s")


def verified(walk: Callable[[int], Collector]) -> Collector:
    """Run ``walk(per_page)`` until two walks in a row collect the same ids (see the module doc).

    Raises:
        ConsistencyError: Every walk disagreed with the one before.
    """
    before = walk(VERIFY_PAGE_SIZES[0])
    for size in VERIFY_PAGE_SIZES[1:]:
        after = walk(size)
        # compare what the walks *kept*: a walk with another page size also sees a different
        # number of items past a client-side bound (since=/until=), which it drops
        if after.by_id.keys() == before.by_id.keys():
            return after
        before = after
    raise ConsistencyError(
        f"the list changed during each of {len(VERIFY_PAGE_SIZES)} walks (reviews added or "
        "deleted meanwhile), so no walk can be proven complete; run the call again later"
    )


@dataclass
class Walker:
    """Runs walks of one review list into one :class:`Collector`.

    Args:
        fetch: ``fetch(slice, page)`` returns one page of the list for that slice.
        collector: Receives every page (de-duplication, limit, client-side filters).
        progress: Counts requests and shows the bar.
        concurrency: Requests in flight for order-stable walks.
        key: The list's key in the responses.
        per_page: The page size of offset walks.
    """

    fetch: FetchPage
    collector: Collector
    progress: Progress
    concurrency: int = 4
    key: str = "reviews"
    per_page: int = PER_PAGE

    def walk(
        self,
        sl: Slice,
        *,
        concurrent: bool,
        stop: Callable[[list[Item]], bool] | None = None,
        seen: set[str] | None = None,
    ) -> tuple[WalkState, list[Item]]:
        """Walk one slice by offsets to its end (or ``stop``/limit); return state and last page.

        ``seen`` (when given) receives the id of every item of the walk.
        """
        state = WalkState()
        sl = replace(sl, per_page=self.per_page)
        pages = walk_pages(
            lambda page: self.fetch(sl, page),
            self.key,
            per_page=sl.per_page,
            concurrency=self.concurrency if concurrent else 1,
            stop=stop,
            progress=self.progress,
            state=state,
        )
        last: list[Item] = []
        with contextlib.closing(pages):
            for items in pages:
                self.collector.add(items)
                if seen is not None:
                    seen.update(str(item.get("id")) for item in items)
                last = items
                if self.collector.full:
                    state.stopped = True
                    break
        return state, last

    def tokens(
        self, fetch: FetchToken, *, stop: Callable[[list[Item]], bool] | None = None
    ) -> None:
        """Every page of a keyset (``pageToken``) list, the next fetched while this is added."""
        pages = walk_tokens(
            fetch,
            self.key,
            stop=stop,
            progress=self.progress,
            prefetch=self.collector.limit is None,
        )
        self.collector.fill(pages)

    # ---------------------------------------------------------------- public lists
    def public_full(
        self,
        stars: tuple[int, ...] | None,
        *,
        stop_asc: Callable[[list[Item]], bool] | None = None,
    ) -> None:
        """Every review of a filtered public list (any size): oldest first, then newest first
        until the two walks meet (a review this slice's oldest-first walk returned)."""
        mine: set[str] = set()
        state, _ = self.walk(Slice(ASC, stars), concurrent=True, stop=stop_asc, seen=mine)
        if not state.capped or self.collector.full:
            return

        def met(items: list[Item]) -> bool:
            return any(str(item.get("id")) in mine for item in items)

        state, _ = self.walk(Slice(DESC, stars), concurrent=False, stop=met)
        if not state.capped or self.collector.full:
            return
        if stars is not None and len(stars) == 1:
            raise CapExceededError(
                f"more than {2 * walkers.API_RECORD_CAP:,} reviews with {stars[0]} stars match; "
                "the public API cannot list them all: narrow the request (language=, ...)"
            )
        for star in stars or (1, 2, 3, 4, 5):
            self.public_full((star,), stop_asc=stop_asc)

    def newest(self, sl: Slice, *, stop: Callable[[list[Item]], bool] | None = None) -> WalkState:
        """Walk a slice in its own order, sequentially (for ``limit=`` and early stops)."""
        state, _ = self.walk(sl, concurrent=False, stop=stop)
        return state

    # ---------------------------------------------------------------- private lists
    def by_time(self, sl: Slice, *, newest_first: bool) -> None:
        """Every review of a private list in ``[sl.start, sl.end)``, by keyset on time.

        Oldest first without a limit runs windows concurrently (:class:`TimeWalk`); with a
        limit, or newest first, one window is walked in order.
        """
        TimeWalk(self, sl, newest_first=newest_first).run()

    def one_second(self, sl: Slice, at: pd.Timestamp) -> None:
        """Every review of the second ``at`` by page (more than a page share it), verified."""
        window = replace(sl, start=at, end=at + SECOND)

        def read(per_page: int) -> Collector:
            sub = Collector()
            inner = Walker(
                self.fetch, sub, self.progress, concurrency=1, key=self.key, per_page=per_page
            )
            state, _ = inner.walk(window, concurrent=False)
            if state.capped:
                raise CapExceededError(
                    f"more than {walkers.API_RECORD_CAP:,} reviews share the second "
                    f"{at.isoformat()}: the API cannot page past them"
                )
            return sub

        self.collector.add(verified(read).items)


@dataclass
class _Window:
    """One time window of a :class:`TimeWalk`: the next request's bound and the other end."""

    cursor: pd.Timestamp | None  # oldest first: startDateTime; newest first: endDateTime
    bound: pd.Timestamp | None  # oldest first: endDateTime (exclusive); newest: startDateTime
    rate: float = 0.0  # reviews per second in its last page


class TimeWalk:
    """A keyset walk of a private list by ``createdAt`` (see the module docstring).

    Args:
        walker: Supplies fetch, collector, progress and concurrency.
        sl: The list (filters via ``fetch``), with its overall ``start``/``end``.
        newest_first: Walk ``createdat.desc`` (one window) instead of ``createdat.asc``.
    """

    def __init__(self, walker: Walker, sl: Slice, *, newest_first: bool) -> None:
        self.walker = walker
        self.sl = replace(sl, order=DESC if newest_first else ASC, per_page=PER_PAGE)
        self.newest_first = newest_first
        concurrent = not newest_first and walker.collector.limit is None
        self.concurrency = max(1, walker.concurrency) if concurrent else 1

    def _slice(self, w: _Window) -> Slice:
        if self.newest_first:
            return replace(self.sl, start=w.bound, end=w.cursor)
        return replace(self.sl, start=w.cursor, end=w.bound)

    def _advance(self, w: _Window, items: list[Item]) -> bool:
        """Move ``w`` past a page; ``False`` when the window is done."""
        if len(items) < PER_PAGE:
            return False  # the request's whole range came back
        first, last = second_of(items[0]), second_of(items[-1])
        w.rate = len(items) / (abs((last - first).total_seconds()) + 1)
        if self.newest_first:
            if w.bound is not None and last < w.bound:
                return False
            if first == last and (w.cursor is None or w.cursor == last + SECOND):
                self.walker.one_second(self.sl, last)  # the page is one crowded second
                w.cursor = last
            else:
                w.cursor = last + SECOND  # exclusive end: the last second comes again
            return w.bound is None or w.cursor > w.bound
        if w.bound is not None and last >= w.bound:
            return False  # everything before the (possibly shrunk) end was in this page
        if first == last and (w.cursor is None or w.cursor == last):
            self.walker.one_second(self.sl, last)
            w.cursor = last + SECOND
        else:
            w.cursor = last  # inclusive start: the last second comes again
        return w.bound is None or w.cursor < w.bound

    def _split(self, active: dict[Future[Any], _Window], submit: Callable[[_Window], None]) -> None:
        """Halve the window expected to hold the most, while workers are idle."""
        while len(active) < self.concurrency:
            now = pd.Timestamp.now(tz="UTC").ceil("s") + SECOND
            best, best_size = None, float(SPLIT_MIN_PAGES * PER_PAGE)
            for w in active.values():
                if w.cursor is None or w.rate <= 0:
                    continue
                span = ((w.bound or now) - w.cursor).total_seconds()
                if span >= 2 and w.rate * span >= best_size:
                    best, best_size = w, w.rate * span
            if best is None or best.cursor is None:
                return
            mid = (best.cursor + ((best.bound or now) - best.cursor) / 2).floor("s")
            if mid <= best.cursor:
                return
            new = _Window(mid, best.bound, best.rate)
            best.bound = mid
            submit(new)

    def run(self) -> None:
        """Walk until every window is done (or the collector is full)."""
        walker, collector = self.walker, self.walker.collector
        first = (
            _Window(self.sl.end, self.sl.start)
            if self.newest_first
            else _Window(self.sl.start, self.sl.end)
        )
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="tpnb-time")
        active: dict[Future[Any], _Window] = {}

        def submit(w: _Window) -> None:
            active[pool.submit(walker.fetch, self._slice(w), 1)] = w

        try:
            submit(first)
            while active:
                done, _ = wait(list(active), return_when=FIRST_COMPLETED)
                for future in done:
                    w = active.pop(future)
                    items = items_of(future.result(), walker.key)
                    walker.progress.update(len(items))
                    collector.add(items)
                    if collector.full:
                        return
                    if self._advance(w, items):
                        submit(w)
                if self.concurrency > 1:
                    self._split(active, submit)
        finally:
            for future in active:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
