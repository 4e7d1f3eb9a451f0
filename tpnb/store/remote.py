"""Paging arithmetic for sync, on a ``fetch(page, start, end)`` callable (no HTTP here).

The sync reads the private review list of one unit in ``createdAt`` windows (``startDateTime``
inclusive, ``endDateTime`` exclusive, oldest first, 100 per page). Two things are needed:

* :func:`list_window`: every review of a window, each once, exact while reviews are inserted and
  deleted: it pages by *time*, not by offset (``page=1`` with ``startDateTime`` = the second of
  the last review seen; the reviews of that second come again and are kept once by id). An
  offset walk skips the first review of the next page whenever one before it is deleted
  mid-walk, and no count shows it. More than a page of reviews in one second are read by page
  within that second, twice, until two reads agree;
* :func:`count_window`: how many reviews a window holds, in as few requests as possible. The API
  has no count, but a page tells whether another page follows (``next-page``), so the count is
  ``100 * (last page - 1) + len(last page)``. Given the archive's own count as a hint, the page
  that should be the last is fetched first: when nothing changed, one request settles it;
  otherwise a galloping/binary search over page numbers finds the last page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from tpnb.errors import CapExceededError, ConsistencyError, ResponseError
from tpnb.paging import walkers

PER_PAGE = 100

Item = dict[str, Any]
#: fetch(page, start, end) -> (items of that page, whether a next page exists)
Fetch = Callable[[int, "datetime | None", "datetime | None"], tuple[list[Item], bool]]


class WindowTooLargeError(CapExceededError):
    """A window holds at least as many reviews as the API lists (100,000): split it.

    Sync splits such windows itself; it reaches the caller only for a window it cannot split.
    """


def max_pages() -> int:
    """The last page the API lists: nothing past its 100,000-record depth cap
    (:data:`tpnb.paging.walkers.API_RECORD_CAP`)."""
    return walkers.API_RECORD_CAP // PER_PAGE


def list_window(fetch: Fetch, start: datetime | None, end: datetime | None) -> list[Item]:
    """All reviews created in ``[start, end)``, oldest first, each once (see the module doc).

    Raises:
        WindowTooLargeError: More reviews in one second than the API lists (100,000).
        tpnb.errors.ResponseError: A review without a readable ``createdAt``.
    """
    seen: dict[str, Item] = {}
    cursor = start
    while True:
        items, more = fetch(1, cursor, end)
        _keep(seen, items)
        if not more or not items:
            return _oldest_first(seen)
        last = _created_second(items[-1])
        if _created_second(items[0]) == last:  # a whole page in one second: read it by page
            _keep(seen, _one_second(fetch, last))
            cursor = last + _SECOND
            if end is not None and cursor >= end:
                return _oldest_first(seen)
        else:
            cursor = last


_SECOND = timedelta(seconds=1)


def _keep(seen: dict[str, Item], items: list[Item]) -> None:
    for item in items:
        review_id = item.get("id")
        if isinstance(review_id, str):
            seen[review_id] = item


def _oldest_first(seen: dict[str, Item]) -> list[Item]:
    return sorted(seen.values(), key=_created_second)


def _created_second(item: Item) -> datetime:
    """The review's ``createdAt``, to the whole second (the API's date filters' precision)."""
    text = item.get("createdAt")
    try:
        moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ResponseError(
            f"a review of the list has no readable createdAt ({text!r:.40})"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _one_second(fetch: Fetch, second: datetime) -> list[Item]:
    """Every review of one second, by offset pages within ``[second, second + 1 s)``, read
    until two consecutive reads return the same ids (an offset shift leaves a trace)."""
    previous: list[Item] | None = None
    for _ in range(4):
        seen: dict[str, Item] = {}
        page = 1
        while True:
            items, more = fetch(page, second, second + _SECOND)
            _keep(seen, items)
            if page >= max_pages() and len(items) >= PER_PAGE:
                raise WindowTooLargeError(f"the second {second} holds 100,000 reviews or more")
            if not more or not items:
                break
            page += 1
        current = list(seen.values())
        if previous is not None and {i["id"] for i in previous} == set(seen):
            return current
        previous = current
    raise ConsistencyError(
        f"the reviews created at {second} kept changing during four reads; try again"
    )


def count_window(fetch: Fetch, start: datetime | None, end: datetime | None, hint: int) -> int:
    """The number of reviews created in ``[start, end)``; about one request when ``hint`` is right.

    Raises:
        WindowTooLargeError: When the window holds more than the API can list.
    """
    known_full = 0  # highest page known to be full with a page after it (0 = none)
    known_empty: int | None = None  # lowest page known to be empty
    last_page = max_pages()
    page = min(max(1, -(-hint // PER_PAGE)), last_page)
    while True:
        items, more = fetch(page, start, end)
        if items and page >= last_page and len(items) >= PER_PAGE:
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
            page = min(page * 2, last_page)
        else:
            page = (known_full + known_empty) // 2
            if page <= known_full:  # pages shifted under us (reviews deleted mid-search)
                page = known_full + 1
            if page >= known_empty:
                return PER_PAGE * known_full  # the last full page had no successor after all
