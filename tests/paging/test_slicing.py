"""The review strategies on synthetic lists (pure: a ``fetch(slice, page)`` function, no HTTP).

What the API's 100,000-record cap leaves unlistable is a :class:`CapExceededError` (never a
silently short frame). The cap is lowered here so a list can cross it in a few pages; the
strategies against the real emulator are in ``tests/methods/test_methods_reviews.py`` and
``tests/reliability/``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import tpnb
from tpnb.errors import CapExceededError, TpnbError
from tpnb.paging import walkers
from tpnb.paging.collect import Collector, Progress
from tpnb.paging.slicing import DESC, Slice, Walker

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
    return Walker(fetch, Collector(), Progress(False, "test"), 1, None, "reviews", per_page)


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
