"""Activity charts: how the business replies, and which languages reviewers write in."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tpnb import analysis
from tpnb.charts._style import (
    BRAND_GREEN,
    INK,
    STAR,
    STAR_COLOURS,
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
    percent,
    period_positions,
    set_titles,
    star_colour,
    style_axes,
)

#: Median reply times above this many hours are shown in days.
DAYS_ABOVE_HOURS = 72.0


def reply_time_unit(hours: np.ndarray) -> tuple[str, float]:
    """("hours", 1.0) or ("days", 24.0): the unit that keeps reply-time ticks readable."""
    finite = hours[~np.isnan(hours)]
    if finite.size and float(finite.max()) > DAYS_ABOVE_HOURS:
        return "days", 24.0
    return "hours", 1.0


def plot_reply_stats(
    reviews: pd.DataFrame,
    *,
    freq: str = "MS",
    ax: Axes | None = None,
    since: str | datetime | pd.Timestamp | None = None,
    until: str | datetime | pd.Timestamp | None = None,
) -> Axes:
    """Share of reviews replied to per period (bars) and the median reply time (line, twin axis).

    A period the reviews cover only in part (the current month, a quarter in progress) has a
    hatched bar, and the legend says "Partial period".

    Args:
        reviews: a review frame (public or private) with ``reply_text``/``reply_created_at``.
        freq: pandas offset alias of the periods: "W", "MS", "QS" or "YS".
        ax: Axes to draw on; by default a new figure is made.
        since: where the time range the reviews cover starts (``None``: where they start).
        until: where it ends (default: now).

    Returns:
        The Axes holding the reply-rate bars (:func:`tpnb.analysis.reply_stats` ``reply_rate``,
        periods without reviews as 0). The median reply time, in hours or in days when it runs
        past 72 hours, is on the twin axis ``ax.get_shared_x_axes().get_siblings(ax)``.
    """
    reviews = check_reviews(reviews)
    stats = analysis.reply_stats(reviews, freq=freq, since=since, until=until)
    ax = new_axes(ax, (8.0, 4.0))
    title = "Replies to reviews"
    if stats.empty or int(stats["reviews"].sum()) == 0:
        return empty_panel(ax, title)
    word = freq_word(freq)
    left, widths, centres = period_positions(analysis.period_starts(stats.index), freq)
    rates = stats["reply_rate"].to_numpy(dtype="float64", na_value=np.nan)
    partial = stats["partial"].to_numpy(dtype=bool)
    bars = ax.bar(
        left,
        np.nan_to_num(rates, nan=0.0),
        width=widths,
        align="edge",
        color=BRAND_GREEN,
        alpha=0.85,
        edgecolor="none",
    )
    mark_partial(bars, partial)
    ax.xaxis_date()
    date_axis(ax)
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set_ylabel(f"Share replied to (per {word})")
    style_axes(ax)

    hours = stats["median_reply_hours"].to_numpy(dtype="float64", na_value=np.nan)
    unit, divisor = reply_time_unit(hours)
    twin = ax.twinx()
    twin.plot(centres, hours / divisor, color=INK, linewidth=1.8, marker="o", markersize=4)
    finite = hours[~np.isnan(hours)] / divisor
    twin.set_ylim(0, max(1.0, float(finite.max()) * 1.15) if finite.size else 1.0)
    twin.yaxis.set_major_locator(MaxNLocator(nbins=6))
    twin.set_ylabel(f"Median reply time ({unit})")
    for side in ("top", "left", "bottom"):
        twin.spines[side].set_visible(False)
    twin.spines["right"].set_color("#B8B8B8")
    twin.tick_params(colors=INK, labelsize=9, length=3)
    handles = [
        Patch(color=BRAND_GREEN, alpha=0.85, label="Replied"),
        Line2D([], [], color=INK, marker="o", markersize=4, label=f"Median reply time ({unit})"),
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
    total, replied = int(stats["reviews"].sum()), int(stats["replied"].sum())
    set_titles(ax, title, f"{replied:,} of {total:,} replied to ({replied / total:.0%})")
    return ax


def plot_language_mix(reviews: pd.DataFrame, *, top: int = 8, ax: Axes | None = None) -> Axes:
    """Reviews per language as horizontal bars, coloured by that language's mean stars.

    Args:
        reviews: a review frame (public or private).
        top: how many languages to show; the rest are summed into one "other" bar.
        ax: Axes to draw on; by default a new figure is made.

    Returns:
        The Axes drawn on, largest language on top. Bar widths are
        :func:`tpnb.analysis.language_mix` counts; labels give count, share and mean stars.
    """
    reviews = check_reviews(reviews)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive int, got {top!r}")
    mix = analysis.language_mix(reviews).sort_values("count", ascending=False, kind="stable")
    ax = new_axes(ax, (6.4, 3.6))
    title = "Languages"
    total = int(mix["count"].sum())
    if total == 0:
        return empty_panel(ax, title)
    shown = mix.iloc[:top]
    names = [str(n) for n in shown.index]
    counts = [int(c) for c in shown["count"]]
    means = [float(m) for m in shown["mean_stars"].to_numpy(dtype="float64", na_value=np.nan)]
    rest = mix.iloc[top:]
    if len(rest):
        rest_n = int(rest["count"].sum())
        rest_means = rest["mean_stars"].to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(rest_means)
        weights = rest["count"].to_numpy(dtype="float64")[ok]
        names.append(f"other ({len(rest)})")
        counts.append(rest_n)
        means.append(
            float(np.average(rest_means[ok], weights=weights)) if weights.sum() else np.nan
        )
    y = np.arange(len(names))[::-1]
    bars = ax.barh(y, counts, height=0.68, color=[star_colour(m) for m in means], edgecolor="none")
    for bar, count, mean in zip(bars, counts, means, strict=True):
        stars = "" if mean != mean else f"  \u00b7  {mean:.1f} {STAR}"
        label_bar_end(ax, bar, f"{count:,}  ({count / total:.0%}){stars}")
    ax.set_yticks(y, names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlim(0, max(counts) * 1.45)
    count_axis(ax.xaxis)
    ax.set_xlabel("Reviews")
    style_axes(ax, grid_axis="x")
    ax.tick_params(axis="y", length=0, labelsize=10)
    legend = [
        Patch(color=STAR_COLOURS[s], label=f"{s} {STAR}")
        for s in sorted({int(min(5, max(1, np.floor(m + 0.5)))) for m in means if m == m})
    ]
    ax.legend(
        handles=legend,
        title="mean stars",
        title_fontsize=8,
        fontsize=8,
        loc="lower right",
        frameon=False,
    )
    set_titles(ax, title, f"{count_text(len(mix), 'language')} \u00b7 {count_text(total)}")
    return ax
