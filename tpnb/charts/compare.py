"""Comparison of several business units on one metric."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from tpnb import analysis
from tpnb.charts._style import (
    BRAND_GREEN,
    STAR,
    band_of,
    count_axis,
    empty_panel,
    label_bar_end,
    new_axes,
    percent,
    set_titles,
    star_colour,
    style_axes,
)

#: metric -> (axis label, value label formatter, axis upper bound or None for data-driven)
METRICS: dict[str, tuple[str, Callable[[float], str], float | None]] = {
    "trust_score": ("TrustScore", lambda v: f"{v:.1f}", 5.0),
    "mean_stars": ("Mean stars", lambda v: f"{v:.2f} {STAR}", 5.0),
    "stars": ("TrustScore stars", lambda v: f"{v:g} {STAR}", 5.0),
    "reviews": ("Reviews", lambda v: f"{v:,.0f}", None),
    "share_5_star": ("Share of 5-star reviews", lambda v: f"{v:.0%}", 1.0),
    "share_1_star": ("Share of 1-star reviews", lambda v: f"{v:.0%}", 1.0),
    "reply_rate": ("Reviews replied to", lambda v: f"{v:.0%}", 1.0),
    "median_reply_hours": ("Median reply time (hours)", lambda v: f"{v:,.1f} h", None),
}


def _compare_frame(data: Mapping[str, pd.DataFrame] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        missing = sorted(set(METRICS) - set(data.columns))
        if missing:
            raise ValueError(
                "plot_comparison needs a mapping {unit name: review frame} or a frame from "
                f"tpnb.analysis.compare(); this DataFrame lacks columns {missing}"
            )
        return data
    if isinstance(data, Mapping):
        bad = [k for k, v in data.items() if not isinstance(v, pd.DataFrame)]
        if bad:
            raise TypeError(f"frames_by_unit values must be review DataFrames; not for {bad!r}")
        table: pd.DataFrame = analysis.compare(data)
        return table
    raise TypeError(
        "plot_comparison takes a mapping {unit name: review frame} or a tpnb.analysis.compare() "
        f"frame, got {type(data).__name__}"
    )


def plot_comparison(
    data: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    metric: str = "trust_score",
    ax: Axes | None = None,
) -> Axes:
    """Compare business units on one metric as horizontal bars, best (largest) on top.

    Args:
        data: ``{unit name: review frame}`` (passed to :func:`tpnb.analysis.compare`) or a frame
            that ``compare`` returned.
        metric: a column of ``compare``'s result: "trust_score", "mean_stars", "stars", "reviews",
            "share_5_star", "share_1_star", "reply_rate" or "median_reply_hours". Star metrics
            are coloured in Trustpilot's star colours (TrustScore by its band), the others in
            Trustpilot green.
        ax: Axes to draw on; by default a new figure is made, taller with more units.

    Returns:
        The Axes drawn on; bar widths are the metric's values (a unit without reviews is labelled
        "no reviews", a missing value "n/a", both with a zero-width bar).
    """
    if metric not in METRICS:
        raise ValueError(f"metric {metric!r} is not one of {sorted(METRICS)}")
    table = _compare_frame(data)
    label, fmt, upper = METRICS[metric]
    ax = new_axes(ax, (7.0, max(2.6, 1.4 + 0.45 * len(table))))
    title = f"Comparison: {label.lower() if metric != 'trust_score' else label}"
    if table.empty or int(pd.to_numeric(table["reviews"]).fillna(0).sum()) == 0:
        return empty_panel(ax, title)
    values = pd.to_numeric(table[metric], errors="coerce").astype("float64")
    order = values.fillna(-np.inf).sort_values(ascending=True, kind="stable").index
    values = values.loc[order]
    names = [str(n) for n in order]
    heights = [float(v) for v in values.to_numpy(dtype="float64", na_value=np.nan)]
    if metric == "trust_score":
        colours = [band_of(v)[1] if v == v and v > 0 else "#C9CDD6" for v in heights]
    elif metric in ("mean_stars", "stars"):
        colours = [star_colour(v) for v in heights]
    else:
        colours = [BRAND_GREEN] * len(heights)
    y = np.arange(len(names))
    bars = ax.barh(y, np.nan_to_num(heights, nan=0.0), height=0.62, color=colours)
    finite = [v for v in heights if v == v]
    top = upper if upper is not None else (max(finite) if finite else 1.0)
    ax.set_xlim(0, max(top, 1e-9) * 1.18)
    counts = pd.to_numeric(table["reviews"], errors="coerce").loc[order].fillna(0)
    for bar, value, count in zip(bars, heights, counts, strict=True):
        text = "no reviews" if count == 0 else "n/a" if value != value else fmt(value)
        if count == 0:
            bar.set_width(0.0)
        label_bar_end(ax, bar, text)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    if metric in ("trust_score", "mean_stars", "stars"):
        ax.set_xticks([0, 1, 2, 3, 4, 5])
    elif upper == 1.0:
        ax.xaxis.set_major_formatter(FuncFormatter(percent))
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    else:
        count_axis(ax.xaxis)
    ax.set_xlabel(label)
    style_axes(ax, grid_axis="x")
    ax.tick_params(axis="y", length=0, labelsize=10)
    set_titles(ax, title, f"{len(names)} business units")
    return ax
