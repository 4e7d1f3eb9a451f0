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
    # the unit streams in: pick a phrase of the whole unit, once every page is in
    expect(page.get_by_text("loaded so far")).to_have_count(0, timeout=180_000)
    expect(page.locator(".tpnb-row").first).to_be_visible()
    expect(page.locator(".tpnb-row mark")).to_have_count(0)
    count_before = count.inner_text()
    first_before = page.locator(".tpnb-row").first.inner_text()

    page.locator(".tpnb-phrases-toggle").click()
    phrase_button = page.locator(".tpnb-phrase-low").first
    expect(phrase_button).to_be_visible(timeout=60_000)
    expect(page.locator(".tpnb-phrase-high").first).to_be_visible()
    label = phrase_button.inner_text().strip()
    match = re.fullmatch(r"(.+) \(([\d,]+)\)", label)
    assert match, label
    phrase, uses = match.group(1), match.group(2)
    page.screenshot(path=artifacts / "voila-phrases-1-open.png", full_page=True)

    phrase_button.click()
    expect(count).to_contain_text(f"of {uses} review", timeout=30_000)
    expect(count).to_contain_text(f"using \u201c{phrase}\u201d")
    assert count.inner_text() != count_before
    expect(page.locator(".tpnb-phrase-picked")).to_have_count(1)
    rows = page.locator(".tpnb-row")
    expect(rows.first).to_be_visible()
    n = rows.count()
    assert n > 0
    # every listed review uses the phrase, and shows it marked
    expect(page.locator(".tpnb-row:has(mark.tpnb-mark)")).to_have_count(n)
    marks = {text.lower() for text in page.locator(".tpnb-row mark.tpnb-mark").all_inner_texts()}
    assert marks == {phrase}, marks
    assert page.locator(".tpnb-row").first.inner_text() != first_before or n == 1
    page.screenshot(path=artifacts / "voila-phrases-2-picked.png", full_page=True)

    page.locator(".tpnb-phrase-clear").click()
    expect(count).to_have_text(count_before)
    expect(page.locator(".tpnb-row mark")).to_have_count(0)
