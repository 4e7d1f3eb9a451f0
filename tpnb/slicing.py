"""Getting every review of a list, beyond the API's 100,000-record depth cap, exactly once.

The review lists are offset-paged (``page``/``perPage``) and stop at 100,000 records. Offsets
move when reviews arrive or are deleted during a walk, so the strategies below choose orders
and slices that keep a walk stable:

* **Oldest first** (``createdat.asc``) is the order of every full walk. New reviews are the newest,
  so they land *after* every page already fetched: nothing shifts, and pages can be fetched
  concurrently. (In ``createdat.desc`` each arrival pushes every later review one place down: a
  page fetched before an earlier one could then miss reviews, so newest-first walks, used for
  ``limit=``, run sequentially, where an arrival only repeats a review, dropped by id.)
* **Private lists** have ``startDateTime``/``endDateTime``: when a window reaches the cap, the
  next window starts at the last ``createdAt`` seen (inclusive, so a second shared by several
  reviews is not lost; the overlap is de-duplicated by id). Windows are resumed one after
  another, so any size comes back whole.
* **Public lists** have no date filter. Past the cap, the rest is read from the other end: the
  keyset-paged ``all-reviews`` endpoint (newest first, immune to arrivals and deletions) when
  no filter is set, otherwise ``createdat.desc`` pages, in both cases until a review already
  held appears (the two walks have met). If even that hits the cap (more than 200,000 matching
  reviews), the walk is split by star rating and each slice is read the same way.
* A review *deleted* during an offset walk moves later reviews one place up, so one review at a
  page boundary may be missed; only the keyset walk is immune. Re-run (the cache makes that
  cheap) or use ``all_reviews`` when the unit is being edited heavily.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from tpnb.errors import TpnbError
from tpnb.paging import (
    API_RECORD_CAP,
    PER_PAGE,
    Collector,
    Item,
    Progress,
    WalkState,
    walk_pages,
    walk_tokens,
)

ASC = ("createdat.asc",)
DESC = ("createdat.desc",)


@dataclass(frozen=True)
class Slice:
    """One walkable list: an order, a star subset and (private lists) a date window."""

    order: tuple[str, ...] = ASC
    stars: tuple[int, ...] | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


FetchPage = Callable[[Slice, int], Any]
FetchToken = Callable[[str | None], Any]


def created(item: Item) -> pd.Timestamp:
    """An item's ``createdAt`` as a UTC timestamp (``...Z``, zone-less or with milliseconds)."""
    ts = pd.Timestamp(str(item.get("createdAt")))
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


@dataclass
class Walker:
    """Runs walks of one review list into one :class:`Collector`.

    Args:
        fetch: ``fetch(slice, page)`` returns one page of the list for that slice.
        collector: Receives every page (de-duplication, limit, client-side filters).
        progress: Counts requests and shows the bar.
        concurrency: Pages in flight for order-stable (oldest-first) walks.
        expected: Expected number of matching reviews, when known (bounds read-ahead).
        key: The list's key in the responses.
    """

    fetch: FetchPage
    collector: Collector
    progress: Progress
    concurrency: int = 4
    expected: int | None = None
    key: str = "reviews"

    def walk(
        self,
        sl: Slice,
        *,
        concurrent: bool,
        stop: Callable[[list[Item]], bool] | None = None,
    ) -> tuple[WalkState, list[Item]]:
        """Walk one slice to its end (or ``stop``/limit); return its state and last page."""
        state = WalkState()
        expected = None if self.expected is None else -(-self.expected // PER_PAGE)
        pages = walk_pages(
            lambda page: self.fetch(sl, page),
            self.key,
            concurrency=self.concurrency if concurrent else 1,
            stop=stop,
            progress=self.progress,
            expected_pages=expected,
            state=state,
        )
        last: list[Item] = []
        with contextlib.closing(pages):
            for items in pages:
                self.collector.add(items)
                last = items
                if self.collector.full:
                    state.stopped = True
                    break
        return state, last

    # ---------------------------------------------------------------- public lists
    def public_full(
        self,
        stars: tuple[int, ...] | None,
        *,
        fetch_token: FetchToken | None = None,
        stop_asc: Callable[[list[Item]], bool] | None = None,
    ) -> None:
        """Every review of a public list (any size), oldest first, then from the newest end."""
        state, _ = self.walk(Slice(ASC, stars), concurrent=True, stop=stop_asc)
        if not state.capped or self.collector.full:
            return
        met = self.collector.seen
        if fetch_token is not None and stars is None:
            tokens = walk_tokens(fetch_token, self.key, stop=met, progress=self.progress)
            with contextlib.closing(tokens):
                for items in tokens:
                    self.collector.add(items)
                    if self.collector.full:
                        break
            return
        state, _ = self.walk(Slice(DESC, stars), concurrent=False, stop=met)
        if not state.capped or self.collector.full:
            return
        if stars is not None and len(stars) == 1:
            raise TpnbError(
                f"more than {2 * API_RECORD_CAP:,} reviews with {stars[0]} stars match; the public "
                "API cannot list them all: narrow the request (language=, location=, ...)"
            )
        for star in stars or (1, 2, 3, 4, 5):
            self.public_full((star,), stop_asc=stop_asc)

    def newest(self, sl: Slice, *, stop: Callable[[list[Item]], bool] | None = None) -> WalkState:
        """Walk a slice in its own order, sequentially (for ``limit=`` and early stops)."""
        state, _ = self.walk(sl, concurrent=False, stop=stop)
        return state

    # ---------------------------------------------------------------- private lists
    def private_windows(self, sl: Slice, *, newest_first: bool) -> None:
        """Every review of a private list, resuming by date whenever a window hits the cap.

        Oldest first (concurrent pages), the next window starts at the last ``createdAt`` seen;
        newest first (sequential, for ``limit=``), it ends one second after the oldest seen.
        """
        sl = replace(sl, order=DESC if newest_first else ASC)
        while True:
            state, last = self.walk(sl, concurrent=not newest_first)
            if not state.capped or self.collector.full or not last:
                return
            edge = created(last[-1])
            if newest_first:
                new = replace(sl, end=edge + pd.Timedelta(seconds=1))
            else:
                new = replace(sl, start=edge)
            if new == sl:
                raise TpnbError(
                    f"more than {API_RECORD_CAP:,} reviews share the second {edge.isoformat()}: "
                    "the API cannot page past them"
                )
            sl = new
