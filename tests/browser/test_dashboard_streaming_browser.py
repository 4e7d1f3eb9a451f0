"""The largest demo unit streams into the dashboard in Voila (headless Debian chromium).

Issue 17, target 3: choosing the 124,000-review unit (demo mode, the emulator's real rate limit,
the client's pacing on) shows its card, its newest reviews and a first chart while the rest is
still loading, behind one progress display that knows the total; filters work on what is loaded
and say so. Timings are the benchmark's business (tests/benchmarks/bench_first_reviews.py):
here only the order of events is checked (first reviews before the load ends).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

LARGEST = "Northwind Outdoor"
TOTAL = "124,000"


def test_largest_unit_shows_first_reviews_before_its_load_ends(
    page: Page, voila_url: str, artifacts: Path
) -> None:
    page.goto(voila_url + "/")
    cards = page.locator(".tpnb-finder-suggestion")
    expect(cards.first).to_be_visible()
    expect(cards.first).to_contain_text("northwind-outdoor.example")  # the largest first
    page.locator(".tpnb-finder-suggestion-open", has_text=LARGEST).click()
    # the card, the newest reviews, a chart: while the load goes on
    expect(page.locator(".tpnb-finder-chosen")).to_contain_text(LARGEST)
    expect(page.locator(".tpnb-row").first).to_be_visible()
    expect(page.locator("img.tpnb-chart-output")).to_be_visible()
    summary = page.locator(".tpnb-explorer-summary")
    progress = page.locator(".tpnb-explorer-progress")
    count = page.locator(".tpnb-explorer-count")
    expect(summary).to_contain_text("loaded so far")  # not yet complete
    expect(progress).to_be_visible()
    expect(progress).to_contain_text(f"of {TOTAL} reviews")  # the total, from the unit
    expect(count).to_contain_text(re.compile(rf"of {TOTAL} loaded so far"))
    page.screenshot(path=artifacts / "voila-stream-1-first-reviews.png", full_page=True)
    # a filter works on what is loaded, and says so
    page.locator(".tpnb-filter-star-1").click()
    expect(count).to_contain_text(re.compile(rf"filtered from the [\d,]+ of {TOTAL} loaded so far"))
    expect(page.locator(".tpnb-row .tpnb-stars:not([title='1 star'])")).to_have_count(0)
    expect(page.locator(".tpnb-row").first).to_be_visible()
    expect(summary).to_contain_text("loaded so far")  # still streaming meanwhile
    page.screenshot(path=artifacts / "voila-stream-2-filtered.png", full_page=True)
