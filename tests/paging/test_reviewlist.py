"""Which walk reads a review list as asked (pure: :mod:`tpnb.paging.reviewlist` decides, no HTTP).

The walks themselves are tested in ``tests/paging/test_slicing.py`` (synthetic lists) and
``tests/methods/test_methods_reviews.py``/``tests/methods/test_methods_customer.py`` (the real emulator).
"""

from __future__ import annotations

from typing import Any

import pytest

from tpnb.paging.collect import Progress
from tpnb.paging.reviewlist import (
    PublicReviewWalk,
    ReviewRequest,
    ReviewWalk,
    plan_private_walk,
    plan_public_walk,
    sort_items,
)
from tpnb.paging.slicing import Slice

NEWEST = ("createdat.desc",)
OLDEST = ("createdat.asc",)
BY_STARS = ("stars.desc",)


@pytest.mark.parametrize(
    ("server_filtered", "order", "limit", "walk"),
    [
        (False, None, None, ReviewWalk.KEYSET),  # everything: all-reviews by token
        (False, OLDEST, None, ReviewWalk.KEYSET),  # everything, sorted afterwards
        (False, BY_STARS, None, ReviewWalk.KEYSET),
        (False, None, 10, ReviewWalk.KEYSET),  # the newest ten
        (False, NEWEST, 10, ReviewWalk.KEYSET),
        (False, OLDEST, 10, ReviewWalk.FIRST_IN_ORDER),  # the oldest ten: offsets, that order
        (False, BY_STARS, 10, ReviewWalk.FIRST_IN_ORDER),
        (True, None, None, ReviewWalk.OVERLAPPING_OFFSETS),  # filtered: overlapping pages
        (True, BY_STARS, None, ReviewWalk.OVERLAPPING_OFFSETS),
        (True, None, 10, ReviewWalk.FIRST_IN_ORDER),  # filtered, a limit: not verified
        (True, OLDEST, 10, ReviewWalk.FIRST_IN_ORDER),
    ],
)
def test_public_plan(
    server_filtered: bool, order: tuple[str, ...] | None, limit: int | None, walk: ReviewWalk
) -> None:
    assert plan_public_walk(server_filtered=server_filtered, order=order, limit=limit) is walk


@pytest.mark.parametrize(
    ("order", "limit", "walk"),
    [
        (None, None, ReviewWalk.TIME_OLDEST_FIRST),  # everything: concurrent date windows
        (NEWEST, None, ReviewWalk.TIME_OLDEST_FIRST),
        (BY_STARS, None, ReviewWalk.TIME_OLDEST_FIRST),  # everything, sorted afterwards
        (None, 10, ReviewWalk.TIME_NEWEST_FIRST),  # the newest ten: one window, newest first
        (NEWEST, 10, ReviewWalk.TIME_NEWEST_FIRST),
        (OLDEST, 10, ReviewWalk.TIME_OLDEST_FIRST),
        (BY_STARS, 10, ReviewWalk.FIRST_IN_ORDER),  # ten by stars: offsets in that order
    ],
)
def test_private_plan(order: tuple[str, ...] | None, limit: int | None, walk: ReviewWalk) -> None:
    assert plan_private_walk(order=order, limit=limit) is walk


class AllReviews:
    """An ``all-reviews`` list of ``count`` reviews, newest first, 100 a page, with tokens."""

    def __init__(self, count: int) -> None:
        self.reviews = [
            {
                "id": f"{n:024x}",
                "stars": 1 + n % 5,
                "createdAt": f"2024-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
            }
            for n in reversed(range(count))
        ]
        self.counted = 0

    def page_after_token(self, token: str | None) -> dict[str, Any]:
        start = int(token or 0)
        rest = start + 100 < len(self.reviews)
        return {
            "reviews": self.reviews[start : start + 100],
            "nextPageToken": str(start + 100) if rest else None,
        }

    def offset_page(self, review_slice: Slice, page: int) -> dict[str, Any]:
        raise AssertionError("the keyset walk reads no offset page")

    def review_count(self) -> int:
        self.counted += 1
        return len(self.reviews)


def _walk(source: AllReviews, request: ReviewRequest) -> PublicReviewWalk:
    return PublicReviewWalk(
        request,
        stars=None,
        server_filtered=False,
        fetch_page=source.offset_page,
        fetch_after_token=source.page_after_token,
        count_reviews=source.review_count,
        progress=Progress(False, "test"),
        concurrency=4,
    )


def test_keyset_walk_of_the_whole_unit_sizes_its_bar_from_the_review_count() -> None:
    source = AllReviews(250)
    walk = _walk(source, ReviewRequest())
    assert walk.plan is ReviewWalk.KEYSET
    assert walk.collect() == source.reviews
    assert source.counted == 1
    assert walk.progress.total == 3
    assert walk.progress.requests == 3


def test_keyset_walk_with_a_limit_asks_no_count_and_any_order_is_sorted() -> None:
    source = AllReviews(250)
    newest = _walk(source, ReviewRequest(limit=120))
    assert newest.collect() == source.reviews[:120]
    assert newest.progress.requests == 2
    assert source.counted == 0  # a limit: the count would not size the walk
    oldest = _walk(source, ReviewRequest(order=OLDEST))
    assert oldest.plan is ReviewWalk.KEYSET
    assert oldest.collect() == sort_items(source.reviews, OLDEST) == source.reviews[::-1]
