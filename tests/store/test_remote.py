"""tpnb.store.remote: counting and listing a window through page numbers (a fake page source).

The fake behaves like the API's page-numbered lists: 100 per page, a ``next-page`` signal when
a further non-empty page exists, nothing past 100,000 records.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tpnb.errors import CapExceededError, ResponseError
from tpnb.store.remote import (
    PER_PAGE,
    WindowTooLargeError,
    count_window,
    list_window,
    max_pages,
)

BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)


class Pages:
    """``total`` reviews behind a page-numbered list, oldest first, one per second (or
    ``per_second`` per second), filtered by ``[start, end)`` like the API; counts the requests
    and runs ``between`` before each request after the first (to change the list mid-walk)."""

    def __init__(self, total: int, *, per_second: int = 1) -> None:
        self.reviews = [
            {"id": f"{i:024x}", "createdAt": _at(i // per_second)} for i in range(total)
        ]
        self.requests = 0
        self.between: Callable[[Pages], None] | None = None
        self._times: list[datetime] = []

    def __call__(
        self, page: int, start: datetime | None, end: datetime | None
    ) -> tuple[list[dict[str, Any]], bool]:
        if self.requests and self.between is not None:
            self.between(self)
        self.requests += 1
        if self.between is not None or len(self._times) != len(self.reviews):
            self._times = [_time(r) for r in self.reviews]  # the list is kept oldest first
        low = 0 if start is None else bisect.bisect_left(self._times, start)
        high = len(self._times) if end is None else bisect.bisect_left(self._times, end)
        visible = min(high - low, max_pages() * PER_PAGE)
        first = (page - 1) * PER_PAGE
        items = self.reviews[low + first : low + min(first + PER_PAGE, visible)]
        return items, bool(items) and first + PER_PAGE < visible


def _at(second: int) -> str:
    return (BASE + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(review: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(review["createdAt"]).replace("Z", "+00:00"))


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [str(i["id"]) for i in items]


@pytest.mark.parametrize("total", [0, 1, 99, 100, 101, 250, 1000, 4321, 99_999])
def test_a_right_hint_costs_one_request(total: int) -> None:
    pages = Pages(total)
    assert count_window(pages, None, None, hint=total) == total
    assert pages.requests == 1


@pytest.mark.parametrize("total", [0, 1, 100, 101, 5432, 70_000])
@pytest.mark.parametrize("hint", [0, 99, 300, 80_000])
def test_any_hint_finds_the_exact_count_in_logarithmic_requests(total: int, hint: int) -> None:
    pages = Pages(total)
    assert count_window(pages, None, None, hint=hint) == total
    assert pages.requests <= 2 * (max_pages().bit_length() + 1)


@pytest.mark.parametrize("total", [100_000, 150_000])
def test_the_cap_is_an_error_not_a_wrong_count(total: int) -> None:
    with pytest.raises(WindowTooLargeError, match="100,000"):
        count_window(Pages(total), None, None, hint=10)
    assert issubclass(WindowTooLargeError, CapExceededError)  # in tpnb's tree, if it escapes


def test_list_window_pages_by_time_past_the_cap() -> None:
    """Keyset pages (always page 1 from the last second seen) are not capped at 100,000."""
    pages = Pages(100_250)
    items = list_window(pages, None, None)
    assert _ids(items) == _ids(pages.reviews)
    # each page after the first repeats the last review of the page before: ~1% more requests
    assert pages.requests <= -(-100_250 // (PER_PAGE - 1)) + 1


def test_list_window_reads_every_review_once_oldest_first() -> None:
    pages = Pages(1234)
    items = list_window(pages, None, None)
    assert _ids(items) == _ids(pages.reviews)
    assert pages.requests <= -(-1234 // (PER_PAGE - 1)) + 1
    assert list_window(Pages(0), None, None) == []


def test_list_window_honours_its_bounds() -> None:
    pages = Pages(500)
    start, end = BASE + timedelta(seconds=120), BASE + timedelta(seconds=380)
    assert _ids(list_window(pages, start, end)) == _ids(pages.reviews[120:380])


@pytest.mark.parametrize("victim", [0, 50, 98, 99, 150])
def test_a_deletion_mid_walk_skips_no_live_review(victim: int) -> None:
    """The offset walk's defect: a review deleted on page 1 while page 2 is read shifted the
    list, and the first review of the old page 2 was never seen (sync then deleted it)."""
    pages = Pages(300)
    deleted: list[dict[str, Any]] = []

    def delete_once(source: Pages) -> None:
        if not deleted:
            deleted.append(source.reviews.pop(victim))

    pages.between = delete_once
    items = list_window(pages, None, None)
    live = _ids(pages.reviews)
    assert set(live) <= set(_ids(items))  # every live review was seen
    assert set(_ids(items)) - set(live) <= set(_ids(deleted))  # at most the deleted one more


def test_an_insertion_mid_walk_is_seen_or_left_for_later_never_duplicated() -> None:
    pages = Pages(300)

    def insert_at_the_end(source: Pages) -> None:
        n = len(source.reviews)
        if n < 310:
            source.reviews.append({"id": f"{10_000 + n:024x}", "createdAt": _at(n)})

    pages.between = insert_at_the_end
    items = list_window(pages, None, None)
    assert len(_ids(items)) == len(set(_ids(items)))
    assert set(_ids(pages.reviews[:300])) <= set(_ids(items))


def test_more_than_a_page_in_one_second_is_read_by_page_and_verified() -> None:
    pages = Pages(450, per_second=150)  # three seconds of 150 reviews each
    items = list_window(pages, None, None)
    assert sorted(_ids(items)) == sorted(_ids(pages.reviews))


def test_a_review_without_created_at_is_a_response_error() -> None:
    pages = Pages(150)
    pages(1, None, None)  # the fake indexes its times first
    pages.reviews[99]["createdAt"] = "garbage"
    with pytest.raises(ResponseError, match="createdAt"):
        list_window(pages, None, None)
