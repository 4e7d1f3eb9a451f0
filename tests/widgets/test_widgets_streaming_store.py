"""The explorer's streamed load goes through the review store, against the real emulator over
loopback (a store file of the test's own): the first load streams the pages in while the store
keeps them, the second load of the same unit costs a handful of requests, and both end as a
fresh full pull (``tp.reviews(unit, fresh=True)``, the emulator's ground truth)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import api_requests, domain_of, unit_sizes
from kit.truth import truth_of

from tpnb.errors import ConfigError
from tpnb.widgets import ReviewExplorer

UNIT = "liberty-parcel.example"  # 444 public reviews at scale 0.05: 5 pages
OTHER = "maison-lumiere.example"


def unit_id(server: Any, domain: str) -> str:
    return next(bu for bu in unit_sizes(server) if domain_of(server, bu) == domain)


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("id", ignore_index=True)


@pytest.fixture
def server(make_emulator: Any) -> Any:
    return make_emulator(scale=0.05)


class PagesSeen:
    """A client whose ``streamed_reviews`` pages are counted (what the explorer was shown), with
    the emulator's request count when each load asked and when its first page was shown."""

    def __init__(self, client: Any, server: Any) -> None:
        self.client = client
        self.server = server
        self.pages: list[int] = []
        self.on_page: Any = None
        #: per load: the paths requested between asking and the first page shown
        self.before_first_page: list[set[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def streamed_reviews(self, business_unit: str, on_page: Any) -> Any:
        asked = len(self.server.admin.requests)
        shown: list[int] = []

        def counted(page: list[Any]) -> None:
            if not shown:
                shown.append(len(page))
                since = self.server.admin.requests[asked:]
                self.before_first_page.append({path.rsplit("/", 1)[-1] for _m, path in since})
            self.pages.append(len(page))
            if self.on_page is not None:
                self.on_page(page)
            on_page(page)

        return self.client.streamed_reviews(business_unit, counted)


def test_the_second_load_of_a_unit_costs_a_handful_of_requests(server: Any, tmp_path: Path) -> None:
    client = client_for(server, tmp_path, review_store=tmp_path / "reviews.sqlite")
    seen = PagesSeen(client, server)
    explorer = ReviewExplorer(seen, progress=False, update_every=0)
    bu = unit_id(server, UNIT)
    try:
        before = api_requests(server)
        explorer.business_unit = UNIT  # no kernel: loads in this thread
        first_requests = api_requests(server) - before
        first = explorer.reviews
        streamed_pages = len(seen.pages)

        explorer.business_unit = ""  # the same unit again: a new load
        before = api_requests(server)
        explorer.business_unit = UNIT
        second_requests = api_requests(server) - before
        second = explorer.reviews

        before = api_requests(server)
        again = client.reviews(UNIT, progress=False)  # the store serves the notebook too
        notebook_requests = api_requests(server) - before
        fresh = client.reviews(UNIT, fresh=True, progress=False)
    finally:
        client.close()
    listed = len(server.dataset.query_reviews(business_unit_id=bu, include_reported=True))
    pages = -(-listed // 100)
    # the first load streamed its pages in (the explorer showed each) and walked every page
    assert streamed_pages == pages > 1
    assert first_requests >= pages
    # the first page came before the store's own requests (the unit, the Deletions API): only
    # pages of the list (the walk may have asked for the next ones already) were asked for
    assert seen.before_first_page == [{"all-reviews"}]
    # the second: the lookup, then the store's refresh (the unit, the newest page, the
    # Deletions API); no page was streamed again
    assert second_requests <= 4 < first_requests
    assert len(seen.pages) == streamed_pages
    assert notebook_requests == 3
    truth = truth_of(server, private=False, business_unit_id=bu).frame
    pd.testing.assert_frame_equal(by_id(first), truth)
    for frame in (first, second, again):
        pd.testing.assert_frame_equal(frame, fresh)
    assert explorer.complete


def test_a_cancelled_first_load_stores_nothing_and_frees_the_store(
    server: Any, tmp_path: Path
) -> None:
    client = client_for(server, tmp_path, review_store=tmp_path / "reviews.sqlite")
    seen = PagesSeen(client, server)
    first_shown, release = threading.Event(), threading.Event()

    def hold(_page: list[Any]) -> None:
        if not first_shown.is_set():
            first_shown.set()
            assert release.wait(30)  # hold the old load inside the store's walk

    seen.on_page = hold
    explorer = ReviewExplorer(seen, progress=False, background=True, update_every=0)
    bu = unit_id(server, UNIT)
    try:
        explorer.business_unit = UNIT
        assert first_shown.wait(30)
        old = explorer._current
        assert old is not None
        assert old.thread is not None
        seen.on_page = None
        explorer.business_unit = OTHER  # cancels the old load
        release.set()
        old.thread.join(30)
        assert not old.thread.is_alive()
        explorer.wait(60)
        other = explorer.reviews
        store = client.review_store
        assert store is not None
        assert not store.holds(bu)  # the cancelled walk stored nothing of the unit
        stored = client.reviews(UNIT, progress=False)  # the store is free: a full pull fills it
        assert store.holds(bu)
    finally:
        release.set()
        client.close()
    assert explorer.complete
    assert set(other["business_unit_id"]) == {unit_id(server, OTHER)}
    truth = truth_of(server, private=False, business_unit_id=bu).frame
    pd.testing.assert_frame_equal(by_id(stored), truth)


def review_list_requests(server: Any, since: int) -> int:
    """Requests for a review list (``.../reviews``, ``.../all-reviews``) after the ``since``-th."""
    return sum(1 for _method, path in server.admin.requests[since:] if path.endswith("reviews"))


def test_without_a_store_the_loaded_frame_is_kept_for_the_next_load_and_reviews(
    server: Any, tmp_path: Path
) -> None:
    client = client_for(server, tmp_path)  # review_store="off"
    assert client.review_store is None
    seen = PagesSeen(client, server)
    explorer = ReviewExplorer(seen, progress=False, update_every=0)
    try:
        explorer.business_unit = UNIT
        first = explorer.reviews
        streamed_pages = len(seen.pages)
        explorer.business_unit = ""
        before = len(server.admin.requests)
        explorer.business_unit = UNIT  # the pages are fresh: the kept frame, no page request
        second = explorer.reviews
        second_lists = review_list_requests(server, before)
        private_tries = sum(
            1 for _m, path in server.admin.requests[before:] if path.startswith("/v1/private/")
        )
        before = api_requests(server)
        again = client.reviews(UNIT, progress=False)
        notebook_requests = api_requests(server) - before
        fresh = client.reviews(UNIT, fresh=True, progress=False)
    finally:
        client.close()
    assert streamed_pages == -(-len(fresh) // 100) > 1
    assert len(seen.pages) == streamed_pages  # nothing streamed the second time
    assert second_lists == private_tries == 1  # only the Customer API's try (not this user's)
    assert notebook_requests == 0
    for frame in (first, second, again):
        pd.testing.assert_frame_equal(frame, fresh)


def test_streamed_reviews_names_a_bad_page_handler(server: Any, tmp_path: Path) -> None:
    client = client_for(server, tmp_path, review_store=tmp_path / "reviews.sqlite")
    try:
        before = api_requests(server)
        with pytest.raises(ConfigError, match="on_page"):
            client.streamed_reviews(UNIT, "print")  # type: ignore[arg-type]
        assert api_requests(server) == before
    finally:
        client.close()
