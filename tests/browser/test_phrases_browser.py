"""The "What people say" view in the Voila app (headless Debian chromium): open it, click a
phrase of the low ratings, and see the list change to the reviews using it, the phrase marked."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect


def test_clicking_a_phrase_filters_the_list_in_voila(
    page: Page, voila_url: str, artifacts: Path
) -> None:
    page.goto(voila_url + "/")
    expect(page.locator(".tpnb-dashboard")).to_be_visible()
    page.locator(".tpnb-finder-suggestion-open", has_text="Bayside").click()
    expect(page.locator(".tpnb-finder-chosen")).to_contain_text("Bayside")
    count = page.locator(".tpnb-explorer-count")
    expect(count).to_contain_text("Showing", timeout=60_000)
    # the unit streams in; a phrase picked while it does is kept by the pages that follow
    page.locator(".tpnb-phrases-toggle").click()
    phrase_button = page.locator(".tpnb-phrase-low").first
    expect(phrase_button).to_be_visible(timeout=60_000)
    expect(page.locator(".tpnb-phrase-high").first).to_be_visible()
    match = re.fullmatch(r"(.+) \(([\d,]+)\)", phrase_button.inner_text().strip())
    assert match, phrase_button.inner_text()
    phrase = match.group(1)
    page.screenshot(path=artifacts / "voila-phrases-1-open.png", full_page=True)
    phrase_button.click()
    expect(count).to_contain_text(f"using \u201c{phrase}\u201d", timeout=30_000)
    expect(page.get_by_text("loaded so far")).to_have_count(0, timeout=180_000)

    # every page is in: the pick is still there, counted over the whole unit
    expect(count).to_contain_text(f"using \u201c{phrase}\u201d")
    shown = re.search(r"of ([\d,]+) reviews? using", count.inner_text())
    assert shown, count.inner_text()
    picked = page.locator(".tpnb-phrase-picked")
    if picked.count():  # still among the unit's top phrases: its button says the same count
        expect(picked).to_have_text(f"{phrase} ({shown.group(1)})")
    rows = page.locator(".tpnb-row")
    expect(rows.first).to_be_visible()
    n = rows.count()
    assert n > 0
    # every listed review uses the phrase, and shows it marked
    expect(page.locator(".tpnb-row:has(mark.tpnb-mark)")).to_have_count(n)
    marks = {text.lower() for text in page.locator(".tpnb-row mark.tpnb-mark").all_inner_texts()}
    assert marks == {phrase}, marks
    page.screenshot(path=artifacts / "voila-phrases-2-picked.png", full_page=True)

    page.locator(".tpnb-phrase-clear").click()
    expect(count).not_to_contain_text("using")
    expect(count).to_contain_text("Showing 1\u201310 of ")
    expect(page.locator(".tpnb-row mark")).to_have_count(0)
    expect(page.locator(".tpnb-phrase-picked")).to_have_count(0)
