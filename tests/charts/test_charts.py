"""Tests of tpnb.charts: drawn content equals tpnb.analysis numbers, empty panels, no pyplot leaks.

PNGs of every chart are written to test-artifacts/charts/ (gitignored) for people to look at.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from tpnb import analysis, charts
from tpnb.charts import (
    STAR_COLOURS,
    TRUSTSCORE_BANDS,
    ChartFigure,
    figure_png,
    plot_comparison,
    plot_dashboard,
    plot_language_mix,
    plot_rating_distribution,
    plot_ratings_over_time,
    plot_reply_stats,
    plot_trustscore_history,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "charts"


def make_reviews(n: int = 900, *, seed: int = 7, skew: int = 0) -> pd.DataFrame:
    """A realistic review frame with the documented review columns and dtypes."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01", tz="UTC")
    created = start + pd.to_timedelta(np.sort(rng.uniform(0, 600, n)), unit="D")
    stars = np.clip(rng.choice([1, 2, 3, 4, 5], n, p=[0.12, 0.05, 0.08, 0.2, 0.55]) - skew, 1, 5)
    language = rng.choice(
        ["en", "da", "de", "sv", "fr", "nl"], n, p=[0.5, 0.2, 0.12, 0.08, 0.06, 0.04]
    )
    replied = rng.random(n) < 0.6
    lag = pd.to_timedelta(rng.exponential(30, n), unit="h")
    return pd.DataFrame(
        {
            "id": pd.array([f"{i:024x}" for i in range(n)], dtype="string"),
            "business_unit_id": pd.array(["5f0c0c0c0c0c0c0c0c0c0c0c"] * n, dtype="string"),
            "stars": pd.array(stars, dtype="Int8"),
            "title": pd.array([f"Review {i}" for i in range(n)], dtype="string"),
            "text": pd.array(["Some text."] * n, dtype="string"),
            "language": pd.array(language, dtype="string"),
            "created_at": pd.Series(created),
            "is_verified": pd.array(rng.random(n) < 0.7, dtype="boolean"),
            "reply_text": pd.array(np.where(replied, "Thank you!", None), dtype="string"),
            "reply_created_at": pd.Series(created + lag).where(replied),
            "counts_towards_trust_score": pd.array(np.ones(n, dtype=bool), dtype="boolean"),
        }
    )


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return make_reviews()


@pytest.fixture(scope="module")
def empty(reviews: pd.DataFrame) -> pd.DataFrame:
    return reviews.iloc[:0]


@pytest.fixture(autouse=True)
def no_pyplot_figures() -> Iterator[None]:
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "a chart left a pyplot figure open"


def save_artifact(fig: Figure, name: str) -> np.ndarray:
    """Render to PNG in memory, keep a copy in test-artifacts/, return the decoded pixels."""
    png = figure_png(fig)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(png)
    return np.asarray(mpimg.imread(io.BytesIO(png), format="png"))


def assert_not_blank(pixels: np.ndarray, min_share: float = 0.02) -> None:
    """At least ``min_share`` of the pixels carry ink (not white or the panel's pale grey)."""
    rgb = pixels[..., :3]
    non_white = (rgb < 0.95).any(axis=-1).mean()
    assert non_white > min_share, f"only {non_white:.1%} of the pixels are drawn"
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 8


def bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() is None]


def twin_of(ax: Axes) -> Axes:
    siblings = [a for a in ax.get_shared_x_axes().get_siblings(ax) if a is not ax]
    assert len(siblings) == 1
    return siblings[0]


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


PLOTS: dict[str, Callable[..., Axes]] = {
    "rating_distribution": plot_rating_distribution,
    "ratings_over_time": plot_ratings_over_time,
    "trustscore_history": plot_trustscore_history,
    "reply_stats": plot_reply_stats,
    "language_mix": plot_language_mix,
}


# --- every plot: Axes returned, titled, rendered, and the empty panel ---------------------------


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_renders_titled_chart(name: str, reviews: pd.DataFrame) -> None:
    ax = PLOTS[name](reviews)
    assert isinstance(ax, Axes)
    assert isinstance(ax.figure, ChartFigure)
    assert ax.get_title(loc="left")
    assert ax.get_xlabel() or name in {"ratings_over_time", "trustscore_history", "reply_stats"}
    assert ax.get_ylabel() or name in {"rating_distribution", "language_mix"}
    assert_not_blank(save_artifact(ax.figure, f"plot_{name}"))


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_of_empty_frame_is_a_no_reviews_panel(name: str, empty: pd.DataFrame) -> None:
    ax = PLOTS[name](empty)
    assert "No reviews" in texts(ax)
    assert ax.get_title(loc="left")
    assert not bars(ax)
    assert not ax.lines
    assert len(ax.figure.axes) == 1  # no twin axis on an empty panel
    assert_not_blank(save_artifact(ax.figure, f"plot_{name}_empty"), min_share=0.004)


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_draws_on_the_given_axes(name: str, reviews: pd.DataFrame) -> None:
    fig = Figure()
    given = fig.add_subplot()
    assert PLOTS[name](reviews, ax=given) is given
    assert given.get_title(loc="left")


@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_rejects_bad_input(name: str, reviews: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        PLOTS[name](reviews.to_dict("records"))
    with pytest.raises(TypeError, match="Axes"):
        PLOTS[name](reviews, ax="left")


def test_pyplot_axes_are_accepted(reviews: pd.DataFrame) -> None:
    fig, ax = plt.subplots()
    try:
        assert plot_rating_distribution(reviews, ax=ax) is ax
    finally:
        plt.close(fig)


# --- drawn content equals the analysis numbers ---------------------------------------------------


def test_rating_distribution_bars_are_the_counts_in_star_colours(reviews: pd.DataFrame) -> None:
    ax = plot_rating_distribution(reviews)
    dist = analysis.rating_distribution(reviews)
    drawn = sorted(bars(ax), key=lambda b: b.get_y())  # 1 star at the bottom
    assert [b.get_width() for b in drawn] == dist["count"].tolist()
    assert [to_hex(b.get_facecolor()).upper() for b in drawn] == [
        STAR_COLOURS[s] for s in range(1, 6)
    ]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{s} \u2605" for s in range(1, 6)]
    top = dist.loc[5]
    assert f"{int(top['count']):,}  ({top['share']:.0%})" in texts(ax)


def test_ratings_over_time_bars_and_mean_line(reviews: pd.DataFrame) -> None:
    ax = plot_ratings_over_time(reviews, freq="MS")
    rot = analysis.ratings_over_time(reviews, freq="MS")
    drawn = sorted(bars(ax), key=lambda b: b.get_x())
    assert [b.get_height() for b in drawn] == rot["count"].tolist()
    twin = twin_of(ax)
    (line,) = twin.lines
    np.testing.assert_allclose(
        np.asarray(line.get_ydata(), dtype=float), rot["mean_stars"].to_numpy(dtype=float)
    )
    assert ax.get_ylabel() == "Reviews per month"
    assert twin.get_ylabel() == "Mean stars"
    assert twin.get_ylim() == (0.8, 5.2)
    assert twin.get_legend() is not None


@pytest.mark.parametrize("freq", ["W", "QS", "YS"])
def test_ratings_over_time_other_periods(reviews: pd.DataFrame, freq: str) -> None:
    ax = plot_ratings_over_time(reviews, freq=freq)
    rot = analysis.ratings_over_time(reviews, freq=freq)
    assert sum(b.get_height() for b in bars(ax)) == rot["count"].sum() == len(reviews)
    assert_not_blank(save_artifact(ax.figure, f"plot_ratings_over_time_{freq}"))


def test_trustscore_history_line_and_star_bands(reviews: pd.DataFrame) -> None:
    ax = plot_trustscore_history(reviews)
    hist = analysis.trustscore_history(reviews)
    (line,) = ax.lines
    expected = hist["trust_score"].where(hist["trust_score"] > 0).to_numpy(dtype=float)
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), expected)
    band_colours = [to_hex(p.get_facecolor()).upper() for p in ax.patches]
    assert band_colours == [colour for *_rest, colour in TRUSTSCORE_BANDS]
    assert ax.get_ylim() == (1.0, 5.0)
    names = [t.get_text() for a in ax.child_axes for t in a.get_yticklabels()]
    assert names == ["Bad", "Poor", "Average", "Great", "Excellent"]
    assert f"{expected[-1]:.1f}" in texts(ax)


# --- partial periods, and the latest TrustScore's label ------------------------------------------
#: make_reviews' reviews run from 1 Jan 2023 to late August 2024: this ends the covered range in
#: mid-August, so the last month and the last quarter are partial
MID_AUGUST = "2024-08-15T00:00:00Z"


@pytest.mark.parametrize(
    "plot", [plot_ratings_over_time, plot_reply_stats], ids=["volume", "replies"]
)
@pytest.mark.parametrize("freq", ["MS", "QS"])
def test_partial_periods_are_hatched_and_named_in_the_legend(
    reviews: pd.DataFrame, plot: Callable[..., Axes], freq: str
) -> None:
    table = (
        analysis.ratings_over_time if plot is plot_ratings_over_time else analysis.reply_stats
    )(reviews, freq, until=MID_AUGUST)
    assert table["partial"].tolist() == [False] * (len(table) - 1) + [True]
    ax = plot(reviews, freq=freq, until=MID_AUGUST)
    drawn = sorted(bars(ax), key=lambda b: b.get_x())
    assert [bool(b.get_hatch()) for b in drawn] == table["partial"].tolist()
    legend = twin_of(ax).get_legend()
    assert "Partial period" in [t.get_text() for t in legend.get_texts()]
    save_artifact(ax.figure, f"partial_{plot.__name__}_{freq}")
    # all covered: nothing hatched, no legend entry
    whole = plot(reviews, freq=freq, until="2030-01-01")
    assert not any(b.get_hatch() for b in bars(whole))
    assert "Partial period" not in [t.get_text() for t in twin_of(whole).get_legend().get_texts()]


def test_a_partial_trustscore_period_is_hollow_and_says_so_far(reviews: pd.DataFrame) -> None:
    ax = plot_trustscore_history(reviews, freq="QS", until=MID_AUGUST)
    line, hollow = ax.lines
    assert len(hollow.get_xdata()) == 1
    assert hollow.get_xdata()[0] == line.get_xdata()[-1]
    assert any("(2024-Q3 so far)" in text for text in texts(ax))
    whole = plot_trustscore_history(reviews, freq="QS", until="2030-01-01")
    assert len(whole.lines) == 1
    assert not any("so far" in text for text in texts(whole))


@pytest.mark.parametrize("skew", [0, 3])  # rising to the end, and a company that slid to ~1 star
def test_the_latest_trustscore_label_stays_clear_of_the_line(skew: int) -> None:
    reviews = make_reviews(900, skew=skew)
    ax = plot_trustscore_history(reviews, freq="MS")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(ax.figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    (label,) = [t for t in ax.texts if t.get_gid() != "tpnb-subtitle"]
    box = label.get_window_extent(renderer).padded(1.0)
    (line,) = ax.lines
    points = line.get_transform().transform(line.get_xydata())
    points = points[~np.isnan(points).any(axis=1)]
    # the line is drawn between its points: all of them left of the label keeps it clear
    assert (points[:, 0] < box.x0).all()
    # and the label is inside the axes, not cut off at the right edge
    assert box.x1 <= ax.get_window_extent(renderer).x1


def test_reply_stats_rate_bars_and_median_line(reviews: pd.DataFrame) -> None:
    ax = plot_reply_stats(reviews)
    stats = analysis.reply_stats(reviews)
    drawn = sorted(bars(ax), key=lambda b: b.get_x())
    np.testing.assert_allclose(
        [b.get_height() for b in drawn], stats["reply_rate"].fillna(0).to_numpy(dtype=float)
    )
    twin = twin_of(ax)
    (line,) = twin.lines
    hours = stats["median_reply_hours"].to_numpy(dtype=float)
    divisor = 24.0 if np.nanmax(hours) > 72 else 1.0
    np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), hours / divisor)
    assert twin.get_ylabel() == (
        "Median reply time (days)" if divisor == 24 else "Median reply time (hours)"
    )


def test_reply_stats_switches_to_days_for_slow_replies(reviews: pd.DataFrame) -> None:
    slow = reviews.assign(reply_created_at=reviews["reply_created_at"] + pd.Timedelta(days=9))
    ax = plot_reply_stats(slow)
    assert twin_of(ax).get_ylabel() == "Median reply time (days)"


def test_language_mix_bars_are_counts_coloured_by_mean_stars(reviews: pd.DataFrame) -> None:
    ax = plot_language_mix(reviews)
    mix = analysis.language_mix(reviews).sort_values("count", ascending=False, kind="stable")
    drawn = sorted(bars(ax), key=lambda b: -b.get_y())  # largest on top
    assert [b.get_width() for b in drawn] == mix["count"].tolist()
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(i) for i in mix.index]
    expected = [STAR_COLOURS[int(min(5, max(1, np.floor(m + 0.5))))] for m in mix["mean_stars"]]
    assert [to_hex(b.get_facecolor()).upper() for b in drawn] == expected


def test_language_mix_groups_the_tail_into_other(reviews: pd.DataFrame) -> None:
    ax = plot_language_mix(reviews, top=2)
    mix = analysis.language_mix(reviews).sort_values("count", ascending=False, kind="stable")
    drawn = sorted(bars(ax), key=lambda b: -b.get_y())
    assert len(drawn) == 3
    assert drawn[2].get_width() == mix["count"].iloc[2:].sum()
    assert ax.get_yticklabels()[-1].get_text() == f"other ({len(mix) - 2})"
    with pytest.raises(ValueError, match="top"):
        plot_language_mix(reviews, top=0)


# --- comparison ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def units(reviews: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        "Northwind Outdoor": reviews,
        "Contoso Bikes": make_reviews(300, seed=2),
        "Fabrikam": make_reviews(1200, seed=3, skew=1),
        "Empty Co": reviews.iloc[:0],
    }


@pytest.mark.parametrize("metric", sorted(charts.METRICS))
def test_comparison_bars_are_the_compare_metric(
    units: dict[str, pd.DataFrame], metric: str
) -> None:
    ax = plot_comparison(units, metric=metric)
    table = analysis.compare(units)
    drawn = sorted(bars(ax), key=lambda b: b.get_y())
    names = [t.get_text() for t in ax.get_yticklabels()]
    widths = {name: b.get_width() for name, b in zip(names, drawn, strict=True)}
    for unit, row in table.iterrows():
        if row["reviews"] == 0:
            assert widths[str(unit)] == 0
        else:
            assert widths[str(unit)] == pytest.approx(float(row[metric]))
    assert "no reviews" in texts(ax)
    assert ax.get_xlabel() == charts.METRICS[metric][0]
    assert_not_blank(save_artifact(ax.figure, f"plot_comparison_{metric}"))


def test_comparison_accepts_a_compare_frame_and_colours_by_band(
    units: dict[str, pd.DataFrame],
) -> None:
    table = analysis.compare(units)
    ax = plot_comparison(table, metric="trust_score")
    by_name = dict(
        zip(
            [t.get_text() for t in ax.get_yticklabels()],
            sorted(bars(ax), key=lambda b: b.get_y()),
            strict=True,
        )
    )
    for unit, row in table.iterrows():
        if row["trust_score"] > 0:
            colour = to_hex(by_name[str(unit)].get_facecolor()).upper()
            assert colour == charts._style.band_of(float(row["trust_score"]))[1]
    ordered = [b.get_width() for b in sorted(bars(ax), key=lambda b: b.get_y())]
    assert ordered == sorted(ordered)  # best on top


def test_comparison_rejects_bad_input(units: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValueError, match="metric"):
        plot_comparison(units, metric="happiness")
    with pytest.raises(ValueError, match="lacks columns"):
        plot_comparison(pd.DataFrame({"reviews": [1]}))
    with pytest.raises(TypeError, match="mapping"):
        plot_comparison([units["Fabrikam"]])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="review DataFrames"):
        plot_comparison({"a": "not a frame"})  # type: ignore[dict-item]


def test_comparison_of_no_reviews_is_an_empty_panel(empty: pd.DataFrame) -> None:
    ax = plot_comparison({"A": empty, "B": empty})
    assert "No reviews" in texts(ax)


# --- dashboard, display, layering ---------------------------------------------------------------


def test_dashboard_draws_five_titled_panels(reviews: pd.DataFrame) -> None:
    fig = plot_dashboard(reviews, title="Northwind Outdoor")
    titled = [a.get_title(loc="left") for a in fig.axes if a.get_title(loc="left")]
    assert titled == [
        "Rating distribution",
        "Languages",
        "Ratings over time",
        "TrustScore history",
        "Replies to reviews",
    ]
    assert fig.get_suptitle().startswith("Northwind Outdoor")
    assert f"{len(reviews):,} reviews" in fig.get_suptitle()
    assert_not_blank(save_artifact(fig, "plot_dashboard"))


def test_dashboard_of_empty_frame_and_given_figure(empty: pd.DataFrame) -> None:
    fig = Figure(figsize=(12, 10), layout="constrained")
    assert plot_dashboard(empty, fig=fig) is fig
    assert sum("No reviews" in texts(a) for a in fig.axes) == 5
    assert_not_blank(save_artifact(fig, "plot_dashboard_empty"), min_share=0.004)
    with pytest.raises(ValueError, match="empty Figure"):
        plot_dashboard(empty, fig=fig)


def test_chart_figure_displays_as_png_without_pyplot(reviews: pd.DataFrame) -> None:
    fig = plot_rating_distribution(reviews).figure
    assert isinstance(fig, ChartFigure)
    png, meta = fig._repr_png_()
    assert png.startswith(b"\x89PNG")
    pixels = np.asarray(mpimg.imread(io.BytesIO(png), format="png"))
    assert abs(pixels.shape[1] - 2 * meta["width"]) <= 1  # drawn at 2x, shown at nominal size
    assert abs(pixels.shape[0] - 2 * meta["height"]) <= 1
    assert_not_blank(pixels)


def test_importing_charts_does_not_import_pyplot() -> None:
    code = "import sys, tpnb.charts; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


def test_public_names() -> None:
    plots = {name for name in dir(charts) if name.startswith("plot_")}
    assert plots == {
        "plot_comparison",
        "plot_dashboard",
        "plot_key_phrases",
        "plot_language_mix",
        "plot_rating_distribution",
        "plot_ratings_over_time",
        "plot_reply_stats",
        "plot_topics_over_time",
        "plot_trustscore_history",
    }
    assert plots | {
        "METRICS",
        "STAR_COLOURS",
        "TRUSTSCORE_BANDS",
        "ChartFigure",
        "figure_png",
        "mark_selection",
    } == set(charts.__all__)


def test_figure_png_keeps_the_figure_size_or_crops_tight(reviews: pd.DataFrame) -> None:
    ax = plot_ratings_over_time(reviews, freq="MS")
    fig = ax.figure
    full = mpimg.imread(io.BytesIO(figure_png(fig, scale=2.0, tight=False)), format="png")
    cropped = mpimg.imread(io.BytesIO(figure_png(fig, scale=2.0)), format="png")
    width, height = fig.get_size_inches() * fig.dpi * 2
    assert full.shape[:2] == (round(height), round(width))  # the figure as it is, twice the dpi
    assert cropped.shape[:2] != full.shape[:2]  # the tight crop measures the drawing instead
    assert_not_blank(full)
