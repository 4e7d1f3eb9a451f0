"""Shared look of tpnb charts: Trustpilot colours, figures, formatters, bar labels, empty panel.

Figures are built with matplotlib's object API (:class:`ChartFigure`, a
:class:`matplotlib.figure.Figure`), never with pyplot: nothing is registered in pyplot's global
figure list, so charts are safe to draw from ipywidgets callbacks and nothing leaks.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

#: Trustpilot's colour for each star rating (1..5).
STAR_COLOURS: dict[int, str] = {
    1: "#FF3722",
    2: "#FF8622",
    3: "#FFCE00",
    4: "#73CF11",
    5: "#00B67A",
}

#: TrustScore bands as (label, lowest score, highest score, colour), worst first. A TrustScore maps
#: to stars by rounding to the nearest half star; 4.5 and 5 stars are "Excellent", 4 "Great",
#: 3 and 3.5 "Average", 2 and 2.5 "Poor", 1 and 1.5 "Bad".
TRUSTSCORE_BANDS: tuple[tuple[str, float, float, str], ...] = (
    ("Bad", 1.0, 1.75, STAR_COLOURS[1]),
    ("Poor", 1.75, 2.75, STAR_COLOURS[2]),
    ("Average", 2.75, 3.75, STAR_COLOURS[3]),
    ("Great", 3.75, 4.25, STAR_COLOURS[4]),
    ("Excellent", 4.25, 5.0, STAR_COLOURS[5]),
)

BRAND_GREEN = STAR_COLOURS[5]
INK = "#1C1C1C"  # lines, text
MUTED = "#6F6F87"  # secondary text
VOLUME = "#C9CDD6"  # neutral bars (review volume)
GRID = "#E5E5DD"
STAR = "\u2605"  # ★ (DejaVu Sans, matplotlib's default font, has the glyph)

TITLE_SIZE = 12.0
SUBTITLE_SIZE = 9.0

_FREQ_WORDS: dict[str, str] = {
    "D": "day",
    "W": "week",
    "MS": "month",
    "ME": "month",
    "M": "month",
    "QS": "quarter",
    "QE": "quarter",
    "Q": "quarter",
    "YS": "year",
    "YE": "year",
    "Y": "year",
}


class ChartFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter without pyplot.

    A figure made with the object API is not known to the notebook's inline backend, so plain
    ``display(fig)`` would print ``<Figure ...>``. This subclass adds ``_repr_png_`` (rendered at
    twice the resolution and displayed at its nominal size), which works in JupyterLab, Notebook 7,
    Voila, ipywidgets ``Output`` and HTML exports alike.
    """

    def _repr_png_(self) -> tuple[bytes, dict[str, int]]:
        png = figure_png(self, scale=2.0)
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        return png, {"width": width // 2, "height": height // 2}


def figure_png(fig: Figure, *, scale: float = 1.0, tight: bool = True) -> bytes:
    """Render a figure to PNG bytes (in memory, nothing written to disk).

    Args:
        fig: the figure to render.
        scale: resolution multiplier over the figure's own dpi (2.0 for high-dpi screens).
        tight: crop to the drawing's tight bounding box. ``False`` keeps the figure's own size,
            as its constrained layout fits it: measuring the crop is one more pass over every
            text of the figure, about a fifth of a drawing (what a widget redrawing on every
            change, or showing the first chart of a streamed load, saves).

    Returns:
        The PNG file's bytes.
    """
    buf = io.BytesIO()
    crop = "tight" if tight else None
    fig.savefig(buf, format="png", dpi=fig.dpi * scale, bbox_inches=crop, facecolor="white")
    return buf.getvalue()


def check_reviews(reviews: object, name: str = "reviews") -> pd.DataFrame:
    """Return ``reviews`` if it is a DataFrame, else raise a TypeError saying what is expected."""
    if not isinstance(reviews, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame of reviews (e.g. from tpnb.frames.review_frame "
            f"or Client.reviews), got {type(reviews).__name__}"
        )
    return reviews


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Return ``ax`` or a fresh Axes on a new :class:`ChartFigure`."""
    if ax is None:
        fig = ChartFigure(figsize=size, layout="constrained", facecolor="white")
        return fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def style_axes(ax: Axes, *, grid_axis: str = "y") -> None:
    """Apply the tpnb look: no top/right spines, light grid behind the data, soft tick labels."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#B8B8B8")
    ax.tick_params(colors=INK, labelsize=9, length=3)
    ax.set_axisbelow(True)
    if grid_axis:
        ax.grid(axis=grid_axis, color=GRID, linewidth=0.8)  # type: ignore[arg-type]


def set_titles(ax: Axes, title: str, subtitle: str | None = None) -> None:
    """Set a left-aligned bold title and an optional grey subtitle under it."""
    if subtitle:
        ax.set_title(title, loc="left", fontsize=TITLE_SIZE, fontweight="bold", color=INK, pad=20)
        ax.annotate(
            subtitle,
            xy=(0.0, 1.0),
            xycoords="axes fraction",
            xytext=(0, 6),
            textcoords="offset points",
            fontsize=SUBTITLE_SIZE,
            color=MUTED,
            va="bottom",
            ha="left",
            gid="tpnb-subtitle",
        )
    else:
        ax.set_title(title, loc="left", fontsize=TITLE_SIZE, fontweight="bold", color=INK, pad=8)


def count_text(count: int, noun: str = "review") -> str:
    """``"1 review"``, ``"1,145 reviews"``: a count with its noun, plural unless one."""
    return f"1 {noun}" if count == 1 else f"{count:,} {noun}s"


def mark_selection(ax: Axes, selected: int) -> None:
    """Say in a chart's title that it draws a selection, not all of a unit's reviews.

    ``"Rating distribution"`` becomes ``"Rating distribution of the 1,145 reviews selected"``,
    so a chart of filtered reviews is never read as the company's own figure.

    Args:
        ax: an Axes drawn by a ``plot_*`` function (its left title is extended).
        selected: how many reviews the chart draws.
    """
    has_subtitle = any(text.get_gid() == "tpnb-subtitle" for text in ax.texts)
    ax.set_title(
        f"{ax.get_title(loc='left')} of the {count_text(selected)} selected",
        loc="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=INK,
        pad=20 if has_subtitle else 8,
    )


def label_bar_end(ax: Axes, bar: Rectangle, text: str) -> None:
    """Write ``text`` just past the end of a horizontal bar, centred on it."""
    ax.annotate(
        text,
        xy=(bar.get_width(), bar.get_y() + bar.get_height() / 2),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        color=INK,
    )


def empty_panel(ax: Axes, title: str, message: str = "No reviews") -> Axes:
    """Turn ``ax`` into a readable "No reviews" panel that keeps the chart's title."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_facecolor("#F7F7F5")
    set_titles(ax, title)
    ax.text(
        0.5,
        0.55,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=16,
        fontweight="bold",
        color=MUTED,
        gid="tpnb-empty",
    )
    ax.text(
        0.5,
        0.38,
        "Nothing to chart for this selection.",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=9,
        color=MUTED,
    )
    return ax


def star_colour(value: float) -> str:
    """Colour of a star rating or mean stars: the nearest whole star, clamped to 1..5."""
    if value != value:  # NaN
        return VOLUME
    return STAR_COLOURS[int(min(5, max(1, np.floor(value + 0.5))))]


def band_of(score: float) -> tuple[str, str]:
    """(label, colour) of the TrustScore band a score falls in, e.g. (\"Excellent\", green)."""
    for label, low, high, colour in reversed(TRUSTSCORE_BANDS):
        if (score >= low or label == "Bad") and (score < high or label == "Excellent"):
            return label, colour
    raise AssertionError("unreachable")  # pragma: no cover


def freq_word(freq: str) -> str:
    """Human word for a pandas offset alias ("MS" -> "month"); "period" when unknown."""
    return _FREQ_WORDS.get(freq.lstrip("0123456789").split("-")[0], "period")


def thousands(value: float, _pos: object = None) -> str:
    """Tick formatter: 12345 -> "12,345"."""
    return f"{value:,.0f}"


def percent(value: float, _pos: object = None) -> str:
    """Tick formatter: 0.25 -> "25%"."""
    return f"{value:.0%}"


def count_axis(axis: Any) -> None:
    """Integer ticks with thousands separators on a matplotlib Axis."""
    axis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(FuncFormatter(thousands))


def date_axis(ax: Axes) -> None:
    """Concise, non-overlapping date ticks on the x axis."""
    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))  # type: ignore[no-untyped-call]


def period_positions(
    index: pd.Index | pd.Series, freq: str, *, fill: float = 0.8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bar geometry for a period index: (left edges, widths in days, centres) as matplotlib dates.

    Args:
        index: the period starts (UTC), e.g. the ``start`` column of a tpnb.analysis table.
        freq: the pandas offset alias the periods were built with.
        fill: share of each period the bar covers.
    """
    starts = pd.DatetimeIndex(index)
    if starts.tz is not None:
        starts = starts.tz_convert("UTC").tz_localize(None)
    ends = starts + pd.tseries.frequencies.to_offset(freq)
    days = np.asarray((ends - starts).total_seconds(), dtype="float64") / 86400.0
    nums = date2num(starts.to_pydatetime())  # type: ignore[no-untyped-call]
    left = np.asarray(nums, dtype="float64") + days * (1 - fill) / 2
    widths = days * fill
    return left, widths, left + widths / 2


#: the hatch of a period the data covers only in part (the current month, a quarter in progress)
PARTIAL_HATCH = "////"


def mark_partial(bars: Any, partial: np.ndarray) -> int:
    """Hatch the bars of partial periods (paler, outlined) so a short period is not read as a fall.

    Args:
        bars: the bar container of the periods, in order.
        partial: one bool per bar (``tpnb.analysis`` tables' ``partial`` column).

    Returns:
        How many bars were marked.
    """
    marked = 0
    for bar, is_partial in zip(bars, partial, strict=True):
        if is_partial:
            bar.set_hatch(PARTIAL_HATCH)
            bar.set_alpha(0.55)
            bar.set_edgecolor(MUTED)
            bar.set_linewidth(0.6)
            marked += 1
    return marked


def partial_handle() -> Patch:
    """The legend entry of hatched partial periods."""
    return Patch(
        facecolor="white", edgecolor=MUTED, hatch=PARTIAL_HATCH, linewidth=0.6,
        label="Partial period",
    )  # fmt: skip
