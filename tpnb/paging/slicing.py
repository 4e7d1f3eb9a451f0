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
  keyset and no date filter: one offset walk, oldest first, whose pages *overlap*
  (:class:`OverlapWalk`). ``page``/``perPage`` only make windows ``[(page-1)*n, page*n)``, so
  each page's ``perPage`` (at most 100) is chosen so that it starts 2-20 reviews before the
  page before it ended (:func:`overlap_window`). A page is a run of consecutive reviews of the
  list as it was when read; it links when its first review is strictly older than the newest
  review read so far, and then nothing between the two pages can have been missed, whatever
  was inserted or deleted between the two requests (ties in ``createdAt`` included, so no
  order among equal timestamps is assumed). A page that does not link (more reviews deleted
  before it than the overlap) is read again from further back; a walk whose links keep breaking
  raises :class:`~tpnb.errors.ConsistencyError`. The cost is the alignment: about 1.15 pages
  per 100 reviews on long lists (a page cannot start anywhere), instead of the 2 pages of
  walking twice. Past the depth cap, a second overlapping walk from the newest end runs until
  the two overlap, then star by star. (:func:`verified`, walking until two walks agree, is
  left for one crowded second of a private list.)
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
    has_next_page,
    items_of,
    walk_pages,
    walk_tokens,
)

ASC = ("createdat.asc",)
DESC = ("createdat.desc",)
SECOND = pd.Timedelta(seconds=1)
#: ``perPage`` of the successive walks of :func:`verified`
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
        """Every review of a filtered public list (any size), by overlapping pages
        (:class:`OverlapWalk`): oldest first, then, past the depth cap, newest first until the
        two walks overlap; past the cap both ways, star by star."""
        oldest = OverlapWalk(self, Slice(ASC, stars), stop=stop_asc)
        state = oldest.run()
        if not state.capped or self.collector.full:
            return
        assert oldest.reach is not None  # a capped walk has read pages
        # newest first covers every review newer than its oldest; it meets the oldest-first
        # walk once that is strictly older than the newest review the latter covered
        newest = OverlapWalk(self, Slice(DESC, stars), until_key=-oldest.reach)
        state = newest.run()
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


# ------------------------------------------------------------------ overlapping offset walks
#: a window of an overlapping walk starts at least this many reviews before the end of the
#: window it links to (two, so that the two share a review strictly older than that end)
MIN_OVERLAP = 2
#: ... and at most this many; among those starts the window reaching furthest is chosen
MAX_OVERLAP = 20
#: the most extra overlap a walk adds while the list keeps moving under it
MAX_DRIFT = 64
#: broken links in a row (the list moved by more than the overlap) before a walk gives up
MAX_RELINKS = 6


def overlap_window(
    end: int,
    *,
    min_overlap: int = MIN_OVERLAP,
    max_overlap: int = MAX_OVERLAP,
    cap: int,
    past_end: bool = True,
) -> tuple[int, int] | None:
    """The page window that overlaps ``[.., end)`` and reaches furthest past ``end``.

    A page is the window ``[(page - 1) * per_page, page * per_page)``, so a window of size
    ``per_page`` starts at a multiple of it. Among the starts between ``end - max_overlap``
    and ``end - min_overlap``, this picks the largest size (at most 100) that the start is a
    multiple of, and keeps the window ending furthest (the one starting earliest on a tie: more
    overlap for the same cost), within the first ``cap`` records.

    Args:
        end: One past the last position already read.
        min_overlap: The window starts at least this many positions before ``end``.
        max_overlap: ... and at most this many.
        cap: The API's depth cap (no window may end past it).
        past_end: Only windows that reach past ``end`` (``False``: a re-read from further
            back, which may end before ``end``).

    Returns:
        ``(start, per_page)``, or ``None`` when no window in that range reaches past ``end``
        (at the cap).
    """
    best: tuple[int, int] | None = None
    for start in range(max(0, end - max_overlap), max(0, end - min_overlap) + 1):
        size = next(
            (s for s in range(PER_PAGE, 0, -1) if start % s == 0 and start + s <= cap), None
        )
        if size is None or (past_end and start + size <= end):
            continue
        if best is None or start + size > best[0] + best[1]:
            best = (start, size)
    return best


def order_key(order: tuple[str, ...]) -> Callable[[Item], int]:
    """The key that grows along a walk in ``order`` (``createdAt`` in ns, negated newest first)."""
    sign = -1 if order[0] == "createdat.desc" else 1
    return lambda item: sign * created(item).value


@dataclass
class _Page:
    """One planned page of an :class:`OverlapWalk`: its first position and size."""

    start: int
    size: int

    @property
    def page(self) -> int:
        return self.start // self.size + 1


class OverlapWalk:
    """Every review of a public offset list, each page overlapping the one before.

    A page of ``/business-units/{id}/reviews`` is a run of consecutive reviews of the list as
    it was when the page was read. Each page after the first is chosen (by its ``perPage``, see
    :func:`overlap_window`) to start a few reviews before the previous one ended, and it
    *links* when its first review is strictly older (in the walk's order) than the newest
    review read so far: then every review between the two was in one page or the other, whatever
    was inserted or deleted between the two requests. A page that does not link (reviews
    before it were deleted, or left the filter, by more than the overlap) is read again from
    further back, with twice the overlap; a walk whose links keep breaking raises
    :class:`~tpnb.errors.ConsistencyError`. Reviews inserted before a page only make the
    overlap larger (the collector drops the repeats). Pages are read ``concurrency`` at a time,
    planned ahead as if nothing moved; a broken link drops the pages planned after it.

    Args:
        walker: Supplies fetch, collector, progress and concurrency.
        sl: The list (order and star subset); its ``per_page`` is chosen per page.
        stop: Ends the walk after a linked page for which it returns ``True``.
        until_key: Ends the walk once it has covered every review whose :func:`order_key` is
            at most this (where another walk, from the other end, took over).
        seen: Receives the id of every review the walk read.
    """

    def __init__(
        self,
        walker: Walker,
        sl: Slice,
        *,
        stop: Callable[[list[Item]], bool] | None = None,
        until_key: int | None = None,
        seen: set[str] | None = None,
    ) -> None:
        self.walker = walker
        self.sl = sl
        self.stop = stop
        self.until_key = until_key
        self.seen = seen
        self.key = order_key(sl.order)
        #: the walk has read every review whose key is below this (``None``: nothing yet)
        self.reach: int | None = None
        #: one past the position of the last linked page's last review
        self.end = 0
        self.state = WalkState()
        #: extra overlap of the pages planned ahead, learnt from broken links
        self.drift = 0

    def _plan(self, back: int) -> list[_Page]:
        """The next pages to read, planned from :attr:`end`: up to ``concurrency`` of them (as
        many as pages read so far), or after a broken link (``back`` > 0) one page starting at
        least ``back`` positions before :attr:`end` (reaching past it when a page can)."""
        cap = walkers.API_RECORD_CAP
        if self.reach is None:
            return [_Page(0, PER_PAGE)]
        if back:
            found = overlap_window(
                self.end, min_overlap=back, max_overlap=back + MAX_OVERLAP, cap=cap
            ) or overlap_window(  # so far back that no page reaches past the end
                self.end, min_overlap=back, max_overlap=back + MAX_OVERLAP, cap=cap, past_end=False
            )
            return [] if found is None else [_Page(*found)]
        plan: list[_Page] = []
        end = self.end
        # slow start (1, 2, 4... pages at once): a short list wastes no planned page past its end
        for _ in range(max(1, min(self.walker.concurrency, self.state.pages))):
            found = overlap_window(
                end,
                min_overlap=MIN_OVERLAP + self.drift,
                max_overlap=MAX_OVERLAP + self.drift,
                cap=cap,
            )
            if found is None:
                break
            plan.append(_Page(*found))
            end = found[0] + found[1]
        return plan

    def _links(self, window: _Page, items: list[Item]) -> bool:
        """Whether a page continues what was read (see the class docstring)."""
        if window.start == 0:
            return True  # the head of the list: nothing comes before it
        return bool(items) and self.reach is not None and self.key(items[0]) < self.reach

    def run(self) -> WalkState:
        """Walk until the list's end, the cap, ``stop``, ``until_key`` or a full collector."""
        walker, state = self.walker, self.state
        pool = ThreadPoolExecutor(max(1, walker.concurrency), thread_name_prefix="tpnb-page")
        relinks = 0  # broken links since the walk last got past where they began to break
        back = 0  # after a broken link: how far before the end the next page starts
        stuck_at: int | None = None  # the reach when the links began to break
        try:
            while True:
                plan = self._plan(back)
                if not plan:
                    state.capped = True
                    return state
                futures = [
                    pool.submit(walker.fetch, replace(self.sl, per_page=w.size), w.page)
                    for w in plan
                ]
                try:
                    for window, future in zip(plan, futures, strict=True):
                        payload = future.result()
                        items = items_of(payload, walker.key)
                        state.pages += 1
                        walker.progress.update(len(items))
                        if not self._links(window, items):
                            if relinks == 0:
                                stuck_at = self.reach
                            relinks += 1
                            # the list moved by more than the overlap: twice as far back
                            back = max(2 * back, 2 * MAX_OVERLAP, 2 * (self.end - window.start))
                            # later pages overlap more while the list keeps moving
                            self.drift = min(MAX_DRIFT, max(2 * self.drift, MAX_OVERLAP))
                            if relinks > MAX_RELINKS:
                                raise ConsistencyError(
                                    f"the list changed during each of {MAX_RELINKS} re-reads "
                                    "of one page (reviews added or deleted meanwhile), so the "
                                    "walk cannot be proven complete; run the call again later"
                                )
                            break
                        back = 0
                        self.drift //= 2
                        if self._take(window, items, payload):
                            return state
                        if stuck_at is None or (self.reach or 0) > stuck_at:
                            relinks, stuck_at = 0, None  # past where the links broke
                finally:
                    for future in futures:
                        future.cancel()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _take(self, window: _Page, items: list[Item], payload: Any) -> bool:
        """Add a linked page; ``True`` when the walk is over."""
        walker, state = self.walker, self.state
        walker.collector.add(items)
        if self.seen is not None:
            self.seen.update(str(item.get("id")) for item in items)
        if not items:
            return True  # an empty head: an empty list
        newest = self.key(items[-1])
        self.reach = newest if self.reach is None else max(self.reach, newest)
        self.end = window.start + len(items)
        if self.stop is not None and self.stop(items):
            state.stopped = True
            return True
        if walker.collector.full:
            state.stopped = True
            return True
        if self.until_key is not None and self.reach > self.until_key:
            state.stopped = True
            return True
        if len(items) < window.size:
            return True  # the list's end, as it was when this page was read
        if has_next_page(payload, len(items), window.size):
            return False
        # a full page without a next-page link: the end, unless the next page of this size
        # would pass the depth cap (then the next window tells, or the walk is capped)
        return window.start + 2 * window.size <= walkers.API_RECORD_CAP
