"""What a widget needs to show a unit's reviews while they stream in: one load, cancellable, and
frames that grow by appended pages.

A :class:`StreamingLoad` is one load of one business unit: the thread that runs it, the flag that
cancels it when the user chooses another unit, and the un-subscription from the client's pacing.
A widget updates its display for a load only while that load is its current one (under its own
lock), so a cancelled load never shows one unit's reviews under another unit's name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["LoadCancelled", "StreamingLoad", "append_reviews"]


class LoadCancelled(Exception):
    """Raised in a load's page handler once another load replaced it: stops the walk (and,
    through the review store, its first full walk, of which nothing is then stored)."""


@dataclass
class StreamingLoad:
    """One load of a business unit's reviews by a widget.

    Attributes:
        business_unit: the id or domain asked for.
        cancelled: set when another load replaces this one (its pages are then dropped).
        thread: the background thread running it (``None`` when run in the caller's thread).
        loaded: reviews received so far.
        total: reviews the unit has (its ``numberOfReviews``); 0 when unknown.
        name: the unit's display name, once known.
        unit_id: the unit's id, once known (fills the frames' ``business_unit_id``).
        stop_watching: ends the subscription to the client's pacing (see
            :meth:`tpnb.Client.watch_pacing`); called once, at the end or on cancellation.
    """

    business_unit: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    loaded: int = 0
    total: int = 0
    name: str = ""
    unit_id: str = ""
    stop_watching: Callable[[], None] | None = None

    def cancel(self) -> None:
        """Drop this load: its thread stops at its next page; it stops listening to pacing."""
        self.cancelled.set()
        self.unwatch()

    def unwatch(self) -> None:
        """Stop listening to the client's pacing (idempotent)."""
        stop, self.stop_watching = self.stop_watching, None
        if stop is not None:
            stop()


def append_reviews(loaded: pd.DataFrame, page: pd.DataFrame) -> pd.DataFrame:
    """``loaded`` with the rows of ``page`` after it (a new frame; an empty side is not copied).

    Review frames of one schema have identical dtypes whatever their rows (no column is
    categorical), so a plain ``pd.concat`` keeps every dtype.
    """
    if loaded.empty:
        return page
    if page.empty:
        return loaded
    return pd.concat([loaded, page], ignore_index=True)
