"""RatingCharts: the tpnb.charts plots of a review frame, with chart, period and date controls."""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tpnb import charts
from tpnb.frames import review_frame
from tpnb.widgets._base import FrameTrait, MessageArea, background, guarded, style_widget
from tpnb.widgets.controls import date_box, read_day
from tpnb.widgets.filtering import ReviewFilter, ReviewIndex

__all__ = ["CHARTS", "PERIODS", "RatingCharts"]


def _with_freq(plot: Callable[..., Axes]) -> Callable[[pd.DataFrame, str, Axes], Axes]:
    return lambda reviews, freq, ax: plot(reviews, freq=freq, ax=ax)


def _without_freq(plot: Callable[..., Axes]) -> Callable[[pd.DataFrame, str, Axes], Axes]:
    return lambda reviews, _freq, ax: plot(reviews, ax=ax)


#: chart key -> (label, draw(reviews, freq, ax), uses the period control)
CHARTS: dict[str, tuple[str, Callable[[pd.DataFrame, str, Axes], Axes], bool]] = {
    "over_time": ("Ratings over time", _with_freq(charts.plot_ratings_over_time), True),
    "distribution": ("Rating distribution", _without_freq(charts.plot_rating_distribution), False),
    "trustscore": ("TrustScore history", _with_freq(charts.plot_trustscore_history), True),
    "replies": ("Replies", _with_freq(charts.plot_reply_stats), True),
    "languages": ("Languages", _without_freq(charts.plot_language_mix), False),
}
#: period label -> pandas offset alias
PERIODS: dict[str, str] = {"Week": "W", "Month": "MS", "Quarter": "QS"}


class RatingCharts(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Charts of a review frame that redraw whenever the frame or a control changes.

    Link it to an explorer's selection with
    ``traitlets.dlink((explorer, "value"), (rating_charts, "value"))``.

    Attributes:
        value: the review frame charted.
        population: all the reviews ``value`` was selected from (e.g. the explorer's loaded
            reviews); empty when unknown. When ``value`` is a smaller selection, each chart's
            title says "of the N reviews selected", and the TrustScore history is drawn from
            the whole population (a TrustScore is the company's, whatever the filters).
        loading: True while the reviews are being loaded: the chart gives way to a
            "Loading..." line (not a "No reviews" panel); set back to False, it redraws.
        figure: the last figure drawn (a matplotlib ``Figure``, object API, never pyplot);
            it is shown as a PNG in the ``image`` widget.
        draws: how many times a chart was drawn.

    Args:
        reviews: the review frame to chart first.
        chart: a key of :data:`CHARTS`.
        period: a key of :data:`PERIODS`.
        size: figure size in inches.
        defer: redraw this many seconds after the last change, on a background thread,
            instead of inside the change's callback (``None``). Quick successive changes then
            draw once, the callback returns at once, and JupyterLab 4.6 with ipykernel 7 (widget
            comms on a subshell) no longer drops the new chart, which it does now and then when
            the chart is sent at the end of a callback. :meth:`wait` waits for the drawing.
    """

    value = FrameTrait()
    population = FrameTrait()
    loading = traitlets.Bool(False)

    def __init__(
        self,
        reviews: pd.DataFrame | None = None,
        *,
        chart: str = "over_time",
        period: str = "Month",
        size: tuple[float, float] = (7.0, 3.6),
        defer: float | None = None,
        **kwargs: Any,
    ) -> None:
        if chart not in CHARTS:
            raise ValueError(f"unknown chart {chart!r}; allowed: {', '.join(CHARTS)}")
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}; allowed: {', '.join(PERIODS)}")
        self.size = size
        self.defer = defer
        self._timer: threading.Timer | None = None
        self._timer_lock = threading.Lock()
        self._draw_lock = threading.RLock()
        self.figure: Figure | None = None
        self.draws = 0
        self._drawn_state: tuple[Any, ...] | None = None
        self.chart = w.Dropdown(
            options=[(label, key) for key, (label, _draw, _p) in CHARTS.items()],
            value=chart,
            layout=w.Layout(width="190px"),
        )
        self.chart.add_class("tpnb-chart-type")
        self.period = w.ToggleButtons(options=list(PERIODS), value=period)
        self.period.style.button_width = "72px"
        self.period.add_class("tpnb-chart-period")
        self.since = date_box("From", "tpnb-chart-since", width="165px", label_width="40px")
        self.until = date_box("to", "tpnb-chart-until", width="145px", label_width="22px")
        self.messages = MessageArea()
        # an Image widget, not an Output: in JupyterLab 4.6 with ipykernel 7 (comms on a
        # subshell thread) an Output widget updated from a callback sometimes keeps showing the
        # previous chart, both with `with output: display(fig)` and with `output.outputs = ...`
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
        self.image.add_class("tpnb-chart-output")
        controls = w.HBox(
            [self.chart, self.period], layout=w.Layout(flex_flow="row wrap", align_items="center")
        )
        dates = w.HBox(
            [self.since, self.until], layout=w.Layout(flex_flow="row wrap", align_items="center")
        )
        controls.add_class("tpnb-gap")
        dates.add_class("tpnb-gap")
        self.dates = dates
        super().__init__([style_widget(), controls, dates, self.messages, self.image], **kwargs)
        self.add_class("tpnb-root")
        self.add_class("tpnb-charts")
        for control in (self.chart, self.period, self.since, self.until):
            control.observe(self._redraw, names="value")
        self.population = review_frame([])  # unknown until linked (before the observers)
        self.observe(self._redraw, names=["value", "population"])
        self.observe(self._on_loading, names="loading")
        self.value = reviews if reviews is not None else review_frame([])

    def __repr__(self) -> str:
        # the text/plain a saved notebook keeps beside the widget (what shows before it runs)
        label = CHARTS[self.chart.value][0]
        frame = self._trait_values.get("value")  # unset while __init__ runs
        count = 0 if frame is None else len(frame)
        return f"tpnb rating charts: {label} of {count:,} reviews; run the notebook to use it"

    def _on_loading(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.image.layout.display = "none"
            self.messages.show("Loading the reviews\u2026", "info")
        else:
            # the image comes back with the new drawing, not before; drawn at once in the
            # thread that ended the loading (a streaming load's: its next pages wait meanwhile,
            # so the first chart is not queued behind them)
            self._draw_now()

    def _draw_now(self) -> None:
        with self._timer_lock:  # a redraw scheduled before would draw the same again
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        with self._draw_lock:
            self.redraw()

    def _drawing_state(self) -> tuple[Any, ...]:
        """What a drawing shows: the frames (by identity) and the controls' values."""
        controls = (self.chart.value, self.period.value, self.since.value, self.until.value)
        return (self.value, self.population, *controls)

    def _drawn_already(self) -> bool:
        """Whether the last drawing shows the current state (a redraw would change nothing)."""
        drawn = self._drawn_state
        now = self._drawing_state()
        return (
            drawn is not None and drawn[0] is now[0] and drawn[1] is now[1] and drawn[2:] == now[2:]
        )

    def _redraw(self, _change: Any = None) -> None:
        if self.loading:
            return
        if self.defer is None:
            self.redraw()
            return
        with self._timer_lock:  # coalesce quick changes into one redraw, off the callback
            if self._timer is not None:
                self._timer.cancel()
            self._timer = background(threading.Timer(self.defer, self._draw_in_background))
            self._timer.daemon = True
            self._timer.start()

    def _draw_in_background(self) -> None:
        with self._draw_lock:  # one drawing at a time: the last one scheduled wins
            if not self.loading and not self._drawn_already():
                self.redraw()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until a deferred redraw (see ``defer``) has finished."""
        with self._timer_lock:
            timer = self._timer
        if timer is not None:
            timer.join(timeout)
        with self._draw_lock:
            pass

    @property
    def freq(self) -> str:
        """The pandas offset alias of the chosen period."""
        return PERIODS[self.period.value]

    def charted(self, reviews: pd.DataFrame | None = None) -> pd.DataFrame:
        """The reviews drawn: ``reviews`` (default :attr:`value`) in the chosen date range."""
        since = read_day(self.since.value, "From")
        until = read_day(self.until.value, "To")
        frame: pd.DataFrame = self.value if reviews is None else reviews
        if (since is None and until is None) or frame.empty:
            return frame
        return ReviewIndex(frame).frame(ReviewFilter(since=since, until=until, sort="oldest"))

    @property
    def is_selection(self) -> bool:
        """Whether :attr:`value` is a strict subset of :attr:`population` (filters applied)."""
        return len(self.population) > 0 and len(self.value) < len(self.population)

    @guarded
    def redraw(self) -> Figure | None:
        """Draw the chosen chart of :attr:`value` into the output (object API, no pyplot)."""
        _label, draw, uses_period = CHARTS[self.chart.value]
        self._drawn_state = self._drawing_state()
        self.period.disabled = not uses_period
        selection = self.is_selection
        fig = charts.ChartFigure(figsize=self.size, layout="constrained", facecolor="white")
        self.messages.clear()
        if self.chart.value == "trustscore" and selection:
            everyone = self.charted(self.population)
            draw(everyone, self.freq, fig.add_subplot())
            self.messages.show(
                f"The TrustScore is the company's: this history counts all {len(everyone):,} "
                "reviews, whatever the filters.",
                "info",
            )
        else:
            reviews = self.charted()
            ax = draw(reviews, self.freq, fig.add_subplot())
            if selection:
                charts.mark_selection(ax, len(reviews))
        png = charts.figure_png(fig, scale=2.0, tight=False)  # shown at half: sharp on HiDPI
        width, _height = struct.unpack(">II", png[16:24])  # the PNG's IHDR chunk
        self.image.width = str(width // 2)
        self.image.value = png
        self.image.layout.display = ""
        self.figure = fig
        self.draws += 1
        return fig
