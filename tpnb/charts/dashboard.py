"""A one-figure summary of a review frame: five charts as small multiples."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from matplotlib.figure import Figure

from tpnb import analysis
from tpnb.charts._style import INK, STAR, ChartFigure, check_reviews
from tpnb.charts.activity import plot_language_mix, plot_reply_stats
from tpnb.charts.ratings import (
    plot_rating_distribution,
    plot_ratings_over_time,
    plot_trustscore_history,
)

DASHBOARD_SIZE = (13.0, 11.0)


def plot_dashboard(
    reviews: pd.DataFrame,
    *,
    freq: str = "MS",
    title: str | None = None,
    fig: Figure | None = None,
    until: str | datetime | pd.Timestamp | None = None,
) -> Figure:
    """Draw the rating distribution, language mix, ratings over time, TrustScore and replies.

    Layout: distribution and languages on top, ratings over time across the middle, TrustScore
    history and replies at the bottom, under a headline with the review count and TrustScore.

    Args:
        reviews: a review frame (public or private).
        freq: pandas offset alias of the time charts' periods: "W", "MS", "QS" or "YS".
        title: headline; default "Reviews at a glance".
        fig: an empty Figure to draw into; by default a new one (13 x 11 inches) is made.
        until: where the time range the reviews cover ends (default: now); a period it does not
            cover whole is drawn as partial (see :func:`tpnb.analysis.ratings_over_time`).

    Returns:
        The Figure (display it with ``display(fig)`` or as a cell's last expression).
    """
    reviews = check_reviews(reviews)
    if fig is None:
        fig = ChartFigure(figsize=DASHBOARD_SIZE, layout="constrained", facecolor="white")
    elif not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {type(fig).__name__}")
    elif fig.axes:
        raise ValueError("fig already has axes; pass an empty Figure or None")
    grid = fig.add_gridspec(3, 2, height_ratios=[1.0, 1.05, 1.05])
    plot_rating_distribution(reviews, ax=fig.add_subplot(grid[0, 0]))
    plot_language_mix(reviews, ax=fig.add_subplot(grid[0, 1]))
    plot_ratings_over_time(reviews, freq=freq, ax=fig.add_subplot(grid[1, :]), until=until)
    plot_trustscore_history(reviews, freq=freq, ax=fig.add_subplot(grid[2, 0]), until=until)
    plot_reply_stats(reviews, freq=freq, ax=fig.add_subplot(grid[2, 1]), until=until)
    score = analysis.trustscore(reviews)
    n = int(analysis.rating_distribution(reviews)["count"].sum())
    headline = f"{title or 'Reviews at a glance'}  \u00b7  {n:,} reviews"
    if score > 0:
        headline += (
            f"  \u00b7  TrustScore {score:.1f} ({analysis.trustscore_stars(score):g} {STAR})"
        )
    fig.suptitle(headline, x=0.01, ha="left", fontsize=15, fontweight="bold", color=INK)
    return fig
