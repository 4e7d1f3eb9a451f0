"""The page walkers on synthetic lists (pure: the walkers only see a ``fetch`` function).

The walks against the real emulator over HTTP are in ``tests/methods/``.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

import pytest

from tpnb.errors import ConsistencyError
from tpnb.paging.collect import Collector, Progress
from tpnb.paging.walkers import (
    API_RECORD_CAP,
    WalkState,
    has_next_page,
    next_token,
    walk_pages,
    walk_tokens,
)


class PagedList:
    """A page-numbered list shaped like the API's (links with next-page), with a depth cap."""

    def __init__(self, n: int, *, per_page: int = 100, cap: int | None = API_RECORD_CAP) -> None:
        self.items = [{"id": f"{i:024x}", "n": i} for i in range(n)]
        self.per_page = per_page
        self.cap = cap
        self.calls: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, page: int) -> dict[str, Any]:
        with self.lock:
            self.calls.append(page)
        limit = len(self.items) if self.cap is None else min(len(self.items), self.cap)
        start, stop = (page - 1) * self.per_page, min(page * self.per_page, limit)
        chunk = self.items[start:stop] if start < limit else []
        links = [{"href": f"x?page={page + 1}", "method": "GET", "rel": "next-page"}]
        return {"reviews": chunk, "links": links if stop < limit else []}


def _flatten(pages: Any) -> list[dict[str, Any]]:
    return [item for page in pages for item in page]


@pytest.mark.parametrize("n", [0, 1, 99, 100, 101, 1050])
@pytest.mark.parametrize("concurrency", [1, 4])
def test_walk_pages_every_item_once_in_order(n: int, concurrency: int) -> None:
    src = PagedList(n)
    state = WalkState()
    items = _flatten(walk_pages(src, "reviews", concurrency=concurrency, state=state))
    assert [i["n"] for i in items] == list(range(n))
    needed = max(1, -(-n // 100))
    assert needed <= len(src.calls) <= needed + concurrency
    assert state.pages >= needed
    assert not state.capped


def test_walk_pages_without_links_stops_on_short_page() -> None:
    src = PagedList(250)

    def fetch(page: int) -> dict[str, Any]:
        return {"reviews": src(page)["reviews"]}

    items = _flatten(walk_pages(fetch, "reviews"))
    assert len(items) == 250
    assert src.calls == [1, 2, 3]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_walk_pages_detects_the_depth_cap(concurrency: int) -> None:
    src = PagedList(API_RECORD_CAP + 250)
    state = WalkState()
    items = _flatten(walk_pages(src, "reviews", concurrency=concurrency, state=state))
    assert len(items) == API_RECORD_CAP
    assert state.capped


def test_walk_pages_stop_predicate() -> None:
    src = PagedList(1000)
    state = WalkState()
    pages = walk_pages(
        src, "reviews", concurrency=3, stop=lambda it: it[-1]["n"] >= 250, state=state
    )
    items = _flatten(pages)
    assert [i["n"] for i in items] == list(range(300))
    assert state.stopped


def test_consumer_stopping_early_leaves_no_thread() -> None:
    src = PagedList(5000)
    pages = walk_pages(src, "reviews", concurrency=4)
    next(pages)
    next(pages)
    pages.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("tpnb-page")]
    assert len(src.calls) <= 2 + 4


def test_ctrl_c_stops_cleanly() -> None:
    """A KeyboardInterrupt while waiting for pages cancels the queue and joins the workers."""
    src = PagedList(10_000)

    def slow(page: int) -> dict[str, Any]:
        if page == 3:
            raise KeyboardInterrupt
        time.sleep(0.01)
        return src(page)

    with pytest.raises(KeyboardInterrupt):
        _flatten(walk_pages(slow, "reviews", concurrency=4))
    assert not [t for t in threading.enumerate() if t.name.startswith("tpnb-page")]
    calls = len(src.calls)
    time.sleep(0.05)
    assert len(src.calls) == calls  # nothing runs after the interrupt
    assert calls < 20


def test_walk_tokens() -> None:
    data = [{"id": str(i)} for i in range(250)]

    def fetch(token: str | None) -> dict[str, Any]:
        start = int(token or 0)
        nxt = str(start + 100) if start + 100 < len(data) else None
        return {"reviews": data[start : start + 100], "nextPageToken": nxt}

    state = WalkState()
    items = _flatten(walk_tokens(fetch, "reviews", state=state))
    assert items == data
    assert state.pages == 3


@pytest.mark.parametrize("prefetch", [False, True])
def test_walk_tokens_repeated_token_raises(prefetch: bool) -> None:
    # A -> B -> A: stopping at the repeat would silently return a partial list
    pages = {None: ("A", 0), "A": ("B", 1), "B": ("A", 2)}
    calls: list[str | None] = []

    def fetch(token: str | None) -> dict[str, Any]:
        calls.append(token)
        nxt, n = pages[token]
        return {"reviews": [{"id": f"{n}-{i}"} for i in range(3)], "nextPageToken": nxt}

    with pytest.raises(ConsistencyError, match="repeated a page token"):
        _flatten(walk_tokens(fetch, "reviews", prefetch=prefetch))
    assert calls == [None, "A", "B"]


def test_next_token_from_body_or_link() -> None:
    assert next_token({"cursor": "abc"}, "cursor") == "abc"
    link = {"href": "http://h/v1/x?perPage=5&pageToken=t0k", "method": "GET", "rel": "next-page"}
    assert next_token({"links": [link], "nextPageToken": None}, "nextPageToken") == "t0k"
    assert next_token({"links": []}, "nextPageToken") is None


def test_has_next_page() -> None:
    assert not has_next_page({"links": []}, 100, 100)
    assert has_next_page({"reviews": []}, 100, 100)
    assert not has_next_page({"reviews": []}, 0, 100)


def test_collector_dedup_limit_keep() -> None:
    c = Collector(limit=3, keep=lambda item: item["n"] % 2 == 0)
    assert c.add([{"id": "a", "n": 0}, {"id": "a", "n": 0}, {"id": "b", "n": 1}]) == 1
    assert c.duplicates == 1
    assert c.seen([{"id": "b"}])  # seen, though not kept
    c.add([{"id": str(i), "n": i} for i in range(2, 20)])
    assert c.full
    assert [i["n"] for i in c.items] == [0, 2, 4]


def test_progress_disabled_counts_requests(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress(False, "x") as bar:
        _flatten(walk_pages(PagedList(500), "reviews", progress=bar))
    assert bar.requests == 5
    assert capsys.readouterr().err == ""


def test_progress_bar_shown_for_multi_page(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress(True, "walk", total=5) as bar:
        _flatten(walk_pages(PagedList(500), "reviews", progress=bar))
    assert "walk" in capsys.readouterr().err


def _pages_noting_frozen(frozen: list[int], pages: int = 3) -> Any:
    """A walk of ``pages`` pages of one new item each; notes the frozen object count per page."""
    for n in range(pages):
        frozen.append(gc.get_freeze_count())
        yield [{"id": f"r{n}", "nested": {"links": [{"href": f"/r{n}"}]}}]


def test_fill_keeps_pages_out_of_gc_passes_until_the_walk_ends() -> None:
    assert gc.get_freeze_count() == 0
    frozen: list[int] = []
    items = Collector().fill(_pages_noting_frozen(frozen))
    assert [i["id"] for i in items] == ["r0", "r1", "r2"]
    assert frozen[0] == 0  # nothing kept yet
    assert frozen[1] > 0  # the first page (and all else alive then) is out of the passes
    assert gc.get_freeze_count() == 0  # all moved back when the walk ended


def test_fill_gc_shelter_lasts_until_the_last_of_two_walks() -> None:
    outer_frozen: list[int] = []
    inner_frozen: list[int] = []
    after_inner: list[int] = []

    def outer() -> Any:
        for n, page in enumerate(_pages_noting_frozen(outer_frozen)):
            if n == 1:  # another walk runs and ends inside this one
                Collector().fill(_pages_noting_frozen(inner_frozen))
                after_inner.append(gc.get_freeze_count())
            yield page

    Collector().fill(outer())
    assert after_inner[0] > 0  # the inner walk's end did not unfreeze the outer one's pages
    assert gc.get_freeze_count() == 0


def test_fill_with_a_listener_leaves_gc_alone() -> None:
    frozen: list[int] = []
    seen: list[int] = []
    Collector(on_new=lambda items: seen.append(len(items))).fill(_pages_noting_frozen(frozen))
    assert seen == [1, 1, 1]
    assert frozen == [0, 0, 0]


def test_fill_unfreezes_when_the_walk_raises() -> None:
    def failing() -> Any:
        yield [{"id": "a"}]
        raise ConsistencyError("the list moved")

    with pytest.raises(ConsistencyError):
        Collector().fill(failing())
    assert gc.get_freeze_count() == 0


def test_fill_leaves_an_application_s_own_freeze_and_a_disabled_collector_alone() -> None:
    assert gc.get_freeze_count() == 0
    gc.freeze()  # what a server does before forking workers
    try:
        theirs = gc.get_freeze_count()  # frozen objects freed meanwhile lower it a little
        frozen: list[int] = []
        Collector().fill(_pages_noting_frozen(frozen))
        assert max(frozen) <= theirs  # tpnb froze nothing more
        assert gc.get_freeze_count() > theirs // 2  # and did not unfreeze theirs (0 then)
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        frozen = []
        Collector().fill(_pages_noting_frozen(frozen))
        assert frozen == [0, 0, 0]
        assert not gc.isenabled()
    finally:
        gc.enable()
