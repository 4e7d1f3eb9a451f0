"""The review strategies on synthetic lists (pure: a ``fetch(slice, page)`` function, no HTTP).

What the API's 100,000-record cap leaves unlistable is a :class:`CapExceededError` (never a
silently short frame). The cap is lowered here so a list can cross it in a few pages; the
strategies against the real emulator are in ``tests/methods/test_methods_reviews.py`` and
``tests/reliability/``.

:class:`TimeWalk` (private lists paged by ``createdAt``) is driven by :class:`ChangingList`, an
in-memory list that answers like the API (date window in whole seconds, order, page number,
depth cap) and changes between requests: exactness while reviews arrive and are deleted, the
split into concurrent windows, crowded seconds, the limit, and the cap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import tpnb
from tpnb.errors import CapExceededError, ConsistencyError, TpnbError
from tpnb.paging import walkers
from tpnb.paging.collect import Collector, Progress
from tpnb.paging.slicing import (
    ASC,
    DESC,
    MAX_OVERLAP,
    MAX_RELINKS,
    MIN_OVERLAP,
    OverlapWalk,
    Slice,
    TimeWalk,
    Walker,
    overlap_window,
)

CAP = 300  # records a listing reaches (the real API: 100,000)
START = pd.Timestamp("2024-01-01T00:00:00Z")


@pytest.fixture(autouse=True)
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(walkers, "API_RECORD_CAP", CAP)


class CappedList:
    """A public review list with a star filter, date windows and the depth cap, oldest first."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items

    def __call__(self, sl: Slice, page: int) -> dict[str, Any]:
        rows = [i for i in self.items if sl.stars is None or i["stars"] in sl.stars]
        if sl.start is not None:
            rows = [i for i in rows if pd.Timestamp(i["createdAt"]) >= sl.start]
        if sl.end is not None:
            rows = [i for i in rows if pd.Timestamp(i["createdAt"]) < sl.end]
        if sl.order == DESC:
            rows = rows[::-1]
        reachable = rows[:CAP]
        start, stop = (page - 1) * sl.per_page, page * sl.per_page
        more = stop < len(reachable)
        links = [{"href": f"x?page={page + 1}", "method": "GET", "rel": "next-page"}]
        return {"reviews": reachable[start:stop], "links": links if more else []}


def _review(n: int, stars: int, at: pd.Timestamp) -> dict[str, Any]:
    return {"id": f"{n:024x}", "stars": stars, "createdAt": at.isoformat()}


def _walker(fetch: CappedList, per_page: int = 100) -> Walker:
    return Walker(fetch, Collector(), Progress(False, "test"), concurrency=1, per_page=per_page)


def test_a_star_rating_beyond_both_ends_of_the_cap_is_a_cap_error() -> None:
    n = 2 * CAP + 50  # the oldest-first and newest-first walks cannot meet
    items = [_review(i, 5, START + pd.Timedelta(minutes=i)) for i in range(n)]
    with pytest.raises(CapExceededError, match="5 stars"):
        _walker(CappedList(items)).public_full((5,))


def test_within_twice_the_cap_every_review_is_found() -> None:
    n = 2 * CAP - 50  # the two walks meet in the middle
    items = [_review(i, 5, START + pd.Timedelta(minutes=i)) for i in range(n)]
    walker = _walker(CappedList(items))
    walker.public_full((5,))
    assert sorted(walker.collector.ids) == sorted(i["id"] for i in items)


def test_more_reviews_in_one_second_than_the_cap_is_a_cap_error() -> None:
    items = [_review(i, 4, START) for i in range(CAP + 10)]
    with pytest.raises(CapExceededError, match="share the second"):
        _walker(CappedList(items)).one_second(Slice(), START)


def test_cap_error_is_public_and_in_the_tree() -> None:
    assert tpnb.CapExceededError is CapExceededError
    assert issubclass(CapExceededError, TpnbError)


# ---------------------------------------------------------------- TimeWalk (private lists by time)
SECOND = pd.Timedelta(seconds=1)


class ChangingList(CappedList):
    """A private review list by ``createdAt``: date window, order, page number, depth cap.

    Args:
        items: The reviews, oldest first.
        changes: Request number (1-based) -> a change of the list made just before that
            request is answered (reviews arriving or deleted while the walk runs).
        meet: Request numbers that wait for each other before they are answered (a
            ``threading.Barrier``): they can only all be answered if they are in flight at once.
    """

    def __init__(
        self,
        items: list[dict[str, Any]],
        changes: dict[int, Callable[[ChangingList], None]] | None = None,
        meet: range = range(0),
    ) -> None:
        super().__init__(list(items))
        self.changes = changes or {}
        self.meet = meet
        self.barrier = threading.Barrier(max(1, len(meet)))
        self.requests: list[tuple[Slice, int]] = []
        self.lock = threading.Lock()

    def __call__(self, sl: Slice, page: int) -> dict[str, Any]:
        with self.lock:
            self.requests.append((sl, page))
            number = len(self.requests)
            change = self.changes.get(number)
            if change is not None:
                change(self)
            payload = super().__call__(sl, page)
        if number in self.meet:
            self.barrier.wait(timeout=60)  # a guard against a hang, not a measurement
        return payload

    def insert(self, item: dict[str, Any]) -> None:
        self.items.append(item)
        self.items.sort(key=lambda review: pd.Timestamp(review["createdAt"]))

    def delete(self, ident: str) -> None:
        self.items = [review for review in self.items if review["id"] != ident]


def _spread(count: int, every: pd.Timedelta, first: int = 0) -> list[dict[str, Any]]:
    """``count`` reviews, one each ``every`` from half a second after START, ids ``first``,
    ``first + 1``... (the half second puts the page boundaries of THIRD inside a second)."""
    return [_review(first + i, 1 + i % 5, START + SECOND / 2 + i * every) for i in range(count)]


def _time_walk(
    fetch: ChangingList,
    window: Slice,
    *,
    newest_first: bool,
    concurrency: int,
    limit: int | None = None,
) -> tuple[TimeWalk, Collector]:
    collector = Collector(limit)
    walker = Walker(fetch, collector, Progress(False, "test"), concurrency=concurrency)
    return TimeWalk(walker, window, newest_first=newest_first), collector


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def test_time_walk_reads_a_list_far_past_the_cap_exactly_in_concurrent_windows() -> None:
    items = _spread(20 * CAP, 2 * SECOND)  # every request is a first page: the cap never bites
    window = Slice(start=START, end=START + len(items) * 2 * SECOND)
    # after the first page the walk splits the range: four requests in flight at once
    fetch = ChangingList(items, meet=range(2, 6))
    walk, collector = _time_walk(fetch, window, newest_first=False, concurrency=4)
    walk.run()
    assert set(collector.by_id) == _ids(items)
    assert {page for _, page in fetch.requests} == {1}
    starts = sorted({sl.start for sl, _ in fetch.requests if sl.start is not None})
    assert len([s for s in starts if s > START]) >= 3  # windows that start inside the range
    assert all(START <= sl.start < sl.end <= window.end for sl, _ in fetch.requests)
    # each page repeats its last second's review; each window costs at most one partial page
    windows = len({sl.end for sl, _ in fetch.requests})
    assert len(fetch.requests) <= -(-len(items) // 99) + 2 * windows


def test_time_walk_splits_only_what_holds_enough_reviews() -> None:
    items = _spread(250, 2 * SECOND)  # fewer than SPLIT_MIN_PAGES pages: no second window
    window = Slice(start=START, end=START + len(items) * 2 * SECOND)
    fetch = ChangingList(items)
    walk, collector = _time_walk(fetch, window, newest_first=False, concurrency=4)
    walk.run()
    assert set(collector.by_id) == _ids(items)
    assert {sl.end for sl, _ in fetch.requests} == {window.end}
    assert len(fetch.requests) == 3  # 100 + 99 + 51 new reviews


#: three reviews a second, so pages end inside a second (which the next page reads again)
THIRD = SECOND / 3


def _change_midway(fetch: ChangingList) -> None:
    """Before the 2nd request: two reviews already read deleted and one arrives among them
    (so later offsets shift by one), one review not read yet deleted, one arrives ahead."""
    fetch.delete(f"{10:024x}")
    fetch.delete(f"{20:024x}")
    fetch.insert(_review(10_000, 5, START + 30 * THIRD + THIRD / 2))
    fetch.delete(f"{250:024x}")
    fetch.insert(_review(10_001, 4, START + 150 * THIRD + THIRD / 2))


def test_time_walk_is_exact_while_reviews_arrive_and_are_deleted() -> None:
    items = _spread(280, THIRD)
    window = Slice(start=START, end=START + 100 * SECOND)
    fetch = ChangingList(items, changes={2: _change_midway})
    walk, collector = _time_walk(fetch, window, newest_first=False, concurrency=1)
    walk.run()
    # the reviews read before their deletion stay; the one that arrived behind the walk is
    # not seen (it came after its time was read); every other review exactly once
    expected = _ids(items) - {f"{250:024x}"} | {f"{10_001:024x}"}
    assert set(collector.by_id) == expected
    assert len(fetch.requests) == 3


def test_the_same_changes_make_an_offset_walk_skip_a_review() -> None:
    """The changes above are hostile: read by offsets, a review that was there all along is lost."""
    items = _spread(280, THIRD)
    fetch = ChangingList(items, changes={2: _change_midway})
    pages = walkers.walk_pages(lambda page: fetch(Slice(), page), "reviews", concurrency=1)
    seen = {item["id"] for page in pages for item in page}
    assert f"{100:024x}" not in seen  # it moved from page 2 to page 1 after page 1 was read


def test_time_walk_is_exact_in_concurrent_windows_while_the_list_changes() -> None:
    items = _spread(20 * CAP, 2 * SECOND)
    late = [_review(50_000 + i, 3, START + (1000 * i + 1) * SECOND) for i in range(12)]

    def arrive_and_delete(fetch: ChangingList) -> None:
        for review in late:
            fetch.insert(review)
        for i in range(0, len(items), 500):
            fetch.delete(items[i]["id"])

    window = Slice(start=START, end=START + len(items) * 2 * SECOND)
    fetch = ChangingList(items, changes={8: arrive_and_delete})
    walk, collector = _time_walk(fetch, window, newest_first=False, concurrency=4)
    walk.run()
    deleted = {items[i]["id"] for i in range(0, len(items), 500)}
    kept = set(collector.by_id)
    assert _ids(items) - deleted <= kept  # every review there all along, once
    assert kept <= _ids(items) | _ids(late)


def test_time_walk_newest_first_stops_at_the_limit() -> None:
    items = _spread(1000, THIRD)
    window = Slice(start=START, end=START + 400 * SECOND)
    fetch = ChangingList(items)
    walk, collector = _time_walk(fetch, window, newest_first=True, concurrency=4, limit=150)
    walk.run()
    assert list(collector.by_id) == [item["id"] for item in reversed(items)][:150]
    assert len(fetch.requests) == 2  # one window, newest first, no read-ahead
    assert all(sl.order == DESC for sl, _ in fetch.requests)


@pytest.mark.parametrize("newest_first", [False, True])
def test_time_walk_reads_a_crowded_second_by_pages(newest_first: bool) -> None:
    before, after = _spread(300, 10 * SECOND), _spread(300, 10 * SECOND, first=1000)
    crowd_second = START + 3005 * SECOND
    crowd = [_review(5000 + i, 2, crowd_second) for i in range(250)]  # 2.5 pages in one second
    later = [
        {**item, "createdAt": (pd.Timestamp(item["createdAt"]) + 3010 * SECOND).isoformat()}
        for item in after
    ]
    items = before + crowd + later
    window = Slice(start=START, end=START + 7000 * SECOND)
    fetch = ChangingList(items)
    walk, collector = _time_walk(fetch, window, newest_first=newest_first, concurrency=1)
    walk.run()
    assert set(collector.by_id) == _ids(items)
    crowded = [
        (sl, page)
        for sl, page in fetch.requests
        if sl.start == crowd_second and sl.end == crowd_second + SECOND
    ]
    assert max(page for _, page in crowded) == 3  # read by page, twice (verified)
    assert {sl.per_page for sl, _ in crowded} == {100, 99}


def test_time_walk_more_reviews_in_one_second_than_the_cap_is_a_cap_error() -> None:
    items = _spread(200, 10 * SECOND) + [
        _review(5000 + i, 2, START + 2005 * SECOND) for i in range(CAP + 10)
    ]
    window = Slice(start=START, end=START + 3000 * SECOND)
    walk, _ = _time_walk(ChangingList(items), window, newest_first=False, concurrency=4)
    with pytest.raises(CapExceededError, match="share the second"):
        walk.run()


# ------------------------------------------------------------------ overlapping offset walks
def _overlap_walk(
    fetch: CappedList, *, stars: tuple[int, ...] | None = None, concurrency: int = 1
) -> Collector:
    collector = Collector()
    walker = Walker(fetch, collector, Progress(False, "test"), concurrency=concurrency)
    OverlapWalk(walker, Slice(ASC, stars)).run()
    return collector


def _windows_to(n: int) -> int:
    """Pages an overlapping walk plans for an unchanging list of ``n`` reviews."""
    count, end = 1, min(n, 100)
    while end < n:
        window = overlap_window(end, cap=10**9)
        assert window is not None
        end, count = min(n, window[0] + window[1]), count + 1
    return count


@pytest.mark.parametrize("start", [1, 97, 99, 250, 4_999, 99_990])
def test_overlap_window_overlaps_and_is_a_page(start: int) -> None:
    window = overlap_window(start + 3, cap=100_000)
    assert window is not None
    first, size = window
    assert 1 <= size <= 100
    assert first % size == 0  # a page: [(page - 1) * size, page * size)
    assert start + 3 - MAX_OVERLAP <= first <= start + 3 - MIN_OVERLAP
    assert first + size > start + 3
    assert first + size <= 100_000


def test_overlap_window_stops_at_the_cap() -> None:
    assert overlap_window(CAP, cap=CAP) is None
    first, size = overlap_window(CAP - 30, cap=CAP) or (0, 0)
    assert first + size <= CAP


@pytest.mark.parametrize("concurrency", [1, 4])
def test_overlap_walk_reads_an_unchanging_list_once_per_planned_page(concurrency: int) -> None:
    items = _spread(CAP - 10, 2 * SECOND)
    fetch = ChangingList(items)
    collector = _overlap_walk(fetch, concurrency=concurrency)
    assert set(collector.by_id) == _ids(items)
    # concurrent pages are planned ahead: at most one more past the end
    assert (
        _windows_to(len(items))
        <= len(fetch.requests)
        <= _windows_to(len(items)) + (concurrency - 1)
    )
    assert all(sl.per_page <= 100 for sl, _ in fetch.requests)


def test_overlap_walk_costs_little_more_than_pages_of_a_hundred() -> None:
    """Alignment is the only cost: about 1.15 pages per 100 reviews on long lists."""
    for n in (100, 272, 687, 3_108, 11_860, 99_000):
        minimum = -(-n // 100)
        assert _windows_to(n) <= 1.16 * minimum + 2, n


def _shifting(fetch: ChangingList) -> None:
    """Before a request: 30 of the oldest reviews deleted (more than any overlap, so the next
    page starts past what was read), one arrives in the middle and one at the end."""
    for item in list(fetch.items[:30]):
        fetch.delete(item["id"])
    middle = pd.Timestamp(fetch.items[len(fetch.items) // 2]["createdAt"])
    number = len(fetch.requests)
    fetch.insert(_review(70_000 + number, 1, middle + SECOND / 4))
    fetch.insert(_review(80_000 + number, 2, START + 10**6 * SECOND))


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("stars", [None, (1, 2)])
def test_overlap_walk_is_exact_while_the_list_shifts(
    concurrency: int, stars: tuple[int, ...] | None
) -> None:
    items = _spread(CAP - 20, 2 * SECOND)
    fetch = ChangingList(items, changes={2: _shifting, 4: _shifting, 5: _shifting})
    collector = _overlap_walk(fetch, stars=stars, concurrency=concurrency)
    wanted = {i["id"] for i in items if stars is None or i["stars"] in stars}
    now = {i["id"] for i in fetch.items if stars is None or i["stars"] in stars}
    got = set(collector.by_id)
    assert wanted & now <= got  # every review there all along
    assert got - wanted <= now  # nothing that never was
    assert len(collector.items) == len(got)


def test_the_same_shift_makes_a_plain_offset_walk_skip_reviews() -> None:
    """The changes above are hostile: the walk above is exact because its pages overlap."""
    items = _spread(CAP - 20, 2 * SECOND)
    fetch = ChangingList(items, changes={2: _shifting})
    pages = walkers.walk_pages(lambda page: fetch(Slice(), page), "reviews", concurrency=1)
    seen = {item["id"] for page in pages for item in page}
    assert not _ids(items[30:]) <= seen


class RunningAway(CappedList):
    """A list that moves past the reader before every request after the first."""

    def __init__(self) -> None:
        super().__init__([])
        self.requests = 0

    def __call__(self, sl: Slice, page: int) -> dict[str, Any]:
        self.requests += 1
        shift = 0 if page == 1 else 1_000 * self.requests
        first = (page - 1) * sl.per_page + shift
        rows = [_review(i, 1, START + i * SECOND) for i in range(first, first + sl.per_page)]
        links = [{"href": "x", "method": "GET", "rel": "next-page"}]
        return {"reviews": rows, "links": links}


def test_overlap_walk_whose_links_keep_breaking_is_a_consistency_error() -> None:
    fetch = RunningAway()
    with pytest.raises(ConsistencyError, match="changed during each"):
        _overlap_walk(fetch)
    assert fetch.requests <= 2 * (MAX_RELINKS + 1)  # it gives up, after few re-reads
