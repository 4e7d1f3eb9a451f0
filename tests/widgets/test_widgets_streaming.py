"""A unit's reviews stream into the explorer and the dashboard, against the real emulator.

Each test drives a load page by page (a client wrapper looks at the widgets each time the
explorer asks for the next page, i.e. once it has shown the one before) and checks the states in
between: rows shown, "X of Y loaded so far", the progress total, the rate-limit wait the client's
pacing announces (a tiny pacing budget), cancellation when another unit is chosen, and that the
final state equals a full pull.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for
from kit.server import domain_of, unit_sizes

from tpnb import text
from tpnb.widgets import Dashboard, PhraseView, ReviewExplorer

OWNED = "maison-lumiere.example"  # the demo business user's unit (private reviews)
NOT_OWNED = "liberty-parcel.example"  # 444 public reviews at scale 0.05: 5 pages


def unit_id(server: Any, domain: str) -> str:
    return next(bu for bu in unit_sizes(server) if domain_of(server, bu) == domain)


def review_count(server: Any, bu_id: str) -> int:
    """The unit's ``numberOfReviews.total``, from the emulator's own data set."""
    return int(server.dataset.business_unit_json(bu_id, server.api_url)["numberOfReviews"]["total"])


class Watched:
    """A client that calls ``look()`` after the explorer was given each page (public pages:
    through ``streamed_reviews``; private ones: when the next page is asked for)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.looks: list[dict[str, Any]] = []
        self.look: Any = lambda: {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def _watched(self, pages: Iterator[list[Any]]) -> Iterator[list[Any]]:
        for page in pages:
            yield page
            self.looks.append(self.look())  # the explorer has shown that page by now

    def streamed_reviews(self, business_unit: str, on_page: Any) -> Any:
        def watched(page: list[Any]) -> None:
            on_page(page)
            self.looks.append(self.look())  # the explorer has shown that page by now

        return self.client.streamed_reviews(business_unit, watched)

    def private_review_pages(self, business_unit: str) -> Iterator[list[Any]]:
        return self._watched(self.client.private_review_pages(business_unit))


def state(explorer: ReviewExplorer) -> dict[str, Any]:
    return {
        "loading": explorer.loading,
        "complete": explorer.complete,
        "reviews": len(explorer.reviews),
        "selected": len(explorer.value),
        "rows": len(explorer.table.rows.children),
        "count": explorer.count.value,
        "summary": explorer.summary.value,
        "bar_max": explorer.progress_display.bar.max,
        "bar": explorer.progress_display.bar.value,
        "progress_shown": explorer.progress_display.layout.display,
        "stars": set(explorer.value["stars"].astype(int)),
    }


@pytest.fixture
def server(make_emulator: Any) -> Any:
    return make_emulator(scale=0.05)


def test_public_reviews_stream_in_behind_one_progress_display(server: Any, tmp_path: Path) -> None:
    # a tiny pacing budget: 3 calls per 1.5 s, so the load has to wait for it now and then
    client = client_for(server, tmp_path, pace_limits=((3, 1.5),))
    watched = Watched(client)
    explorer = ReviewExplorer(watched, page_size=10, update_every=0)
    waits: list[str] = []
    explorer.progress_display.waiting.observe(
        lambda change: waits.append(change["new"]), names="value"
    )
    bu = unit_id(server, NOT_OWNED)
    total = review_count(server, bu)

    def look() -> dict[str, Any]:
        if len(watched.looks) == 2:  # a filter while loading: it works on what is loaded
            explorer.filters.set_stars({5})
        return state(explorer)

    watched.look = look
    try:
        explorer.business_unit = NOT_OWNED  # no kernel: loads in this thread, page by page
        looks = watched.looks
        full = client.reviews(NOT_OWNED, progress=False)
    finally:
        client.close()
    pages = -(-len(full) // 100)
    assert pages >= 4
    assert len(looks) == pages
    first = looks[0]
    # the first page: its newest reviews, the table, the count and the progress total
    assert not first["loading"]
    assert not first["complete"]
    assert first["reviews"] == 100
    assert first["rows"] == 10
    assert first["bar_max"] == total
    assert first["bar"] == 100
    assert first["progress_shown"] == "flex"
    assert f"100 of {total:,} loaded so far" in first["count"]
    assert f"100 of {total:,} reviews loaded so far" in first["summary"]
    assert [look["reviews"] for look in looks] == [
        min(100 * k, len(full)) for k in range(1, pages + 1)
    ]
    # filtered from the third page on: the count says what the filter applies to
    third = looks[2]
    assert third["stars"] == {5}
    assert f"filtered from the 300 of {total:,} loaded so far" in third["count"]
    assert 0 < third["selected"] < 300
    # the pacing's waits were announced, with how long and until when
    announced = [text for text in waits if text]
    assert announced
    assert all("for the API's rate limit (until " in text for text in announced)
    # the end: a full pull's frame, the filter kept, no progress display
    assert explorer.complete
    assert explorer.progress_display.layout.display == "none"
    assert explorer.progress_display.waiting.layout.display == "none"
    pd.testing.assert_frame_equal(explorer.reviews, full)
    assert set(explorer.value["stars"].astype(int)) == {5}
    assert len(explorer.value) == int((full["stars"].astype(int) == 5).sum())
    assert "loaded so far" not in explorer.count.value


def test_private_reviews_stream_newest_first_and_end_as_a_full_pull(
    server: Any, tmp_path: Path
) -> None:
    client = client_for(server, tmp_path)
    watched = Watched(client)
    explorer = ReviewExplorer(watched, update_every=0)
    watched.look = lambda: state(explorer)
    try:
        explorer.business_unit = OWNED
        full = client.private_reviews(OWNED, progress=False)
    finally:
        client.close()
    assert explorer.private
    assert len(watched.looks) == -(-len(full) // 100) > 1
    assert watched.looks[0]["reviews"] == 100
    assert not watched.looks[0]["complete"]
    newest = full["created_at"].iloc[:100]
    assert set(newest) <= set(explorer.reviews["created_at"].iloc[:100])  # newest first
    pd.testing.assert_frame_equal(explorer.reviews, full)


def test_choosing_another_unit_cancels_the_load(server: Any, tmp_path: Path) -> None:
    """The old load stops at its next page; nothing of it is shown under the new unit."""
    client = client_for(server, tmp_path)
    watched = Watched(client)
    first_shown, release = threading.Event(), threading.Event()
    old_load: list[threading.Thread] = []

    def look() -> dict[str, Any]:
        if not first_shown.is_set():
            old_load.append(threading.current_thread())
            first_shown.set()
            assert release.wait(30)  # hold the old load after its first page
        return {}

    watched.look = look
    explorer = ReviewExplorer(watched, background=True, update_every=0)
    old_bu, new_bu = unit_id(server, NOT_OWNED), unit_id(server, OWNED)
    try:
        explorer.business_unit = NOT_OWNED
        assert first_shown.wait(30)
        assert set(explorer.reviews["business_unit_id"]) == {old_bu}
        frames_after: list[pd.DataFrame] = []
        explorer.observe(lambda change: frames_after.append(change["new"]), names="reviews")
        explorer.label = "Maison Lumière"
        explorer.business_unit = OWNED  # cancels the old load, starts this one
        assert explorer.loading
        assert len(explorer.value) == 0  # nothing of the old unit while this one loads
        explorer.wait(60)
        release.set()  # the old load goes on to its next page, sees it is cancelled, stops
        old_load[0].join(30)
        assert not old_load[0].is_alive()
        full = client.private_reviews(OWNED, progress=False)
    finally:
        release.set()
        client.close()
    assert frames_after
    assert all(set(frame["business_unit_id"]) <= {new_bu} for frame in frames_after)
    pd.testing.assert_frame_equal(explorer.reviews, full)
    assert "Maison Lumière" in explorer.summary.value
    assert explorer.complete
    assert explorer.progress_display.layout.display == "none"


def test_the_dashboard_shows_card_first_reviews_and_chart_with_the_first_page(
    server: Any, tmp_path: Path
) -> None:
    client = client_for(server, tmp_path)
    watched = Watched(client)
    dashboard = Dashboard(watched, update_every=0)

    def look() -> dict[str, Any]:
        dashboard.charts.wait()
        return {
            **state(dashboard.explorer),
            "card": dashboard.finder.chosen.value,
            "charted": len(dashboard.charts.value),
            "draws": dashboard.charts.draws,
            "chart_shown": dashboard.charts.image.layout.display,
        }

    watched.look = look
    try:
        dashboard.finder.query.value = NOT_OWNED
        full = client.reviews(NOT_OWNED, progress=False)
    finally:
        client.close()
    first = watched.looks[0]
    name = str(dashboard.finder.business_unit["display_name"])
    assert name in first["card"]
    assert first["rows"] > 0
    assert first["charted"] == 100  # a first chart, of the first page
    assert first["draws"] >= 1
    assert first["chart_shown"] != "none"
    assert not first["complete"]
    pd.testing.assert_frame_equal(dashboard.explorer.reviews, full)
    assert len(dashboard.charts.value) == len(full)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"update_every": -1}, "update_every"),
        ({"update_every": "1"}, "update_every"),
        ({"background": "yes"}, "background"),
    ],
)
def test_bad_loading_options_are_named(options: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        ReviewExplorer(progress=False, **options)


def test_a_phrase_page_and_open_review_picked_while_loading_are_kept(
    server: Any, tmp_path: Path
) -> None:
    """What the user did while the unit streamed in survives the next pages: the picked phrase
    (it was dropped by the next update), the page of the list and the review opened."""
    client = client_for(server, tmp_path)
    watched = Watched(client)
    explorer = ReviewExplorer(watched, page_size=10, update_every=0)
    view = PhraseView.follow(explorer, is_open=True)
    picked: dict[str, Any] = {}

    def look() -> dict[str, Any]:
        if len(watched.looks) == 1:  # the second page is in: pick, turn the page, open one
            button = view.columns["low"].children[0]
            button.click()
            picked["phrase"] = explorer.phrase
            explorer.table.next_button.click()
            picked["page"] = explorer.table.page.number
            picked["review"] = str(explorer.value["id"].iloc[10])
            explorer.open_review(picked["review"])
        return {"phrase": explorer.phrase, "page": explorer.table.page.number}

    watched.look = look
    try:
        explorer.business_unit = NOT_OWNED
        full = client.reviews(NOT_OWNED, progress=False)
    finally:
        client.close()
    assert picked["phrase"]
    assert picked["page"] == 2
    assert all(look["phrase"] == picked["phrase"] for look in watched.looks[1:])
    assert all(look["page"] == 2 for look in watched.looks[1:])
    assert explorer.complete
    pd.testing.assert_frame_equal(explorer.reviews, full)
    assert explorer.phrase == view.phrase == picked["phrase"]
    language = explorer.phrase_language
    expected = text.uses_phrase(full, picked["phrase"], language=language)
    assert set(explorer.value["id"]) == set(full.loc[expected.to_numpy(), "id"])
    assert f"using \u201c{picked['phrase']}\u201d" in explorer.count.value
    assert explorer.table.page.number == 2
    assert explorer.detail.layout.display == "flex"  # the review opened is still open
    assert explorer.detail.review["id"] == picked["review"]
