"""Charts of review frames (matplotlib, object API, no I/O).

Every ``plot_*`` takes a review DataFrame (from :func:`tpnb.frames.review_frame` or the client;
``plot_topics_over_time`` takes the result of :func:`tpnb.text.topic_groups`), gets its numbers
from :mod:`tpnb.analysis` or :mod:`tpnb.text`, draws on ``ax`` (or on a new figure when ``ax`` is
None) and returns the Axes. Nothing here calls pyplot or ``plt.show()``: figures are
:class:`ChartFigure` objects, so they are safe to build inside ipywidgets callbacks and are never
left open in pyplot's figure list.

Showing a chart in Jupyter (JupyterLab, Notebook 7, Voila, an ``Output`` widget, HTML export)::

    from tpnb.charts import plot_ratings_over_time
    ax = plot_ratings_over_time(reviews, freq="MS")
    ax.figure              # as the cell's last expression, or display(ax.figure)

To combine charts, pass your own axes (pyplot or object API)::

    from matplotlib.figure import Figure
    fig = Figure(figsize=(12, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_rating_distribution(reviews, ax=left)
    plot_language_mix(reviews, ax=right)

Save with ``ax.figure.savefig("ratings.png")``; :func:`figure_png` returns PNG bytes in memory.
Empty frames draw a "No reviews" panel instead of raising. A chart of a filtered selection
should say so: :func:`mark_selection` extends its title ("... of the 1,145 reviews selected").
"""

from __future__ import annotations

from tpnb.charts._style import (
    STAR_COLOURS,
    TRUSTSCORE_BANDS,
    ChartFigure,
    figure_png,
    mark_selection,
)
from tpnb.charts.activity import plot_language_mix, plot_reply_stats
from tpnb.charts.compare import METRICS, plot_comparison
from tpnb.charts.dashboard import plot_dashboard
from tpnb.charts.ratings import (
    plot_rating_distribution,
    plot_ratings_over_time,
    plot_trustscore_history,
)
from tpnb.charts.text import plot_key_phrases, plot_topics_over_time

__all__ = [
    "METRICS",
    "STAR_COLOURS",
    "TRUSTSCORE_BANDS",
    "ChartFigure",
    "figure_png",
    "mark_selection",
    "plot_comparison",
    "plot_dashboard",
    "plot_key_phrases",
    "plot_language_mix",
    "plot_rating_distribution",
    "plot_ratings_over_time",
    "plot_reply_stats",
    "plot_topics_over_time",
    "plot_trustscore_history",
]
