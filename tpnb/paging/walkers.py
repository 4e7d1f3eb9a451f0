"""Page walking: page numbers, next-page links and tokens, to exhaustion or a limit.

The walkers know nothing about HTTP: they call a ``fetch`` function (usually a
:mod:`tpnb.endpoints` function with its arguments bound) and read the API's paging signals:

* page-numbered lists (``page``/``perPage``): the ``next-page`` entry of ``links``; when a
  response has no ``links`` at all, a page shorter than ``perPage`` is the last;
* token lists: ``nextPageToken`` (all-reviews), ``cursor`` (business-units/all), or a
  ``next-page`` link carrying ``pageToken``/``cursor``.

:func:`walk_pages` may fetch pages concurrently (a small thread pool, within the session's own
pacing, which blocks the worker threads rather than the API); it always yields pages in order,
stops early (``stop``), and on Ctrl-C or when the consumer stops iterating cancels what is
queued and waits for the requests in flight, so no thread is left running.

How the review strategies (:mod:`tpnb.paging.slicing`) use these walkers, and why, is described there.
What a walk's pages go into and its progress bar live in :mod:`tpnb.paging.collect`.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tpnb.errors import ConsistencyError, ResponseError
from tpnb.paging.collect import Item, Progress, run_ahead

API_RECORD_CAP = 100_000
PER_PAGE = 100
DEFAULT_CONCURRENCY = 4

Json = Any


def items_of(payload: Json, key: str) -> list[Item]:
    """The list under ``key`` of a list response.

    Raises:
        ResponseError: The answer holds no list under ``key`` (missing, null, not an object):
            an unreadable page is never read as an empty one (a walk would end early, and a
            sync would delete what it did not see). The transport already retries such
            answers (``list_key``); this is the check for any path that did not ask it to.
    """
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, list):
        shape = (
            type(payload).__name__ if not isinstance(payload, dict) else f"{key!r} = {value!r:.20}"
        )
        raise ResponseError(f"a list answer without its list under {key!r} ({shape})")
    return list(value)


def _next_link(payload: Json) -> str | None:
    """The href of the ``next-page`` link (GET), if any."""
    links = payload.get("links") if isinstance(payload, dict) else None
    for link in links or ():
        if (
            isinstance(link, dict)
            and link.get("rel") == "next-page"
            and str(link.get("method", "GET")).upper() == "GET"
            and link.get("href")
        ):
            return str(link["href"])
    return None


def has_next_page(payload: Json, count: int, per_page: int) -> bool:
    """Whether a page-numbered list has another page after this one."""
    if count == 0:
        return False
    if isinstance(payload, dict) and "links" in payload:
        return _next_link(payload) is not None
    return count >= per_page


def next_token(payload: Json, *names: str) -> str | None:
    """The continuation token of a token-paged list: a body field or the next-page link's query."""
    if isinstance(payload, dict):
        for name in names:
            value = payload.get(name)
            if isinstance(value, str) and value:
                return value
    href = _next_link(payload)
    if href:
        query = parse_qs(urlsplit(href).query)
        for name in names:
            for candidate in (name, "pageToken", "cursor"):
                if query.get(candidate):
                    return query[candidate][0]
    return None


@dataclass
class WalkState:
    """What a walk learnt besides its items.

    Attributes:
        pages: Requests made by this walk.
        capped: The walk ended because the API's 100,000-record depth cap was reached.
        stopped: The walk ended because ``stop`` said so (not by exhaustion).
    """

    pages: int = 0
    capped: bool = False
    stopped: bool = False
    last_page: int = field(default=0, repr=False)


def walk_pages(
    fetch: Callable[[int], Json],
    key: str,
    *,
    per_page: int = PER_PAGE,
    concurrency: int = 1,
    stop: Callable[[list[Item]], bool] | None = None,
    progress: Progress | None = None,
    state: WalkState | None = None,
) -> Generator[list[Item], None, None]:
    """Yield the items of each page of a page-numbered list, in page order.

    Args:
        fetch: ``fetch(page)`` returns the JSON of that page (1-based).
        key: The list's key in the response (``"reviews"``, ``"businessUnits"``...).
        per_page: The ``perPage`` the fetch function sends.
        concurrency: Pages in flight at once after the first (1 = strictly sequential).
        stop: Called with each page's items; ``True`` ends the walk after that page.
        progress: Counts requests (and shows a bar).
        state: Filled in with the number of requests and whether the depth cap was reached.

    Yields:
        The non-empty item lists, page 1 first.
    """
    state = state if state is not None else WalkState()
    cap_page = API_RECORD_CAP // per_page

    def finish(page: int, items: list[Item], payload: Json) -> bool:
        state.pages += 1
        state.last_page = page
        if progress is not None:
            progress.update(len(items))
        if stop is not None and items and stop(items):
            state.stopped = True
            return True
        more = has_next_page(payload, len(items), per_page)
        if not more and page >= cap_page and len(items) == per_page:
            state.capped = True
        return not more

    payload = fetch(1)
    items = items_of(payload, key)
    last = finish(1, items, payload)
    if items:
        yield items
    if last:
        return
    if concurrency <= 1:
        page = 1
        while not last:
            page += 1
            payload = fetch(page)
            items = items_of(payload, key)
            last = finish(page, items, payload)
            if items:
                yield items
        return
    yield from _walk_concurrent(fetch, key, concurrency, finish)


def _walk_concurrent(
    fetch: Callable[[int], Json],
    key: str,
    concurrency: int,
    finish: Callable[[int, list[Item], Json], bool],
) -> Generator[list[Item], None, None]:
    """Pages 2, 3, ... with up to ``concurrency`` requests in flight, yielded in order."""
    cancelled = threading.Event()

    def task(page: int) -> Json:
        if cancelled.is_set():
            return None
        return fetch(page)

    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="tpnb-page")
    pending: deque[tuple[int, Future[Json]]] = deque()
    next_page = 2
    try:
        while True:
            while len(pending) < concurrency:
                pending.append((next_page, pool.submit(task, next_page)))
                next_page += 1
            page, future = pending.popleft()
            payload = future.result()
            items = items_of(payload, key)
            last = finish(page, items, payload)
            if items:
                yield items
            if last:
                return
    finally:
        cancelled.set()
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def walk_tokens(
    fetch: Callable[[str | None], Json],
    key: str,
    token_names: Iterable[str] = ("nextPageToken",),
    *,
    stop: Callable[[list[Item]], bool] | None = None,
    progress: Progress | None = None,
    state: WalkState | None = None,
    prefetch: bool = False,
) -> Generator[list[Item], None, None]:
    """Yield the items of each page of a token-paged list (one request at a time).

    Args:
        fetch: ``fetch(token)`` returns the JSON of the page after ``token`` (``None``: first).
        key: The list's key in the response.
        token_names: Body fields (or link query parameters) holding the next token.
        stop: Called with each page's items; ``True`` ends the walk after that page.
        progress: Counts requests (and shows a bar).
        state: Filled in with the number of requests.
        prefetch: Fetch the next page in a background thread while the consumer works on
            this one (the requests stay strictly sequential; at most one page is fetched
            that a consumer stopping early does not use).
    """
    state = state if state is not None else WalkState()
    pages = _token_pages(fetch, key, tuple(token_names), stop)
    if prefetch:
        pages = _prefetched(pages)
    with contextlib.closing(pages):
        for items, last, stopped in pages:
            state.pages += 1
            if progress is not None:
                progress.update(len(items))
            if items:
                yield items
            if last:
                state.stopped = stopped
                return


def _token_pages(
    fetch: Callable[[str | None], Json],
    key: str,
    names: tuple[str, ...],
    stop: Callable[[list[Item]], bool] | None,
) -> Generator[tuple[list[Item], bool, bool], None, None]:
    """``(items, last, stopped)`` per page of a token walk (``last``: no page follows;
    ``stopped``: because ``stop`` said so).

    Raises:
        ConsistencyError: The API handed out a token it had already given in this walk (the
            walk would loop, and stopping there would return a partial list).
    """
    token: str | None = None
    seen: set[str] = set()
    while True:
        payload = fetch(token)
        items = items_of(payload, key)
        token = next_token(payload, *names)
        # judged here, before the next page is asked for
        stopped = stop is not None and bool(items) and stop(items)
        last = stopped or not items or token is None
        if not last and token in seen:
            raise ConsistencyError(
                f"the {key!r} list repeated a page token after {len(seen) + 1} pages, so the "
                "walk cannot be completed; run the call again"
            )
        yield items, last, stopped
        if last:
            return
        assert token is not None
        seen.add(token)


def _prefetched(source: Iterable[Any], depth: int = 2) -> Generator[Any, None, None]:
    """Run ``source`` in a background thread, ``depth`` values ahead of the consumer.

    Exceptions of the source are re-raised in the consumer; closing the generator stops the
    thread (after the call it is in) and joins it.
    """

    def produce(emit: Callable[[Any], None]) -> None:
        for value in source:
            emit(value)

    return run_ahead(produce, depth=depth, name="tpnb-prefetch")
