"""Finder, explorer loading, replies and the dashboard against the real emulator over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import api_requests, domain_of

from tpnb.widgets import BusinessUnitFinder, Dashboard, ReviewExplorer
from tpnb.widgets.finder import MAX_CARDS, MAX_SUGGESTIONS, looks_like_domain

OWNED = "maison-lumiere.example"  # the demo business user's unit (private reviews, replies)
NOT_OWNED = "muenchner-optik.example"


@pytest.fixture
def client(emulator: Any, tmp_path: Path) -> Any:
    c = client_for(emulator, tmp_path)
    yield c
    c.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.com", True),
        ("https://www.example.com/reviews", True),
        ("Maison Lumière", False),
        ("energy", False),
        ("ends.with.", False),
    ],
)
def test_looks_like_domain(text: str, expected: bool) -> None:
    assert looks_like_domain(text) is expected


def test_a_domain_is_found_and_chosen(client: Any, emulator: Any) -> None:
    finder = BusinessUnitFinder(client)
    finder.query.value = OWNED
    unit = client.find_business_unit(OWNED).iloc[0]
    assert finder.value == unit["id"]
    assert finder.business_unit is not None
    assert finder.business_unit["display_name"] == unit["display_name"]
    assert domain_of(emulator, finder.value) == OWNED
    assert "TrustScore" in finder.chosen.value
    assert finder.messages.value == ""


def test_a_name_shows_cards_to_choose_from(client: Any) -> None:
    finder = BusinessUnitFinder(client)
    matches = finder.search("Energy")
    expected = client.search_business_units("Energy")
    assert list(matches["id"]) == list(expected["id"])[: len(matches)]
    assert len(finder.results.children) == len(matches)
    assert finder.value == ""
    card_html = finder.results.children[0].children[0].value
    assert str(matches.iloc[0]["display_name"]) in card_html
    finder.results.children[0].children[1].click()
    assert finder.value == matches.iloc[0]["id"]


class _Recording:
    """The real client, with the keywords of each ``search_business_units`` call recorded."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.searches: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def search_business_units(self, text: str, **kwargs: Any) -> Any:
        self.searches.append(kwargs)
        return self._client.search_business_units(text, **kwargs)


def test_a_name_search_asks_only_for_the_cards_it_shows(client: Any, emulator: Any) -> None:
    recording = _Recording(client)
    finder = BusinessUnitFinder(recording)
    emulator.admin.clear_requests()
    matches = finder.search("e")
    searches = [p for _, p in emulator.admin.requests if p.endswith("/business-units/search")]
    assert len(searches) <= 1  # one page at most (none when the HTTP cache has it)
    assert recording.searches == [{"limit": MAX_CARDS, "progress": False}]
    every = client.search_business_units("e", progress=False)
    assert len(every) > MAX_CARDS  # enough matches for the limit to matter
    assert list(matches["id"]) == list(every["id"])[:MAX_CARDS]


def test_a_text_that_cannot_be_a_domain_is_searched_as_a_name(client: Any) -> None:
    recording = _Recording(client)
    finder = BusinessUnitFinder(recording)
    finder.query.value = "my_shop.com"  # looks like a domain, but an underscore is not allowed
    assert len(recording.searches) == 1
    assert "ConfigError" not in finder.messages.value
    assert "No business unit found" in finder.messages.value


def test_unknown_input_is_a_friendly_message(client: Any) -> None:
    finder = BusinessUnitFinder(client)
    finder.query.value = "no-such-shop.example"
    assert finder.value == ""
    assert "No business unit found" in finder.messages.value
    assert "Traceback" not in finder.messages.value
    finder.query.value = "zzqx nothing"
    assert "No business unit found" in finder.messages.value


def test_explorer_loads_once_then_filters_without_requests(client: Any, emulator: Any) -> None:
    explorer = ReviewExplorer(client, progress=False)
    explorer.business_unit = client.find_business_unit(NOT_OWNED).iloc[0]["id"]
    public = client.reviews(NOT_OWNED, progress=False)
    assert not explorer.private  # the demo user does not own it: public reviews
    assert set(explorer.reviews["id"]) == set(public["id"])
    assert not explorer.detail.can_reply
    before = api_requests(emulator)
    explorer.filters.set_stars({1})
    explorer.filters.text.value = "e"
    explorer.table.next_button.click()
    assert api_requests(emulator) == before
    assert set(explorer.value["stars"].astype(int)) <= {1}


def test_reply_from_the_detail_view(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(scale=0.02)
    client = client_for(server, tmp_path)
    try:
        explorer = ReviewExplorer(client, business_unit=OWNED, progress=False)
        assert explorer.private
        explorer.filters.replied.value = "Not replied"
        review_id = str(explorer.value.iloc[0]["id"])
        explorer.open_review(review_id)
        assert explorer.detail.can_reply
        explorer.detail.reply_text.value = "Merci pour votre avis !"
        explorer.detail.reply_button.click()
        assert "Reply posted" in explorer.detail.messages.value
        assert "Merci pour votre avis" in explorer.detail.body.value
        fresh = client.private_review(review_id)
        assert fresh.iloc[0]["reply_text"] == "Merci pour votre avis !"
        row = explorer.reviews.loc[explorer.reviews["id"] == review_id].iloc[0]
        assert row["reply_text"] == "Merci pour votre avis !"
        explorer.detail.reply_text.value = "   "
        explorer.detail.reply_button.click()
        assert "Write a reply first" in explorer.detail.messages.value
    finally:
        client.close()


def test_dashboard_links_finder_explorer_and_charts(client: Any) -> None:
    dashboard = Dashboard(client, progress=False)
    dashboard.finder.query.value = NOT_OWNED
    assert len(dashboard.explorer.reviews) > 0
    assert dashboard.explorer.label == dashboard.finder.business_unit["display_name"]
    unit_count = int(dashboard.finder.business_unit["number_of_reviews"])
    assert dashboard.explorer.expected_reviews == unit_count
    loaded = len(dashboard.explorer.reviews)
    # the unit's summary may count reviews the public lists leave out: explained exactly then
    explained = f"{unit_count:,} on Trustpilot" in dashboard.explorer.summary.value
    assert explained == (loaded < unit_count)
    assert not dashboard.explorer.loading
    assert len(dashboard.charts.value) == len(dashboard.explorer.value)
    dashboard.charts.wait()
    draws = dashboard.charts.draws
    stars = int(dashboard.explorer.reviews["stars"].mode().iloc[0])
    dashboard.explorer.filters.set_stars({stars})
    dashboard.charts.wait()
    assert dashboard.charts.draws > draws
    assert len(dashboard.value) == len(dashboard.explorer.value)
    selection = dashboard.explorer.value
    charted = dashboard.charts.value
    assert set(charted["id"]) == set(selection["id"])  # the charts draw the explorer's selection
    assert len(charted) == len(selection) > 0
    assert set(charted["stars"].astype(int)) == {stars}
    expected = dashboard.explorer.reviews
    assert len(charted) == int((expected["stars"].astype(int) == stars).sum())
    assert "Demo data" not in dashboard.children[1].value  # a client on a plain emulator URL


def test_choosing_another_unit_with_an_empty_date_range_shows_none_of_the_old_reviews(
    client: Any,
) -> None:
    """Issue 18: From after To, then another unit: the explorer never lists the old unit."""
    from datetime import date

    dashboard = Dashboard(client, progress=False)
    dashboard.finder.query.value = NOT_OWNED
    old_ids = set(dashboard.explorer.reviews["id"])
    dashboard.explorer.filters.set_dates(date(2025, 6, 1), date(2025, 1, 1))
    dashboard.finder.query.value = OWNED
    new_name = str(dashboard.finder.business_unit["display_name"])
    assert new_name in dashboard.explorer.summary.value
    assert not set(dashboard.explorer.reviews["id"]) & old_ids
    assert not set(dashboard.explorer.value["id"]) & old_ids
    assert not set(dashboard.charts.value["id"]) & old_ids
    assert "is after To" in dashboard.explorer.messages.value
    dashboard.explorer.filters.reset()
    assert len(dashboard.explorer.value) == len(dashboard.explorer.reviews) > 0


class _DemoClient:
    """The real client on the emulator, saying it is in demo mode (as tpnb.connect() would)."""

    demo = True

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_demo_mode_offers_the_demo_units_as_cards_before_any_search(client: Any) -> None:
    finder = BusinessUnitFinder(_DemoClient(client))
    every = client.business_units(progress=False)
    assert len(finder.suggestions) == len(every)
    counts = list(finder.suggestions["number_of_reviews"])
    assert counts == sorted(counts, reverse=True)  # the largest units first
    grid = finder.suggested.children[1]
    assert len(grid.children) == MAX_SUGGESTIONS
    more = finder.suggested.children[2]
    assert more.description == f"Show all {len(every)}"
    more.click()
    assert len(finder.suggested.children[1].children) == len(every)
    # a card is one click: the unit is chosen, the suggestions step aside
    card = finder.suggested.children[1].children[-2]
    card.children[0].click()
    assert finder.value == finder.suggestions.iloc[-2]["id"]
    assert finder.suggested.layout.display == "none"
    assert str(finder.suggestions.iloc[-2]["display_name"]) in finder.chosen.value
    # emptying the search box offers them again
    finder.query.value = "Energy"
    finder.query.value = ""
    assert finder.suggested.layout.display == "flex"
    assert finder.results.children == ()


def test_with_real_credentials_nothing_is_suggested_unless_given(client: Any) -> None:
    finder = BusinessUnitFinder(client)
    assert finder.suggestions.empty
    assert finder.suggested.children == ()
    mine = client.find_business_unit(OWNED)
    finder = BusinessUnitFinder(client, suggestions=mine)
    title = finder.suggested.children[0].value
    assert "Your business units" in title
    finder.suggested.children[1].children[0].children[0].click()
    assert finder.value == mine.iloc[0]["id"]


def test_the_dashboard_opens_on_the_demo_units(client: Any) -> None:
    dashboard = Dashboard(_DemoClient(client), progress=False)
    assert len(dashboard.finder.suggestions) > MAX_SUGGESTIONS
    assert dashboard.explorer.layout.display == "none"
    names = list(dashboard.finder.suggestions["identifying_name"])
    dashboard.finder.choose_suggestion(names.index(NOT_OWNED))
    assert dashboard.explorer.layout.display == "flex"
    assert len(dashboard.explorer.reviews) > 0
    assert "Demo data" in dashboard.children[1].value
