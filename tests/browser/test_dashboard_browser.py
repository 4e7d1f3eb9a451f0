"""The tpnb dashboard in a real browser (Voila and JupyterLab, headless Debian chromium).

What a person does: type a domain into the finder, get its reviews in the explorer, filter to
1-star reviews in one language, see the table change and the chart redraw (checked on the
image's pixels), then open a review's detail. Screenshots: test-artifacts/browser/.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

DOMAIN = "maison-lumiere.example"  # owned by the demo business user: private reviews, replies
NAME = "Maison Lumi"
GREEN = (0x00, 0xB6, 0x7A)  # 5 stars
RED = (0xFF, 0x37, 0x22)  # 1 star
CHART_IMG = ".tpnb-chart-output img"


def colour_shares(data_uri: str) -> dict[str, float]:
    """Shares of the chart image's pixels that are 5-star green, 1-star red, and dark ink."""
    assert data_uri.startswith("data:image/png;base64,"), data_uri[:40]
    image = Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1]))).convert("RGB")
    pixels = np.asarray(image, dtype=np.int16).reshape(-1, 3)

    def share(colour: tuple[int, int, int]) -> float:
        return float((np.abs(pixels - np.array(colour)).sum(axis=1) < 40).mean())

    return {
        "green": share(GREEN),
        "red": share(RED),
        "ink": float((pixels.max(axis=1) < 110).mean()),
    }


def chart_src(page: Page) -> str:
    src = page.locator(CHART_IMG).first.get_attribute("src")
    assert src is not None
    return src


def wait_chart_change(page: Page, old: str) -> str:
    page.wait_for_function(
        "old => { const i = document.querySelector('.tpnb-chart-output img');"
        " return i !== null && i.src !== old && i.complete; }",
        arg=old,
    )
    return chart_src(page)


def drive_dashboard(page: Page, name: str, artifacts: Path) -> None:
    query = page.locator(".tpnb-finder-query input")
    expect(query).to_be_visible()
    query.fill(DOMAIN)
    query.press("Enter")
    expect(page.locator(".tpnb-finder-chosen")).to_contain_text(NAME)
    count = page.locator(".tpnb-explorer-count")
    expect(count).to_contain_text("Showing")
    expect(page.locator(".tpnb-row").first).to_be_visible()
    expect(page.locator(CHART_IMG)).to_have_count(1)

    # the rating distribution: all stars first (mostly green), then 1-star only (red)
    before = chart_src(page)
    page.locator(".tpnb-chart-type select").select_option(label="Rating distribution")
    all_stars = wait_chart_change(page, before)
    shares_all = colour_shares(all_stars)
    assert shares_all["green"] > 0.01, shares_all
    assert shares_all["ink"] > 0.003, shares_all
    page.screenshot(path=artifacts / f"{name}-1-loaded.png", full_page=True)

    count_before = count.inner_text()
    rows_before = page.locator(".tpnb-row").first.inner_text()
    language = page.locator(".tpnb-filter-language select option").nth(1).inner_text()
    code = language.split()[0]  # the label is "fr (3,420)", with a no-break space
    page.locator(".tpnb-filter-language select").select_option(label=language)
    expect(count).not_to_have_text(count_before)
    after_language = chart_src(page)
    page.locator(".tpnb-filter-star-1").click()
    one_star = wait_chart_change(page, after_language)
    expect(count).to_contain_text("loaded")
    rows = page.locator(".tpnb-row")
    expect(rows.first).to_be_visible()
    assert page.locator(".tpnb-row").first.inner_text() != rows_before
    n = rows.count()
    assert n > 0
    assert page.locator(".tpnb-row .tpnb-stars[title='1 star']").count() == n
    assert page.locator(".tpnb-row .tpnb-cell-lang").all_inner_texts() == [code] * n
    shares_one = colour_shares(one_star)
    assert shares_one["red"] > 0.01, shares_one
    assert shares_one["green"] < shares_one["red"] / 10, shares_one
    assert shares_one["ink"] > 0.003, shares_one
    page.screenshot(path=artifacts / f"{name}-2-filtered.png", full_page=True)

    # the detail of the first review, with the reply box (the demo user owns this unit)
    title = page.locator(".tpnb-row .tpnb-cell-title").first.inner_text()
    page.locator(".tpnb-row-open").first.click()
    detail = page.locator(".tpnb-detail-panel")
    expect(detail).to_be_visible()
    expect(detail.locator("h3")).to_have_text(title)
    expect(detail.locator(".tpnb-stars[title='1 star']")).to_have_count(1)
    expect(detail.locator(".tpnb-reply-text textarea")).to_be_visible()
    expect(page.locator(".tpnb-table")).to_be_hidden()
    page.screenshot(path=artifacts / f"{name}-3-detail.png", full_page=True)
    detail.locator(".tpnb-detail-back").click()
    expect(page.locator(".tpnb-table")).to_be_visible()


def test_dashboard_in_voila(page: Page, voila_url: str, artifacts: Path) -> None:
    page.goto(voila_url + "/")
    expect(page.locator(".tpnb-dashboard")).to_be_visible()
    expect(page.locator(".tpnb-header")).to_contain_text("Demo data")
    drive_dashboard(page, "voila", artifacts)


def run_all_in_lab(page: Page, lab_url: str, notebook: str) -> None:
    page.goto(f"{lab_url}/lab/tree/{notebook}")
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Python 3 (ipykernel) | Idle")
    page.locator(".jp-Cell").first.click()
    page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    item = page.locator("li.lm-Menu-item[data-command='runmenu:run-all']")
    expect(item).not_to_have_attribute("aria-disabled", "true")
    item.click()


def test_dashboard_in_jupyterlab(page: Page, lab_url: str, artifacts: Path) -> None:
    run_all_in_lab(page, lab_url, "dashboard_test.ipynb")
    expect(page.locator(".tpnb-dashboard")).to_be_visible()
    expect(page.locator(".tpnb-header")).to_contain_text("Demo data")
    drive_dashboard(page, "lab", artifacts)


@pytest.fixture(autouse=True)
def _no_console_errors(page: Page) -> Any:
    """Widget errors in the page's console fail the test (blocked CDN fetches excepted)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield
    assert not errors, errors
