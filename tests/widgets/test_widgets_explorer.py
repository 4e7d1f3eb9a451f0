"""ReviewExplorer and RatingCharts state: drive the controls, assert on frames and outputs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import traitlets
from kit.samples import make_reviews

from tpnb.widgets import RatingCharts, ReviewExplorer
from tpnb.widgets.filtering import ReviewFilter, filter_reviews


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return make_reviews(400)


@pytest.fixture
def explorer(reviews: pd.DataFrame, tmp_path: Path) -> ReviewExplorer:
    return ReviewExplorer(reviews=reviews, progress=False, export_dir=tmp_path, page_size=10)


def row_texts(explorer: ReviewExplorer) -> list[str]:
    return [box.children[0].value for box in explorer.table.rows.children]


def test_starts_with_every_review_newest_first(
    explorer: ReviewExplorer, reviews: pd.DataFrame
) -> None:
    assert len(explorer.value) == len(reviews)
    assert explorer.value["created_at"].is_monotonic_decreasing
    assert len(explorer.table.rows.children) == 10
    assert f"<b>{len(reviews):,}</b> reviews" in explorer.count.value


def test_stars_and_language_filter_the_value_and_the_table(
    explorer: ReviewExplorer, reviews: pd.DataFrame
) -> None:
    before = row_texts(explorer)
    explorer.filters.star_buttons[0].value = True  # 1 star
    explorer.filters.language.value = "de"
    expected = filter_reviews(reviews, ReviewFilter(stars={1}, languages={"de"}))
    assert list(explorer.value["id"]) == list(expected["id"])
    assert row_texts(explorer) != before
    assert all('title="1 star"' in text for text in row_texts(explorer))
    assert f"<b>{len(expected):,}</b> reviews of {len(reviews):,} loaded" in explorer.count.value


def test_language_choices_come_from_the_data(
    explorer: ReviewExplorer, reviews: pd.DataFrame
) -> None:
    codes = {code for _label, code in explorer.filters.language.options} - {"any"}
    assert codes == set(reviews["language"].astype("string").dropna())


def test_text_replied_verified_and_sort(explorer: ReviewExplorer, reviews: pd.DataFrame) -> None:
    f = explorer.filters
    f.text.value = "refund"
    f.replied.value = "Not replied"
    f.verified.value = "Verified only"
    f.sort.value = "lowest"
    expected = filter_reviews(
        reviews, ReviewFilter(text="refund", replied=False, verified=True, sort="lowest")
    )
    assert list(explorer.value["id"]) == list(expected["id"])
    f.reset()
    assert len(explorer.value) == len(reviews)


def test_paging(explorer: ReviewExplorer) -> None:
    first = row_texts(explorer)
    explorer.table.next_button.click()
    assert explorer.table.page.number == 2
    assert row_texts(explorer) != first
    explorer.table.prev_button.click()
    assert row_texts(explorer) == first
    assert explorer.table.prev_button.disabled
    explorer.table.page_size.value = 50
    assert len(explorer.table.rows.children) == 50


def test_a_filter_change_keeps_the_page_in_range(explorer: ReviewExplorer) -> None:
    explorer.table.go(30)
    explorer.filters.set_stars({2})
    assert explorer.table.page.number <= explorer.table.page.count


def test_dates_show_in_the_chosen_timezone(explorer: ReviewExplorer) -> None:
    first = explorer.value.iloc[0]
    utc_text = first["created_at"].strftime("%Y-%m-%d %H:%M")
    assert utc_text in row_texts(explorer)[0]
    explorer.filters.timezone.value = "Asia/Tokyo"
    tokyo = first["created_at"].tz_convert("Asia/Tokyo").strftime("%Y-%m-%d %H:%M")
    assert tokyo in row_texts(explorer)[0]


def test_long_texts_fold_into_details(explorer: ReviewExplorer) -> None:
    long_ones = explorer.value["text"].str.len() > 400
    explorer.filters.sort.value = "newest"
    position = int(long_ones.to_numpy().argmax())
    explorer.table.go(position // 10 + 1)
    html = row_texts(explorer)[position % 10]
    assert "<details>" in html


def test_detail_view_shows_the_review_and_its_reply(explorer: ReviewExplorer) -> None:
    explorer.filters.replied.value = "Replied"
    explorer.table._row_buttons[0].click()
    review = explorer.value.iloc[0]
    assert explorer.detail.layout.display == "flex"
    assert explorer.table.layout.display == "none"
    assert str(review["reply_text"]) in explorer.detail.body.value
    assert str(review["id"]) in explorer.detail.body.value
    assert not explorer.detail.can_reply  # no client: no Customer API
    explorer.detail.back_button.click()
    assert explorer.table.layout.display == "flex"


class SentDownloads:
    """Records what the explorer's BrowserDownload sends to the browser (name, mime, bytes)."""

    def __init__(self, explorer: ReviewExplorer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: list[tuple[dict[str, Any], bytes]] = []

        def send(content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
            assert buffers is not None
            assert len(buffers) == 1
            self.sent.append((content, bytes(buffers[0])))

        monkeypatch.setattr(explorer.download, "send", send)


def test_export_button_downloads_through_the_browser_and_writes_nothing(
    reviews: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the old export wrote into the working directory
    explorer = ReviewExplorer(reviews=reviews, progress=False, page_size=10)
    downloads = SentDownloads(explorer, monkeypatch)
    explorer.filters.set_stars({5})
    explorer.export_button.click()
    assert list(tmp_path.iterdir()) == []
    [(content, data)] = downloads.sent
    assert content["kind"] == "tpnb-download"
    assert content["mime"] == "text/csv"
    assert content["name"].startswith("reviews-selection-")
    assert content["name"].endswith(".csv")
    back = pd.read_csv(io.BytesIO(data))
    assert list(back["id"]) == list(explorer.value["id"])
    link = explorer.export_link.value
    assert f"{len(explorer.value):,} reviews sent to your browser as {content['name']}" in link
    assert "base64" not in link
    assert "data:" not in link
    assert len(link) < 400

    explorer.export_format.value = "parquet"
    assert explorer.export("parquet") is None
    content, data = downloads.sent[-1]
    assert content["mime"] == "application/vnd.apache.parquet"
    assert list(pd.read_parquet(io.BytesIO(data))["id"]) == list(explorer.value["id"])
    assert list(tmp_path.iterdir()) == []


def test_export_dir_keeps_a_copy_of_each_download(
    explorer: ReviewExplorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = SentDownloads(explorer, monkeypatch)
    explorer.filters.set_stars({5})
    csv = explorer.export("csv")
    assert csv is not None
    assert csv.parent == tmp_path
    [(content, data)] = downloads.sent
    assert csv.name == content["name"]
    assert csv.read_bytes() == data
    assert len(pd.read_csv(csv)) == len(explorer.value)
    assert "a copy is saved to" in explorer.export_link.value


def test_export_to_a_named_path_writes_that_file_only(
    explorer: ReviewExplorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = SentDownloads(explorer, monkeypatch)
    explorer.filters.set_stars({5})
    parquet = explorer.export("parquet", tmp_path / "mine" / "five-stars.parquet")
    assert parquet == tmp_path / "mine" / "five-stars.parquet"
    assert downloads.sent == []
    assert "saved to" in explorer.export_link.value
    back = pd.read_parquet(parquet)
    assert list(back["id"]) == list(explorer.value["id"])
    expected = explorer.value.reset_index(drop=True)
    # plain to_parquet keeps every dtype (list columns read back as lists)
    pd.testing.assert_frame_equal(back, expected)
    assert list(back.dtypes.astype(str)) == list(expected.dtypes.astype(str))


def test_a_download_needs_a_plain_file_name() -> None:
    from tpnb.widgets.download import BrowserDownload

    with pytest.raises(ValueError, match="plain file name"):
        BrowserDownload().offer("../notes.csv", b"x", "text/csv")


def test_errors_show_in_the_widget(explorer: ReviewExplorer) -> None:
    assert explorer.export("xlsx") is None  # type: ignore[arg-type]
    assert "unknown export format" in explorer.messages.value
    assert "tpnb-message-error" in explorer.messages.value
    explorer.open_review("no-such-review")
    assert "not among the loaded reviews" in explorer.messages.value
    assert explorer.load("example.com") is None  # no client
    assert "no client" in explorer.messages.value


def test_empty_frame(reviews: pd.DataFrame) -> None:
    explorer = ReviewExplorer(reviews=reviews.iloc[:0], progress=False)
    assert explorer.value.empty
    assert "No reviews match" in explorer.table.empty.value


def test_charts_redraw_when_linked_to_the_explorer(explorer: ReviewExplorer) -> None:
    charts = RatingCharts()
    traitlets.dlink((explorer, "value"), (charts, "value"))
    drawn = charts.draws
    assert len(charts.value) == len(explorer.value)
    before = charts.image.value
    assert bytes(before).startswith(b"\x89PNG")
    explorer.filters.set_stars({1})
    assert charts.draws > drawn
    assert bytes(charts.image.value).startswith(b"\x89PNG")
    assert bytes(charts.image.value) != bytes(before)
    assert len(charts.value) == len(explorer.value)
    assert set(charts.value["stars"].dropna().astype(int)) == {1}
    assert charts.figure is not None
    assert charts.figure.axes


@pytest.mark.parametrize(
    "chart", ["over_time", "distribution", "trustscore", "replies", "languages"]
)
def test_every_chart_type_draws(reviews: pd.DataFrame, chart: str) -> None:
    charts = RatingCharts(reviews)
    charts.chart.value = chart
    assert charts.figure is not None
    assert charts.figure.axes
    assert charts.messages.value == ""


def test_period_and_date_range(reviews: pd.DataFrame) -> None:
    charts = RatingCharts(reviews)
    charts.period.value = "Quarter"
    assert charts.freq == "QS"
    first = reviews["created_at"].min().date()
    charts.since.value = first.isoformat()
    charts.until.value = first.isoformat()
    charted = charts.charted()
    assert len(charted) < len(reviews)
    assert (charted["created_at"].dt.date == first).all()


def test_charts_reject_unknown_choices() -> None:
    with pytest.raises(ValueError, match="unknown chart"):
        RatingCharts(chart="pie")
    with pytest.raises(ValueError, match="unknown period"):
        RatingCharts(period="Year")


def test_deferred_redraws_coalesce_quick_changes(reviews: pd.DataFrame) -> None:
    charts = RatingCharts(reviews, defer=0.2)
    charts.wait()
    draws = charts.draws
    first = bytes(charts.image.value)
    charts.chart.value = "distribution"
    charts.chart.value = "languages"
    charts.value = reviews.head(50)
    charts.wait()
    assert charts.draws == draws + 1
    assert bytes(charts.image.value) != first
    assert charts.figure is not None
    assert charts.figure.axes


def test_an_empty_date_range_never_leaves_an_earlier_selection_on_screen(
    reviews: pd.DataFrame,
) -> None:
    """Issue 18: From after To, then another unit: its card must not sit over the old rows."""
    first = reviews.iloc[:200]
    second = reviews.iloc[200:].copy()
    second["business_unit_id"] = "0" * 24
    explorer = ReviewExplorer(reviews=first, progress=False)
    explorer.label = "Fjordhus Møbler"
    explorer.refresh()
    day = first["created_at"].min().date()
    explorer.filters.set_dates(day.replace(year=day.year + 1), day)
    assert explorer.value.empty
    assert row_texts(explorer) == []
    assert "From" in explorer.messages.value
    assert "is after To" in explorer.messages.value
    # another unit is chosen while the dates are still invalid
    explorer.label = "Maison Lumière"
    explorer.reviews = second
    assert "Maison Lumière" in explorer.summary.value
    assert "Fjordhus" not in explorer.summary.value
    assert explorer.value.empty  # not the first unit's selection
    assert row_texts(explorer) == []
    assert "tpnb-message-warning" in explorer.messages.value
    explorer.filters.reset()
    assert set(explorer.value["id"]) == set(second["id"])
    shown_ids = set(explorer.value["id"].iloc[:10])
    assert shown_ids <= set(second["id"])
    assert explorer.messages.value == ""


def _left_title(charts: RatingCharts) -> str:
    assert charts.figure is not None
    return str(charts.figure.axes[0].get_title(loc="left"))


@pytest.mark.parametrize("chart", ["over_time", "distribution", "replies", "languages"])
def test_charts_of_a_selection_say_so(reviews: pd.DataFrame, chart: str) -> None:
    """Issue 18: filtered to 1-2 stars, a chart is the selection's, not the company's."""
    charts = RatingCharts(reviews, chart=chart)
    charts.population = reviews
    assert "selected" not in _left_title(charts)  # everything: the plain title
    low = reviews[reviews["stars"].astype(int) <= 2]
    charts.value = low
    assert _left_title(charts).endswith(f"of the {len(low):,} reviews selected")


def test_the_trustscore_history_is_the_companys_whatever_the_filters(
    reviews: pd.DataFrame,
) -> None:
    from tpnb.analysis import trustscore

    charts = RatingCharts(reviews, chart="trustscore")
    charts.population = reviews
    whole = bytes(charts.image.value)
    charts.value = reviews[reviews["stars"].astype(int) <= 2]
    assert bytes(charts.image.value) == whole  # drawn from all the reviews
    assert f"counts all {len(reviews):,} reviews" in charts.messages.value
    assert charts.figure is not None
    subtitle = next(t for t in charts.figure.axes[0].texts if t.get_gid() == "tpnb-subtitle")
    latest = trustscore(reviews)
    assert f"Latest {latest:.1f}" in subtitle.get_text()
    charts.value = reviews
    assert charts.messages.value == ""


class _SlowClient:
    """Answers ``reviews()`` with a frame in one piece (a stand-in client without
    ``review_pages``), recording what the explorer showed during the call."""

    demo = False

    def __init__(self, frame: pd.DataFrame, explorer_box: list[ReviewExplorer]) -> None:
        self.frame = frame
        self.box = explorer_box
        self.seen: dict[str, object] = {}

    def reviews(self, business_unit: str, *, progress: bool) -> pd.DataFrame:
        explorer = self.box[0]
        self.seen["progress"] = progress
        self.seen["loading"] = explorer.loading
        self.seen["table"] = explorer.table.empty.value
        self.seen["rows"] = len(explorer.table.rows.children)
        self.seen["value"] = len(explorer.value)
        self.seen["summary"] = explorer.summary.value
        self.seen["count"] = explorer.progress_display.count.value
        self.seen["bar"] = (explorer.progress_display.bar.value, explorer.progress_display.bar.max)
        self.seen["shown"] = explorer.progress_display.layout.display
        return self.frame


def test_loading_shows_one_progress_display_with_the_real_total(reviews: pd.DataFrame) -> None:
    """Issue 18: no tqdm line under the bar; 'Loading...' is not 'No reviews'."""
    box: list[ReviewExplorer] = []
    client = _SlowClient(reviews, box)
    explorer = ReviewExplorer(client, reviews=reviews.iloc[:50], progress=True)
    box.append(explorer)
    charts = RatingCharts()
    traitlets.dlink((explorer, "value"), (charts, "value"))
    traitlets.dlink((explorer, "loading"), (charts, "loading"))
    explorer.label = "Fjordhus Møbler"
    explorer.expected_reviews = 8_500
    charts_during: list[str] = []
    charts.observe(lambda _c: charts_during.append(charts.messages.value), names="loading")
    drawn: list[int] = []
    charted = charts.charted
    charts.charted = lambda reviews=None: drawn.append(len(charted(reviews))) or charted(reviews)  # type: ignore[method-assign]
    explorer.business_unit = "fjordhus-mobler.example"
    assert drawn == [len(reviews)]  # one drawing, of the loaded reviews: never a "No reviews"
    seen = client.seen
    assert seen["progress"] is False  # the client draws no tqdm bar of its own
    assert seen["loading"] is True
    assert "Loading the reviews of Fjordhus Møbler" in str(seen["table"])
    assert "No reviews" not in str(seen["table"])
    assert seen["rows"] == 0
    assert seen["value"] == 0  # nothing of the earlier frame while loading
    assert "loading" in str(seen["summary"])
    assert seen["shown"] == "flex"
    assert "0 of 8,500 reviews" in str(seen["count"])  # the total known, nothing in yet
    assert seen["bar"] == (0, 8_500)
    assert "Loading" in charts_during[0]
    # done: the display is gone, the chart is back, the table lists the reviews
    assert not explorer.loading
    assert explorer.progress_display.layout.display == "none"
    assert len(explorer.value) == len(reviews)
    assert charts.image.layout.display == ""
    assert charts.messages.value == ""
    assert len(charts.value) == len(reviews)


def test_the_summary_explains_a_total_that_differs_from_the_units_count(
    reviews: pd.DataFrame,
) -> None:
    """Issue 18: '14,000 on Trustpilot, 13,959 listed publicly', not two unexplained numbers."""
    explorer = ReviewExplorer(reviews=reviews, progress=False)
    explorer.label = "Bayside Energy"
    explorer.expected_reviews = len(reviews) + 41
    explorer.refresh()
    summary = explorer.summary.value
    assert f"{len(reviews):,} reviews listed publicly" in summary
    assert f"{len(reviews) + 41:,} on Trustpilot (41 hidden from public lists)" in summary
    explorer.expected_reviews = len(reviews)
    explorer.refresh()
    assert f"{len(reviews):,} reviews loaded" in explorer.summary.value
    assert "hidden" not in explorer.summary.value


def test_a_filter_change_goes_back_to_the_first_page(explorer: ReviewExplorer) -> None:
    """Issue 18: on page 2, a new filter showed page 2 of the new selection, label stale."""
    explorer.table.next_button.click()
    assert explorer.table.page.number == 2
    explorer.filters.set_stars({5})
    assert explorer.table.page.number == 1
    assert "Page <b>1</b> of" in explorer.table.page_label.value
    assert "Showing <b>1\u2013" in explorer.count.value


def test_language_counts_follow_the_other_filters(
    explorer: ReviewExplorer, reviews: pd.DataFrame
) -> None:
    explorer.filters.set_stars({1})
    ones = reviews[reviews["stars"].astype(int) == 1]
    expected = ones["language"].astype("string").value_counts()
    labels = dict((code, label) for label, code in explorer.filters.language.options)
    for code, n in expected.items():
        assert labels[code] == f"{code} ({n:,})"
    # a chosen language stays chosen when the other filters leave none of it
    explorer.filters.set_stars(set())
    explorer.filters.language.value = "da"
    explorer.filters.text.value = "zzz-nowhere"
    assert explorer.filters.language.value == "da"
    assert ("da (0)", "da") in explorer.filters.language.options
    assert explorer.value.empty


def test_counts_are_pluralised(reviews: pd.DataFrame) -> None:
    explorer = ReviewExplorer(reviews=reviews.iloc[:1], progress=False)
    assert "<b>1</b> review</span>" in explorer.count.value
    assert "1 reviews" not in explorer.count.value
    assert "1 review loaded" in explorer.summary.value


def test_the_search_term_is_highlighted_in_escaped_text(reviews: pd.DataFrame) -> None:
    frame = reviews.iloc[:3].copy()
    frame["title"] = ["Delivery <b>late</b> & slow", "Nothing here", "delivery again"]
    frame["text"] = ["The DELIVERY was <script>x</script>", "x", "y"]
    explorer = ReviewExplorer(reviews=frame, progress=False)
    explorer.filters.text.value = "delivery"
    html = " ".join(row_texts(explorer))
    assert '<mark class="tpnb-mark">Delivery</mark> &lt;b&gt;late&lt;/b&gt; &amp; slow' in html
    assert '<mark class="tpnb-mark">DELIVERY</mark> was &lt;script&gt;' in html
    assert "<script>" not in html
    assert len(explorer.value) == 2


def test_the_detail_view_says_verification_in_words(reviews: pd.DataFrame) -> None:
    frame = reviews.iloc[:3].copy()
    frame["verification_level"] = "notVerified"
    explorer = ReviewExplorer(reviews=frame, progress=False)
    explorer.open_review(str(frame.iloc[0]["id"]))
    body = explorer.detail.body.value
    assert "Not verified" in body
    assert "notVerified" not in body


def test_saved_widget_outputs_read_as_short_plain_text(explorer: ReviewExplorer) -> None:
    """Issue 18: a saved notebook showed raw widget text full of CSS before it ran."""
    for widget in (explorer, RatingCharts(explorer.value)):
        text = widget._repr_mimebundle_()["text/plain"]
        assert "<style>" not in text
        assert "run the notebook to use it" in text
        assert len(text) <= 110


def test_dates_are_iso_in_the_boxes_and_in_the_list(explorer: ReviewExplorer) -> None:
    """Issue 18: mm/dd/yyyy pickers over a "30 Oct 2026" list; now ISO in both."""
    first = explorer.value.iloc[0]["created_at"]
    assert first.strftime("%Y-%m-%d %H:%M") in row_texts(explorer)[0]
    assert explorer.filters.since.placeholder == "YYYY-MM-DD"
    day = first.date().isoformat()
    explorer.filters.since.value = day
    explorer.filters.until.value = day
    assert len(explorer.value) >= 1
    assert (explorer.value["created_at"].dt.date.astype(str) == day).all()
    explorer.filters.until.value = "30/10/2026"
    assert explorer.value.empty
    assert (
        "To: &#x27;30/10/2026&#x27; is not a date; write it as YYYY-MM-DD"
        in explorer.messages.value
    )
