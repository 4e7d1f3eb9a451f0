"""ipywidgets for exploring Trustpilot reviews in JupyterLab, Notebook 7 and Voila.

::

    import tpnb
    from tpnb.widgets import app
    app()                                   # finder + explorer + charts, linked (demo data without credentials)

    from tpnb.widgets import BusinessUnitFinder, ReviewExplorer, RatingCharts
    tp = tpnb.connect()
    finder = BusinessUnitFinder(tp)         # .value: the chosen business unit id
    explorer = ReviewExplorer(tp)           # .value: the filtered selection (a DataFrame)
    charts = RatingCharts()                 # .value: the frame it charts
    traitlets.dlink((finder, "value"), (explorer, "business_unit"))
    traitlets.dlink((explorer, "value"), (charts, "value"))
    phrases = PhraseView.follow(explorer)   # "What people say": click a phrase to list its reviews

Widgets never make HTTP requests themselves: they call the client. The pure filtering logic is
in :mod:`tpnb.widgets.filtering` and the HTML in :mod:`tpnb.widgets.render`.
"""

from __future__ import annotations

from tpnb.widgets.dashboard import Dashboard, app
from tpnb.widgets.explorer import ReviewExplorer
from tpnb.widgets.filtering import ReviewFilter, ReviewIndex, filter_reviews
from tpnb.widgets.finder import BusinessUnitFinder
from tpnb.widgets.phrases import PhraseView
from tpnb.widgets.ratings import RatingCharts

__all__ = [
    "BusinessUnitFinder",
    "Dashboard",
    "PhraseView",
    "RatingCharts",
    "ReviewExplorer",
    "ReviewFilter",
    "ReviewIndex",
    "app",
    "filter_reviews",
]
