"""Dashboard and app(): finder, explorer and charts linked in one layout (a Voila app)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from tpnb.widgets._base import FrameTrait, is_demo, style_widget
from tpnb.widgets.explorer import ReviewExplorer
from tpnb.widgets.finder import BusinessUnitFinder
from tpnb.widgets.phrases import PhraseView
from tpnb.widgets.ratings import RatingCharts
from tpnb.widgets.render import demo_badge_html

__all__ = ["Dashboard", "app"]


class Dashboard(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """A business-unit finder, a review explorer and rating charts, linked.

    Choosing a unit in the finder loads its reviews into the explorer; the charts follow the
    explorer's selection (``value``), so filtering to 1-star reviews in German redraws the charts
    for exactly those reviews. A big unit streams in: its card, newest reviews and a first chart
    show with its first page, and the rest follows behind one progress display (see
    :class:`ReviewExplorer`); choosing another unit meanwhile cancels that load.

    Attributes:
        finder: the :class:`BusinessUnitFinder`.
        explorer: the :class:`ReviewExplorer`.
        charts: the :class:`RatingCharts`.
        phrases: the "What people say" :class:`~tpnb.widgets.phrases.PhraseView` (key phrases of
            the selection's low and high ratings; a click lists the reviews using a phrase).
        value: the explorer's current selection (a DataFrame).

    Args:
        client: a :class:`tpnb.Client`; by default :func:`tpnb.connect` (demo data from the
            embedded emulator when no credentials are set).
        query: a domain or name to look up at once.
        timezone: the timezone dates are shown in.
        progress: show progress bars while loading.
        export_dir: a folder where the explorer also saves a copy of each export (default: none;
            exports are browser downloads).
        suggestions: business units offered as cards before a search (see
            :class:`BusinessUnitFinder`; default: the demo's units in demo mode).
        background: passed to :class:`ReviewExplorer` (load in a background thread; default:
            in a Jupyter kernel, as under Voila).
        update_every: passed to :class:`ReviewExplorer` (seconds between two refreshes of
            the table and charts while a unit's reviews stream in).
    """

    value = FrameTrait()

    def __init__(
        self,
        client: Any = None,
        *,
        query: str = "",
        timezone: str = "UTC",
        progress: bool = True,
        export_dir: str | None = None,
        suggestions: pd.DataFrame | None = None,
        background: bool | None = None,
        update_every: float = 1.0,
        **kwargs: Any,
    ) -> None:
        if client is None:
            from tpnb.client import connect

            client = connect()
        self.client = client
        self.explorer = ReviewExplorer(
            client,
            timezone=timezone,
            progress=progress,
            export_dir=export_dir,
            badge=False,
            background=background,
            update_every=update_every,
        )
        self.charts = RatingCharts(self.explorer.value, size=(9.6, 3.0), defer=0.05)
        self.finder = BusinessUnitFinder(client, badge=False, suggestions=suggestions)
        self.phrases = PhraseView.follow(self.explorer)
        demo = demo_badge_html() if is_demo(client) else ""
        header = w.HTML(
            '<div style="display:flex;align-items:center;gap:12px">'
            '<span class="tpnb-title">Trustpilot reviews</span>'
            f"{demo}</div>"
        )
        header.add_class("tpnb-header")
        # the charts sit between the explorer's filters and its table: filters drive both
        self.explorer.extra.children = [self.charts, self.phrases]
        self.charts.layout.margin = "10px 0"
        self.charts.dates.layout.display = "none"  # the explorer's date filter applies already
        self.explorer.add_class("tpnb-panel")
        self.finder.add_class("tpnb-panel")
        self.explorer.layout.display = "none"  # until a business unit is chosen
        super().__init__([style_widget(), header, self.finder, self.explorer], **kwargs)
        self.layout.width = "100%"
        self.add_class("tpnb-root")
        self.add_class("tpnb-dashboard")
        self.finder.observe(self._on_unit, names="value")
        traitlets.dlink((self.explorer, "reviews"), (self.charts, "population"))
        traitlets.dlink((self.explorer, "loading"), (self.charts, "loading"))
        traitlets.dlink((self.explorer, "value"), (self.charts, "value"))
        traitlets.dlink((self.explorer, "value"), (self, "value"))
        if query:
            self.finder.search(query)

    def __repr__(self) -> str:
        # the text/plain a saved notebook keeps beside the widget (what shows before it runs)
        unit = self.explorer.label or "no business unit chosen yet"
        return f"tpnb dashboard: Trustpilot reviews ({unit}); run the notebook to use it"

    def _on_unit(self, change: dict[str, Any]) -> None:
        unit = self.finder.business_unit
        if unit is not None:
            name = unit.get("display_name")
            self.explorer.label = "" if name is None or pd.isna(name) else str(name)
            count = unit.get("number_of_reviews")
            self.explorer.expected_reviews = 0 if count is None or pd.isna(count) else int(count)
        self.explorer.layout.display = "flex"
        self.explorer.business_unit = change["new"]


def app(client: Any = None, **kwargs: Any) -> Dashboard:
    """The tpnb dashboard, ready for ``display()`` or as a Voila notebook's last cell.

    Args:
        client: a :class:`tpnb.Client`; by default :func:`tpnb.connect`.
        **kwargs: passed to :class:`Dashboard` (``query``, ``timezone``, ``progress``...).
    """
    return Dashboard(client, **kwargs)
