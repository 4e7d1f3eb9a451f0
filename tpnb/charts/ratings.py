"""Rating charts: the star distribution, ratings over time and the TrustScore history."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator

from tpnb import analysis
from tpnb.charts._style import (
    INK,
    MUTED,
    STAR,
    STAR_COLOURS,
    TRUSTSCORE_BANDS,
    VOLUME,
    band_of,
    check_reviews,
    count_axis,
    count_text,
    date_axis,
    empty_panel,
    freq_word,
    label_bar_end,
    mark_partial,
    new_axes,
    partial_handle,
    period_positions,
    set_titles,
    star_colour,
    style_axes,
)

WIDE = (8.0, 4.0)


def _date_range_text(starts: pd.DatetimeIndex) -> str:
    first, last = pd.Timestamp(starts.min()), pd.Timestamp(starts.max())
    return f"{first:%b %Y}" if first == last else f"{first:%b %Y} \u2013 {last:%b %Y}"


Moment = str | datetime | pd.Timestamp | None


def plot_rating_distribution(reviews: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of reviews per star rating, 5 stars on top, in Trustpilot's star colours.

    Args:
        reviews: a review frame (public or private), see :func:`tpnb.frames.review_frame`.
        ax: Axes to draw on; by default a new figure is made (``ax.figure`` to display it).

    Returns:
        The Axes drawn on. Bar widths are the counts of
        :func:`tpnb.analysis.rating_distribution`; each bar is labelled with count and share.
    """
    reviews = check_reviews(reviews)
    dist = analysis.rating_distribution(reviews)
    ax = new_axes(ax, (6.4, 3.4))
    title = "Rating distribution"
    total = int(dist["count"].sum())
    if total == 0:
        return empty_panel(ax, title)
    stars = [int(s) for s in dist.index]
    counts = dist["count"].to_numpy(dtype="int64")
    bars = ax.barh(
        stars, counts, height=0.68, color=[STAR_COLOURS[s] for s in stars], edgecolor="none"
    )
    for bar, count, share in zip(bars, counts, dist["share"], strict=True):
        label_bar_end(ax, bar, f"{int(count):,}  ({share:.0%})")
    ax.set_yticks(stars, [f"{s} {STAR}" for s in stars])
    ax.set_ylim(0.4, 5.6)
    ax.set_xlim(0, max(1, counts.max()) * 1.28)
    count_axis(ax.xaxis)
    ax.set_xlabel("Reviews")
    style_axes(ax, grid_axis="x")
    ax.tick_params(axis="y", length=0, labelsize=10)
    mean = float(np.dot(stars, counts) / total)
    set_titles(ax, title, f"{count_text(total)} \u00b7 average {mean:.1f} {STAR}")
    return ax


def plot_ratings_over_time(
    reviews: pd.DataFrame,
    *,
    freq: str = "MS",
    ax: Axes | None = None,
    since: Moment = None,
    until: Moment = None,
) -> Axes:
    """Review volume per period as bars, with mean stars as a line on a twin right axis.

    A period the reviews cover only in part (see :func:`tpnb.analysis.ratings_over_time`: the
    current month, a quarter in progress) has a hatched bar and a hollow marker, and the legend
    says "Partial period".

    Args:
        reviews: a review frame (public or private).
        freq: pandas offset alias of the periods: "W", "MS", "QS" or "YS".
        ax: Axes to draw on; by default a new figure is made.
        since: where the time range the reviews cover starts (``None``: where they start).
        until: where it ends (default: now).

    Returns:
        The Axes holding the volume bars (counts of :func:`tpnb.analysis.ratings_over_time`).
        The mean-stars line lives on its twin: ``ax.get_shared_x_axes().get_siblings(ax)``.
        Markers are coloured by the nearest star's colour.
    """
    reviews = check_reviews(reviews)
    rot = analysis.ratings_over_time(reviews, freq=freq, since=since, until=until)
    ax = new_axes(ax, WIDE)
    title = "Ratings over time"
    if rot.empty or int(rot["count"].sum()) == 0:
        return empty_panel(ax, title)
    word = freq_word(freq)
    left, widths, centres = period_positions(analysis.period_starts(rot.index), freq)
    counts = rot["count"].to_numpy(dtype="float64")
    partial = rot["partial"].to_numpy(dtype=bool)
    bars = ax.bar(left, counts, width=widths, align="edge", color=VOLUME, edgecolor="none")
    mark_partial(bars, partial)
    ax.xaxis_date()
    date_axis(ax)
    count_axis(ax.yaxis)
    ax.set_ylim(0, max(1.0, counts.max()) * 1.12)
    ax.set_ylabel(f"Reviews per {word}")
    style_axes(ax)

    means = rot["mean_stars"].to_numpy(dtype="float64", na_value=np.nan)
    twin = ax.twinx()
    dense = len(means) > 40
    twin.plot(centres, means, color=INK, linewidth=1.2 if dense else 1.8, zorder=3)
    ok = ~np.isnan(means)
    whole = ok & ~partial
    twin.scatter(
        centres[whole],
        means[whole],
        s=10 if dense else 26,
        c=[star_colour(v) for v in means[whole]],
        edgecolors=INK,
        linewidths=0.6,
        zorder=4,
    )
    part = ok & partial
    twin.scatter(
        centres[part],
        means[part],
        s=10 if dense else 26,
        c="white",
        edgecolors=INK,
        linewidths=0.8,
        zorder=4,
    )
    twin.set_ylim(0.8, 5.2)
    twin.yaxis.set_major_locator(FixedLocator([1, 2, 3, 4, 5]))
    twin.set_yticks([1, 2, 3, 4, 5], [f"{s} {STAR}" for s in range(1, 6)])
    twin.set_ylabel("Mean stars")
    for side in ("top", "left", "bottom"):
        twin.spines[side].set_visible(False)
    twin.spines["right"].set_color("#B8B8B8")
    twin.tick_params(colors=INK, labelsize=9, length=3)
    handles = [
        Patch(color=VOLUME, label=f"Reviews per {word}"),
        Line2D([], [], color=INK, marker="o", markersize=5, label="Mean stars"),
    ]
    if partial.any():
        handles.append(partial_handle())
    twin.legend(
        handles=handles,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=len(handles),
        frameon=False,
        fontsize=8.5,
        borderaxespad=0.2,
    )
    total = int(counts.sum())
    set_titles(
        ax,
        title,
        f"{count_text(total)} \u00b7 {_date_range_text(analysis.period_starts(rot.index))}",
    )
    return ax


def plot_trustscore_history(
    reviews: pd.DataFrame,
    *,
    freq: str = "MS",
    ax: Axes | None = None,
    since: Moment = None,
    until: Moment = None,
) -> Axes:
    """The TrustScore at the end of each period, over shaded bands of its star rating.

    The bands are Trustpilot's labels (Bad, Poor, Average, Great, Excellent) in the star colours,
    named on the right axis. Periods before the first counted review (TrustScore 0) are not drawn.
    The latest score is written to the right of the line's end, clear of the line; a partial
    last period (scored at ``until``) has a hollow marker and says "so far".

    Args:
        reviews: a review frame (public or private).
        freq: pandas offset alias of the periods: "W", "MS", "QS" or "YS".
        ax: Axes to draw on; by default a new figure is made.
        since: where the time range the reviews cover starts (``None``: where they start).
        until: where it ends (default: now).

    Returns:
        The Axes drawn on; its line is :func:`tpnb.analysis.trustscore_history`'s ``trust_score``.
    """
    reviews = check_reviews(reviews)
    hist = analysis.trustscore_history(reviews, freq=freq, since=since, until=until)
    ax = new_axes(ax, WIDE)
    title = "TrustScore history"
    scores = hist["trust_score"].to_numpy(dtype="float64", na_value=np.nan)
    scores = np.where(scores > 0, scores, np.nan)
    if np.isnan(scores).all():
        return empty_panel(ax, title)
    for _label, low, high, colour in TRUSTSCORE_BANDS:
        ax.axhspan(low, high, color=colour, alpha=0.16, linewidth=0, zorder=0)
    _left, _widths, centres = period_positions(analysis.period_starts(hist.index), freq)
    partial = hist["partial"].to_numpy(dtype=bool)
    ax.plot(centres, scores, color=INK, linewidth=2.0, marker="o", markersize=3.5, zorder=3)
    hollow = partial & ~np.isnan(scores)
    if hollow.any():
        ax.plot(
            centres[hollow], scores[hollow], linestyle="none", marker="o", markersize=5.5,
            markerfacecolor="white", markeredgecolor=INK, markeredgewidth=1.4, zorder=4,
        )  # fmt: skip
    ax.xaxis_date()
    date_axis(ax)
    ax.set_ylim(1.0, 5.0)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_ylabel("TrustScore")
    style_axes(ax, grid_axis="")
    bands = ax.secondary_yaxis("right")
    bands.set_yticks(
        [(low + high) / 2 for _l, low, high, _c in TRUSTSCORE_BANDS],
        [label for label, *_rest in TRUSTSCORE_BANDS],
    )
    bands.tick_params(length=0, labelsize=8.5, colors=MUTED)
    bands.spines["right"].set_visible(False)
    last = int(np.flatnonzero(~np.isnan(scores))[-1])
    score = float(scores[last])
    label, _colour = band_of(score)
    # room right of the line's end for the latest score, so the label never sits on the line
    drawn = centres[~np.isnan(scores)]
    span = float(drawn.max() - drawn.min()) or float(_widths[last]) * 4
    ax.set_xlim(float(drawn.min()) - span * 0.03, float(drawn.max()) + span * 0.09)
    ax.annotate(
        f"{score:.1f}",
        xy=(centres[last], score),
        xytext=(7, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=9,
        fontweight="bold",
        color=INK,
        bbox={
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
    )
    stars = analysis.trustscore_stars(score)
    counted = int(hist["reviews"].iloc[-1])
    so_far = f" ({hist.index[last]} so far)" if partial[last] else ""
    set_titles(
        ax,
        title,
        f"Latest {score:.1f}{so_far} \u00b7 {stars:g} {STAR} {label} \u00b7 "
        f"{count_text(counted)} to date",
    )
    return ax
