"""LoadProgress: the one progress display of a widget that loads reviews through the client.

The client's list methods draw a tqdm bar when asked to (``progress=True``); inside a widget that
bar is a second, rawer display (``reviews: 18/?``) under the widget's own. So widgets ask the
client for no bar and show this one instead: a message, a bar and a count that follow the
client's request counters (``client.stats``), against the total the caller knows (a business
unit's review count), or an indeterminate bar when no total is known.
"""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w

__all__ = ["PAGE_SIZE", "LoadProgress"]

#: reviews per page the client asks for (the API's maximum): one request, about this many reviews
PAGE_SIZE = 100
#: seconds between two looks at the client's counters while loading
POLL_SECONDS = 0.25


def _pages_answered(client: Any) -> int | None:
    """Requests the client has had answered so far (network, cache or 304), or None if unknown."""
    stats = getattr(client, "stats", None)
    snapshot = getattr(stats, "snapshot", None)
    if snapshot is None:
        return None
    now = snapshot()
    return int(now.requests + now.cache_hits)


class LoadProgress(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """ "Loading the reviews of X...", a bar and "1,200 of 8,500 reviews", while a load runs.

    Attributes:
        bar: the ``IntProgress`` (its ``max`` is the expected number of reviews).
        text: the message above the bar.
        count: the count beside it.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.text = w.HTML()
        self.text.add_class("tpnb-progress-text")
        self.bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="320px"))
        self.bar.add_class("tpnb-progress-bar")
        self.count = w.HTML()
        self.count.add_class("tpnb-progress-count")
        self.sliding = w.HTML('<div class="tpnb-loading-bar"><div></div></div>')
        row = w.HBox([self.bar, self.count], layout=w.Layout(align_items="center"))
        row.add_class("tpnb-gap")
        self.row = row
        super().__init__([self.text, row, self.sliding], **kwargs)
        self.add_class("tpnb-message")
        self.add_class("tpnb-message-info")
        self.add_class("tpnb-progress")
        self.layout.display = "none"
        self.total: int | None = None
        self._start_pages = 0

    def start(self, name: str, total: int | None, client: Any = None) -> None:
        """Show the display for loading ``name``'s reviews, ``total`` expected (None: unknown)."""
        self.total = total if total and total > 0 else None
        self.text.value = (
            f"Loading the reviews of <b>{html.escape(name)}</b>\u2026 "
            '<span class="tpnb-muted">(once; then every filter works in memory)</span>'
        )
        pages = _pages_answered(client) if client is not None else None
        self._start_pages = pages or 0
        known = self.total is not None and pages is not None
        self.row.layout.display = "flex" if known else "none"
        self.sliding.layout.display = "none" if known else "flex"
        self.bar.max = self.total or 1
        self.bar.value = 0
        self.count.value = ""
        if known:
            self.show_loaded(0)
        self.layout.display = "flex"

    def show_loaded(self, loaded: int) -> None:
        """Show ``loaded`` reviews of the expected total (capped at the total)."""
        if self.total is None:
            return
        loaded = min(max(loaded, 0), self.total)
        self.bar.value = loaded
        self.count.value = (
            f'<span class="tpnb-muted">{loaded:,} of {self.total:,} reviews '
            f"({math.floor(100 * loaded / self.total)}%)</span>"
        )

    def poll(self, client: Any) -> None:
        """Read the client's counters once and show the reviews they stand for."""
        pages = _pages_answered(client)
        if pages is not None:
            self.show_loaded((pages - self._start_pages) * PAGE_SIZE)

    @contextmanager
    def following(self, client: Any) -> Iterator[None]:
        """Follow ``client``'s counters on a background thread while the block runs."""
        if self.total is None or _pages_answered(client) is None:
            yield
            return
        stop = threading.Event()

        def follow() -> None:
            while not stop.wait(POLL_SECONDS):
                self.poll(client)

        thread = threading.Thread(target=follow, name="tpnb-load-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def finish(self) -> None:
        """Hide the display."""
        self.layout.display = "none"
