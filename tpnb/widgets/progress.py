"""LoadProgress: the one progress display of a widget that loads reviews through the client.

The client's list methods draw a tqdm bar when asked to (``progress=True``); inside a widget that
bar is a second, rawer display (``reviews: 18/?``) under the widget's own. So widgets ask the
client for no bar and show this one instead: a message, a bar and a count of the reviews received
(the widget reports each page), against the total the unit's summary gives (its
``numberOfReviews``), or an indeterminate bar when no total is known; and, while the client's
pacing holds a request back for the API's rate limit, for how long and until when.
"""

from __future__ import annotations

import html
import math
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import ipywidgets as w

__all__ = ["MIN_WAIT_SHOWN", "LoadProgress", "wait_text"]

#: seconds: a shorter wait for the rate limit is not announced
MIN_WAIT_SHOWN = 0.5


def wait_text(seconds: float) -> str:
    """``"4 min 38 s"``, ``"12 s"``, ``"0.4 s"``: a wait, as a person reads it."""
    if seconds < 10:
        return f"{max(seconds, 0.0):.1f} s"
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


class LoadProgress(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """ "Loading the reviews of X...", a bar and "1,200 of 8,500 reviews", while a load runs.

    Thread-safe: a widget's background load reports pages from its thread, and the client's
    pacing reports waits from the thread that waits.

    Attributes:
        bar: the ``IntProgress`` (its ``max`` is the expected number of reviews).
        text: the message above the bar.
        count: the count beside it.
        waiting: the line saying how long the rate limit holds the load (hidden otherwise).
        total: the expected number of reviews (``None``: unknown).
        loaded: reviews received so far.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.text = w.HTML()
        self.text.add_class("tpnb-progress-text")
        self.bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="320px"))
        self.bar.add_class("tpnb-progress-bar")
        self.count = w.HTML()
        self.count.add_class("tpnb-progress-count")
        self.sliding = w.HTML('<div class="tpnb-loading-bar"><div></div></div>')
        self.waiting = w.HTML()
        self.waiting.add_class("tpnb-progress-waiting")
        self.waiting.layout.display = "none"
        row = w.HBox([self.bar, self.count], layout=w.Layout(align_items="center"))
        row.add_class("tpnb-gap")
        self.row = row
        super().__init__([self.text, row, self.sliding, self.waiting], **kwargs)
        self.add_class("tpnb-message")
        self.add_class("tpnb-message-info")
        self.add_class("tpnb-progress")
        self.layout.display = "none"
        self.total: int | None = None
        self.loaded = 0
        self._lock = threading.RLock()
        self._waiting_until = 0.0  # time.monotonic() when the announced wait ends

    def start(self, name: str, total: int | None) -> None:
        """Show the display for loading ``name``'s reviews, ``total`` expected (None: unknown)."""
        with self._lock:
            self.text.value = (
                f"Loading the reviews of <b>{html.escape(name)}</b>\u2026 "
                '<span class="tpnb-muted">(newest first, once; the filters work on what is '
                "loaded)</span>"
            )
            self.loaded = 0
            self._waiting_until = 0.0
            self.waiting.value = ""
            self.waiting.layout.display = "none"
            self.set_total(total)
            self.layout.display = "flex"

    def set_total(self, total: int | None) -> None:
        """Set the expected number of reviews (``None`` or 0: unknown, an indeterminate bar)."""
        with self._lock:
            self.total = total if total and total > 0 else None
            known = self.total is not None
            self.row.layout.display = "flex" if known else "none"
            self.sliding.layout.display = "none" if known else "flex"
            self.bar.max = self.total or 1
            self.show_loaded(self.loaded)

    def show_loaded(self, loaded: int) -> None:
        """Show ``loaded`` reviews of the expected total (the bar capped at the total).

        A rate-limit wait announced by :meth:`show_waiting` stays on screen until it is over.
        """
        with self._lock:
            self.loaded = max(loaded, 0)
            if self._waiting_until and time.monotonic() >= self._waiting_until:
                self._waiting_until = 0.0
                self.waiting.layout.display = "none"
            if self.total is None:
                self.count.value = ""
                return
            shown = min(self.loaded, self.total)
            self.bar.value = shown
            self.count.value = (
                f'<span class="tpnb-muted">{self.loaded:,} of {self.total:,} reviews '
                f"({math.floor(100 * shown / self.total)}%)</span>"
            )

    def show_waiting(self, seconds: float) -> None:
        """Say that the load waits ``seconds`` for the API's rate limit (from now), and until when.

        Waits shorter than :data:`MIN_WAIT_SHOWN` are not announced (they would only flicker).
        """
        if seconds < MIN_WAIT_SHOWN:
            return
        with self._lock:
            self._waiting_until = max(self._waiting_until, time.monotonic() + seconds)
            until = datetime.now(timezone.utc) + timedelta(seconds=seconds)
            self.waiting.value = (
                f"Waiting {wait_text(seconds)} for the API's rate limit (until "
                f"{until:%H:%M:%S} UTC): the client paces its calls so Trustpilot does not refuse "
                "them. The reviews loaded so far can be used meanwhile; the rest follows by itself."
            )
            self.waiting.layout.display = "flex"

    def finish(self) -> None:
        """Hide the display."""
        with self._lock:
            self._waiting_until = 0.0
            self.waiting.layout.display = "none"
            self.layout.display = "none"
