"""PhraseView ("What people say") with the explorer: drive the buttons, assert on the frames.

The reviews come from the real emulator over loopback; after loading, picking phrases makes no
request (the emulator's request count does not move).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kit.clients import client_for

from tpnb import text
from tpnb.widgets import Dashboard, PhraseView, ReviewExplorer
from tpnb.widgets.render import highlight_html

BREAKS = re.compile(r"[.,!?;:()\[\]{}\"“”„«»…•|\n]")
WORDS = re.compile(r"\w+")


def ids_using(reviews: pd.DataFrame, phrase: str, language: str) -> set[str]:
    """Ids of the reviews in ``language`` whose normalised title or text holds ``phrase`` as
    whole words within one clause (the plain way, independent of tpnb.text)."""
    found = set()
    for rid, title, body, lang in zip(
        reviews["id"], reviews["title"], reviews["text"], reviews["language"], strict=True
    ):
        whole = unicodedata.normalize("NFKC", f"{title or ''}\n{body or ''}").lower()
        pieces = [" " + " ".join(WORDS.findall(piece)) + " " for piece in BREAKS.split(whole)]
        if lang == language and any(f" {phrase} " in piece for piece in pieces):
            found.add(rid)
    return found


@pytest.fixture
def loaded(emulator: Any, tmp_path: Path) -> tuple[ReviewExplorer, PhraseView, Any]:
    client = client_for(emulator, tmp_path)
    explorer = ReviewExplorer(client, progress=False, export_dir=tmp_path)
    view = PhraseView.follow(explorer, is_open=True)
    explorer.business_unit = str(client.find_business_unit("bayside-energy.example")["id"].iloc[0])
    assert len(explorer.reviews) > 300
    return explorer, view, emulator


def buttons(view: PhraseView, side: str) -> list[Any]:
    return list(view.columns[side].children)


def test_a_click_lists_exactly_the_reviews_using_the_phrase(
    loaded: tuple[ReviewExplorer, PhraseView, Any],
) -> None:
    explorer, view, emulator = loaded
    requests = emulator.admin.request_count
    assert view.shown["low"]
    assert view.shown["high"]
    language = str(explorer.reviews["language"].value_counts().index[0])
    for side in ("low", "high"):
        first = buttons(view, side)[0]
        phrase = view.shown[side][0]
        first.click()
        assert (explorer.phrase, explorer.phrase_language) == (phrase, language)
        expected = ids_using(explorer.reviews, phrase, language)
        assert set(explorer.value["id"]) == expected
        count = view.phrases.loc[view.phrases["phrase"] == phrase, "count"].iloc[0]
        assert len(explorer.value) == count
        assert f"({count:,})" in first.description
        assert f"using \u201c{phrase}\u201d" in explorer.count.value
        assert "tpnb-phrase-picked" in first._dom_classes
        rows = [box.children[0].value for box in explorer.table.rows.children]
        assert rows
        for row in rows:
            marks = re.findall(r'<mark class="tpnb-mark">(.*?)</mark>', row)
            assert marks
            assert {mark.lower() for mark in marks} == {phrase}
        assert explorer.filtered is not explorer.value
        assert view.value is explorer.filtered  # the view keeps summarising the whole selection
    buttons(view, "high")[0].click()  # the picked phrase again: dropped
    assert explorer.phrase == ""
    assert len(explorer.value) == len(explorer.reviews)
    assert "<mark" not in explorer.table.rows.children[0].children[0].value
    assert emulator.admin.request_count == requests  # everything was answered in the kernel


def test_the_view_follows_the_selection_and_the_pick_survives_filters(
    loaded: tuple[ReviewExplorer, PhraseView, Any],
) -> None:
    explorer, view, emulator = loaded
    requests = emulator.admin.request_count
    explorer.filters.star_buttons[0].value = True  # 1 star
    one_star = explorer.value
    assert set(one_star["stars"]) == {1}
    assert view.value["id"].tolist() == one_star["id"].tolist()
    language = str(one_star["language"].value_counts().index[0])
    expected = text.key_phrases(one_star, languages=language)
    pd.testing.assert_frame_equal(view.phrases, expected)
    phrase = view.shown["low"][0] if view.shown["low"] else expected["phrase"].iloc[0]
    view.pick(phrase, language)
    assert set(explorer.value["id"]) == ids_using(one_star, phrase, language)
    explorer.filters.star_buttons[0].value = False
    explorer.filters.star_buttons[1].value = True  # 2 stars now: the phrase still applies
    assert set(explorer.value["id"]) == ids_using(explorer.filtered, phrase, language)
    assert set(explorer.value["stars"]) <= {2}
    view.clear_button.click()
    assert explorer.phrase == ""
    assert explorer.value["id"].tolist() == explorer.filtered["id"].tolist()
    assert emulator.admin.request_count == requests


def test_a_new_selection_relabels_the_same_buttons(
    loaded: tuple[ReviewExplorer, PhraseView, Any],
) -> None:
    """While a unit streams in the phrases are found again at every update: the buttons on the
    page stay the same widgets, relabelled, so a click in the browser never lands on a button
    that was just replaced; a click picks what the button shows now."""
    explorer, view, _emulator = loaded
    before = {side: buttons(view, side) for side in ("low", "high")}
    shown_before = {side: list(view.shown[side]) for side in ("low", "high")}
    explorer.filters.star_buttons[0].value = True  # 1 and 5 stars: other phrases, other counts
    explorer.filters.star_buttons[4].value = True
    assert view.shown["low"]
    assert view.shown["high"]
    assert view.shown != shown_before
    for side in ("low", "high"):
        now = buttons(view, side)
        if view.shown[side]:
            assert [id(b) for b in now] == [id(b) for b in before[side]][: len(now)]
            assert [b.description.rsplit(" (", 1)[0] for b in now] == view.shown[side]
    first = buttons(view, "low")[0]
    first.click()
    assert explorer.phrase == view.shown["low"][0]
    assert "tpnb-phrase-picked" in first._dom_classes
    first.click()
    assert explorer.phrase == ""


def test_a_closed_view_finds_nothing_until_opened() -> None:
    reviews = pd.DataFrame(
        {
            "id": [f"{i:024x}" for i in range(40)],
            "title": ["Late"] * 20 + ["Great"] * 20,
            "text": ["The parcel never arrived."] * 20 + ["Lovely staff, quick parcel."] * 20,
            "language": ["en"] * 40,
            "stars": [1] * 20 + [5] * 20,
        }
    )
    view = PhraseView(reviews)
    assert view.phrases is None
    assert view.body.layout.display == "none"
    view.toggle.value = True
    assert view.is_open
    assert view.phrases is not None
    assert "parcel never arrived" in view.shown["low"]
    assert any("lovely" in phrase for phrase in view.shown["high"])
    assert not {"parcel never arrived", "late"} & set(view.shown["high"])
    view.value = reviews.iloc[:0]
    assert "No reviews in the selection" in view.note.value
    assert view.shown == {"low": [], "high": []}


def test_new_reviews_drop_the_picked_phrase(
    loaded: tuple[ReviewExplorer, PhraseView, Any],
) -> None:
    explorer, view, _emulator = loaded
    buttons(view, "low")[0].click()
    assert explorer.phrase
    explorer.reviews = explorer.reviews.iloc[:50].copy()
    assert explorer.phrase == ""
    assert view.phrase == ""
    assert len(explorer.value) == 50


def test_phrase_marks_are_whole_words_and_escaped() -> None:
    pattern = text.phrase_pattern("app store", ignore_case=True)
    out = highlight_html("Happy <b>App-Store</b> & app  store, apps store", pattern)
    assert out == (
        'Happy &lt;b&gt;<mark class="tpnb-mark">App-Store</mark>&lt;/b&gt; &amp; '
        '<mark class="tpnb-mark">app  store</mark>, apps store'
    )


def test_the_dashboard_shows_the_view_under_the_charts(emulator: Any, tmp_path: Path) -> None:
    dashboard = Dashboard(client_for(emulator, tmp_path), progress=False)
    assert dashboard.phrases in dashboard.explorer.extra.children
    dashboard.phrases.is_open = True
    bu = str(dashboard.client.find_business_unit("pennant-bank.example")["id"].iloc[0])
    dashboard.explorer.business_unit = bu
    assert dashboard.phrases.shown["low"]
    dashboard.phrases.columns["low"].children[0].click()
    assert dashboard.explorer.phrase == dashboard.phrases.shown["low"][0]
    assert len(dashboard.value) < len(dashboard.explorer.reviews)
