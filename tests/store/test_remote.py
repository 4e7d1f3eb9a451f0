"""tpnb.store.remote: counting and listing a window through page numbers (a fake page source).

The fake behaves like the API's page-numbered lists: 100 per page, a ``next-page`` signal when
a further non-empty page exists, nothing past 100,000 records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tpnb.errors import CapExceededError
from tpnb.store.remote import (
    MAX_PAGES,
    PER_PAGE,
    WindowTooLargeError,
    count_window,
    list_window,
)


class Pages:
    """``total`` reviews behind a page-numbered list; counts the requests."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.requests = 0

    def __call__(
        self, page: int, start: datetime | None, end: datetime | None
    ) -> tuple[list[dict[str, Any]], bool]:
        self.requests += 1
        visible = min(self.total, MAX_PAGES * PER_PAGE)
        first = (page - 1) * PER_PAGE
        items = [{"id": f"{i:024x}"} for i in range(first, min(first + PER_PAGE, visible))]
        return items, bool(items) and first + PER_PAGE < visible


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
    assert pages.requests <= 2 * (MAX_PAGES.bit_length() + 1)


@pytest.mark.parametrize("total", [100_000, 150_000])
def test_the_cap_is_an_error_not_a_wrong_count(total: int) -> None:
    with pytest.raises(WindowTooLargeError, match="100,000"):
        count_window(Pages(total), None, None, hint=10)
    with pytest.raises(WindowTooLargeError, match="100,000"):
        list_window(Pages(total), None, None)
    assert issubclass(WindowTooLargeError, CapExceededError)  # in tpnb's tree, if it escapes


def test_list_window_reads_every_page_once() -> None:
    pages = Pages(1234)
    items = list_window(pages, None, None)
    assert len({i["id"] for i in items}) == len(items) == 1234
    assert pages.requests == -(-1234 // PER_PAGE)
    assert list_window(Pages(0), None, None) == []
