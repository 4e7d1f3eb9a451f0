"""What people say: the phrases of low against high ratings, and topics over time."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from tpnb import analysis, text
from tpnb.charts._style import (
    INK,
    MUTED,
    STAR,
    STAR_COLOURS,
    check_reviews,
    date_axis,
    empty_panel,
    new_axes,
    percent,
    period_positions,
    set_titles,
    style_axes,
)

#: Longest phrase or topic label shown in full; longer ones are cut at a word with an ellipsis.
LABEL_CHARS = 30
LEGEND_CHARS = 44
#: Line colours of topics (matplotlib's "tab10", colour-blind friendlier than random picks).
TOPIC_COLOURS = (
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD",
    "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF",
)  # fmt: skip
LOW_COLOUR = STAR_COLOURS[1]
HIGH_COLOUR = STAR_COLOURS[5]


def shorten(label: str, limit: int = LABEL_CHARS) -> str:
    """``label`` if it fits in ``limit`` characters, else cut at a word boundary plus "…"."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ·,") + "\u2026"


def _stars_text(stars: Iterable[int]) -> str:
    values = list(stars)
    return f"{values[0]}\u2013{values[-1]} {STAR}"


def plot_key_phrases(
    reviews: pd.DataFrame,
    *,
    n: int = 8,
    language: str | None = None,
    min_support: int = text.DEFAULT_MIN_SUPPORT,
    min_z: float = text.DEFAULT_MIN_Z,
    keep_words: Iterable[str] = (),
    ax: Axes | None = None,
) -> Axes:
    """Diverging bars: the phrases that lean most to low ratings (top) and to high ratings.

    Each phrase gets two bars: to the left the share of 1-2 star reviews that use it, to the right
    the share of 4-5 star reviews, each labelled with its number of reviews. Phrases are chosen by
    :func:`tpnb.text.top_phrases` (strongest smoothed log odds ratio first, ``|z| >= min_z``, no
    phrase inside another) from :func:`tpnb.text.key_phrases`.

    Args:
        reviews: a review frame with ``title``, ``text``, ``language`` and ``stars``.
        n: at most this many phrases per side.
        language: the language to show; None for the one with the most reviews.
        min_support: the fewest reviews that must use a phrase (see ``key_phrases``).
        min_z: the weakest lean shown (see ``top_phrases``).
        keep_words: words that may edge a phrase although they are stop words.
        ax: Axes to draw on; by default a new figure is made (``ax.figure`` to display it).

    Returns:
        The Axes drawn on: ``2 * phrases`` horizontal bars, the phrases as y tick labels under
        two bold section headings.
    """
    reviews = check_reviews(reviews)
    title = "What people say in low and high ratings"
    if language is None:
        mix = analysis.language_mix(reviews)
        language = str(mix.index[0]) if len(mix) else None
    phrases = text.key_phrases(
        reviews, min_support=min_support, languages=language, keep_words=keep_words
    )
    low = text.top_phrases(phrases, side="low", n=n, min_z=min_z, language=language)
    high = text.top_phrases(phrases, side="high", n=n, min_z=min_z, language=language)
    rows = len(low) + len(high)
    ax = new_axes(ax, (8.0, 1.6 + 0.3 * (rows + 2)))
    codes = reviews["language"].astype("string")
    chosen_rows = codes.isna() if language is None else codes == language
    mine = reviews[chosen_rows.fillna(False).to_numpy(dtype=bool)]
    if len(mine) == 0:
        return empty_panel(ax, title)
    if rows == 0:
        return empty_panel(ax, title, "No phrase stands out")

    stars = pd.to_numeric(mine["stars"], errors="coerce")
    n_low = int(stars.isin(text.LOW_STARS).sum())
    n_high = int(stars.isin(text.HIGH_STARS).sum())
    low_words, high_words = _stars_text(text.LOW_STARS), _stars_text(text.HIGH_STARS)
    labels: list[str] = []  # y tick labels: a heading, its phrases, the other heading...
    colours: list[str] = []
    positions: list[float] = []
    bar_y: list[float] = []
    shown: list[pd.Series] = []
    y = 0.0
    for heading, side_rows, colour in (
        (f"More in {low_words} reviews", low, LOW_COLOUR),
        (f"More in {high_words} reviews", high, HIGH_COLOUR),
    ):
        if side_rows.empty:
            continue
        positions.append(y)
        labels.append(heading)
        colours.append(colour)
        y += 1
        for _index, row in side_rows.iterrows():
            positions.append(y)
            bar_y.append(y)
            labels.append(shorten(str(row["phrase"])))
            colours.append(INK)
            shown.append(row)
            y += 1
        y += 0.4
    low_share = np.array([float(row["low_share"]) for row in shown])
    high_share = np.array([float(row["high_share"]) for row in shown])
    low_bars = ax.barh(bar_y, -low_share, height=0.66, color=LOW_COLOUR, edgecolor="none")
    high_bars = ax.barh(bar_y, high_share, height=0.66, color=HIGH_COLOUR, edgecolor="none")
    for bar, row in zip(low_bars, shown, strict=True):
        _count_label(ax, bar, int(row["low_count"]), left=True)
    for bar, row in zip(high_bars, shown, strict=True):
        _count_label(ax, bar, int(row["high_count"]), left=False)

    widest = float(max(low_share.max(initial=0.0), high_share.max(initial=0.0), 0.01))
    ax.set_xlim(-widest * 1.3, widest * 1.3)
    ax.set_ylim(y - 0.4 - 0.6, -0.8)
    ax.set_yticks(positions, labels)
    ax.axvline(0, color="#B8B8B8", linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: percent(abs(v))))
    ax.set_xlabel(
        f"\u2190 of the {n_low:,} reviews with {low_words}        "
        f"of the {n_high:,} reviews with {high_words} \u2192\n"
        "bars: share of the reviews using the phrase; labels: their number",
        color=INK,
    )
    style_axes(ax, grid_axis="x")
    ax.tick_params(axis="y", length=0, labelsize=9.5)
    for tick, colour in zip(ax.get_yticklabels(), colours, strict=True):
        tick.set_color(colour)
        if colour != INK:
            tick.set_fontweight("bold")
    total = len(mine)
    set_titles(
        ax,
        title,
        f"{language} \u00b7 {total:,} reviews \u00b7 phrases used by \u2265 {min_support} reviews",
    )
    return ax


def _count_label(ax: Axes, bar: object, count: int, *, left: bool) -> None:
    from matplotlib.patches import Rectangle

    assert isinstance(bar, Rectangle)
    x, width = bar.get_x(), bar.get_width()
    end = min(x, x + width) if left else max(x, x + width)
    ax.annotate(
        f"{count:,}",
        xy=(end, bar.get_y() + bar.get_height() / 2),
        xytext=(-4 if left else 4, 0),
        textcoords="offset points",
        ha="right" if left else "left",
        va="center",
        fontsize=8.5,
        color=MUTED,
    )


def plot_topics_over_time(groups: text.TopicGroups, *, ax: Axes | None = None) -> Axes:
    """Each topic's share of the reviews per period, one line per topic.

    Args:
        groups: the result of :func:`tpnb.text.topic_groups` (its ``over_time`` and ``topics``).
        ax: Axes to draw on; by default a new figure is made.

    Returns:
        The Axes drawn on: one line per topic, labelled in the legend with the topic's label
        (shortened) and its mean stars.
    """
    if not isinstance(groups, text.TopicGroups):
        raise TypeError(
            "groups must be the TopicGroups of tpnb.text.topic_groups(reviews), "
            f"got {type(groups).__name__}"
        )
    ax = new_axes(ax, (10.0, 4.2))
    title = "Topics over time"
    over_time = groups.over_time
    if over_time.empty or groups.topics.empty:
        return empty_panel(ax, title)
    freq = text.PERIODS[groups.period]
    periods = pd.DatetimeIndex(over_time["period"].drop_duplicates().sort_values())
    _left, _widths, centres = period_positions(periods, freq)
    where = {int(p): i for i, p in enumerate(periods.asi8)}
    highest = 0.0
    for _index, topic in groups.topics.iterrows():
        number = int(topic["topic"])
        rows = over_time[over_time["topic"] == number]
        x = centres[[where[int(p)] for p in pd.DatetimeIndex(rows["period"]).asi8]]
        shares = rows["share"].to_numpy(dtype="float64", na_value=np.nan)
        mean = float(topic["mean_stars"])
        stars = "" if mean != mean else f"  ({mean:.1f} {STAR})"
        ax.plot(
            x,
            shares,
            color=TOPIC_COLOURS[number % len(TOPIC_COLOURS)],
            linewidth=1.8,
            marker="o" if len(x) <= 30 else None,
            markersize=3,
            label=shorten(str(topic["label"]), LEGEND_CHARS) + stars,
        )
        if np.isfinite(shares).any():
            highest = max(highest, float(np.nanmax(shares)))
    ax.xaxis_date()
    date_axis(ax)
    ax.set_ylim(0, max(0.05, highest * 1.12))
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set_ylabel(f"Share of the {groups.period}'s reviews")
    style_axes(ax)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=8.5,
        title="topic (mean stars)",
        title_fontsize=8.5,
        alignment="left",
    )
    reviews = int(groups.assignments.shape[0])
    set_titles(
        ax,
        title,
        f"{groups.language} \u00b7 {reviews:,} reviews \u00b7 {len(groups.topics)} topics "
        f"(NMF of TF-IDF phrases) \u00b7 per {groups.period}",
    )
    return ax
