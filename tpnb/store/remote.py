"""Paging arithmetic for sync, on a ``fetch(page, start, end)`` callable (no HTTP here).

The sync reads the private review list of one unit in ``createdAt`` windows (``startDateTime``
inclusive, ``endDateTime`` exclusive, oldest first, 100 per page). Two things are needed:

* :func:`list_window`: every review of a window, each once (a review that moves between pages
  while the walk runs is kept once);
* :func:`count_window`: how many reviews a window holds, in as few requests as possible. The API
  has no count, but a page tells whether another page follows (``next-page``), so the count is
  ``100 * (last page - 1) + len(last page)``. Given the archive's own count as a hint, the page
  that should be the last is fetched first: when nothing changed, one request settles it;
  otherwise a galloping/binary search over page numbers finds the last page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tpnb.errors import CapExceededError

PER_PAGE = 100
MAX_PAGES = 1000  # the API returns nothing past 100,000 records (page * perPage > 100k)

Item = dict[str, Any]
#: fetch(page, start, end) -> (items of that page, whether a next page exists)
Fetch = Callable[[int, "datetime | None", "datetime | None"], tuple[list[Item], bool]]


class WindowTooLargeError(CapExceededError):
    """A window holds at least as many reviews as the API lists (100,000): split it.

    Sync splits such windows itself; it reaches the caller only for a window it cannot split.
    """


def list_window(fetch: Fetch, start: datetime | None, end: datetime | None) -> list[Item]:
    """All reviews created in ``[start, end)``, oldest first, de-duplicated by id."""
    seen: dict[str, Item] = {}
    page = 1
    while True:
        items, more = fetch(page, start, end)
        for item in items:
            rid = item.get("id")
            if isinstance(rid, str):
                seen[rid] = item
        if page >= MAX_PAGES and len(items) >= PER_PAGE:  # the cap: the rest cannot be listed
            raise WindowTooLargeError(f"window {start} .. {end} holds 100,000 reviews or more")
        if not more or not items:
            return list(seen.values())
        page += 1


def count_window(fetch: Fetch, start: datetime | None, end: datetime | None, hint: int) -> int:
    """The number of reviews created in ``[start, end)``; about one request when ``hint`` is right.

    Raises:
        WindowTooLargeError: When the window holds more than the API can list.
    """
    known_full = 0  # highest page known to be full with a page after it (0 = none)
    known_empty: int | None = None  # lowest page known to be empty
    page = min(max(1, -(-hint // PER_PAGE)), MAX_PAGES)
    while True:
        items, more = fetch(page, start, end)
        if items and page >= MAX_PAGES and len(items) >= PER_PAGE:
            raise WindowTooLargeError(f"window {start} .. {end} holds 100,000 reviews or more")
        if items and not more:
            return PER_PAGE * (page - 1) + len(items)
        if items:  # more pages follow
            known_full = max(known_full, page)
        else:
            known_empty = page if known_empty is None else min(known_empty, page)
            if page == 1:
                return 0
        if known_empty is None:
            page = min(page * 2, MAX_PAGES)
        else:
            page = (known_full + known_empty) // 2
            if page <= known_full:  # pages shifted under us (reviews deleted mid-search)
                page = known_full + 1
            if page >= known_empty:
                return PER_PAGE * known_full  # the last full page had no successor after all
