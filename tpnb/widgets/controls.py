"""FilterBar: the explorer's filter controls, read as one :class:`ReviewFilter`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from tpnb.widgets.filtering import SORT_ORDERS, ReviewFilter

__all__ = ["TIMEZONES", "FilterBar"]

#: timezones offered for showing dates (any IANA name can be given to the explorer)
TIMEZONES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Copenhagen",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
)

_ANY = "any"
_REPLIED = {"Any reply status": None, "Replied": True, "Not replied": False}
_VERIFIED = {"Verified or not": None, "Verified only": True, "Not verified": False}


def _dropdown(options: Any, value: Any, width: str, css: str, **kwargs: Any) -> w.Dropdown:
    widget = w.Dropdown(options=options, value=value, layout=w.Layout(width=width), **kwargs)
    widget.add_class(css)
    return widget


def _wrap_row(children: list[w.Widget]) -> w.HBox:
    """A row of controls that wraps on narrow screens."""
    row = w.HBox(children, layout=w.Layout(flex_flow="row wrap", align_items="center"))
    row.add_class("tpnb-gap")
    return row


class FilterBar(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Stars, language, dates, text, replied, verified, sort and timezone controls.

    :attr:`filter` reads them as one :class:`ReviewFilter`; the callbacks registered with
    :meth:`on_change` run once per user change (not once per control touched by :meth:`reset`).

    Args:
        timezone: the timezone dates are shown and read in (an IANA name).
    """

    def __init__(self, *, timezone: str = "UTC", **kwargs: Any) -> None:
        self._callbacks: list[Callable[[], None]] = []
        self._muted = False
        self.star_buttons = []
        for s in range(1, 6):
            button = w.ToggleButton(
                description=f"{s} \u2605",
                tooltip=f"Show {s}-star reviews",
                layout=w.Layout(width="52px"),
            )
            button.add_class("tpnb-filter-star")
            button.add_class(f"tpnb-filter-star-{s}")
            self.star_buttons.append(button)
        self.language = _dropdown([("All languages", _ANY)], _ANY, "190px", "tpnb-filter-language")
        self.since = w.DatePicker(description="From", layout=w.Layout(width="180px"))
        self.since.style.description_width = "40px"
        self.since.add_class("tpnb-filter-since")
        self.until = w.DatePicker(description="to", layout=w.Layout(width="160px"))
        self.until.style.description_width = "22px"
        self.until.add_class("tpnb-filter-until")
        self.text = w.Text(
            placeholder="Search title, text, reviewer\u2026",
            continuous_update=False,
            layout=w.Layout(width="220px"),
        )
        self.text.add_class("tpnb-filter-text")
        self.replied = _dropdown(list(_REPLIED), "Any reply status", "150px", "tpnb-filter-replied")
        self.verified = _dropdown(
            list(_VERIFIED), "Verified or not", "150px", "tpnb-filter-verified"
        )
        self.sort = _dropdown(
            [(label, key) for key, label in SORT_ORDERS.items()],
            "newest",
            "140px",
            "tpnb-filter-sort",
        )
        zones = TIMEZONES if timezone in TIMEZONES else (timezone, *TIMEZONES)
        self.timezone = _dropdown(
            list(zones), timezone, "215px", "tpnb-filter-timezone", description="Times in"
        )
        self.timezone.style.description_width = "60px"
        self.reset_button = w.Button(
            description="Reset", icon="undo", layout=w.Layout(width="90px")
        )
        self.reset_button.add_class("tpnb-filter-reset")
        self.reset_button.on_click(lambda _b: self.reset())
        stars = w.HBox(self.star_buttons)
        stars.add_class("tpnb-gap-small")
        row1 = _wrap_row([stars, self.language, self.replied, self.verified, self.reset_button])
        row2 = _wrap_row([self.text, self.since, self.until, self.sort, self.timezone])
        super().__init__([row1, row2], **kwargs)
        self.add_class("tpnb-filters")
        for control in self._controls():
            control.observe(self._changed, names="value")

    def _controls(self) -> list[w.ValueWidget]:
        return [
            *self.star_buttons,
            self.language,
            self.since,
            self.until,
            self.text,
            self.replied,
            self.verified,
            self.sort,
            self.timezone,
        ]

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after each change of any control."""
        self._callbacks.append(callback)

    def _changed(self, _change: Any = None) -> None:
        if self._muted:
            return
        for callback in self._callbacks:
            callback()

    @property
    def filter(self) -> ReviewFilter:
        """The controls' current state as a :class:`ReviewFilter` (raises ValueError if invalid)."""
        since: date | None = self.since.value
        until: date | None = self.until.value
        language = self.language.value
        return ReviewFilter(
            stars=frozenset(i + 1 for i, b in enumerate(self.star_buttons) if b.value),
            languages=frozenset() if language == _ANY else frozenset([language]),
            since=since,
            until=until,
            text=self.text.value,
            replied=_REPLIED[self.replied.value],
            verified=_VERIFIED[self.verified.value],
            sort=self.sort.value,
            tz=self.timezone.value,
        )

    def set_stars(self, stars: set[int] | frozenset[int]) -> None:
        """Select exactly these star ratings (one change notification)."""
        self._muted = True
        try:
            for i, button in enumerate(self.star_buttons):
                button.value = (i + 1) in stars
        finally:
            self._muted = False
        self._changed()

    def set_languages(self, counts: list[tuple[str, int]]) -> None:
        """Offer these ``(language, count)`` choices, keeping the current one when still offered."""
        options = [("All languages", _ANY)] + [(f"{code} ({n:,})", code) for code, n in counts]
        current = self.language.value
        self._muted = True
        try:
            self.language.options = options
            codes = {code for _label, code in options}
            self.language.value = current if current in codes else _ANY
        finally:
            self._muted = False

    def reset(self) -> None:
        """Clear every filter (keeps the timezone), then notify once."""
        self._muted = True
        try:
            for button in self.star_buttons:
                button.value = False
            self.language.value = _ANY
            self.since.value = None
            self.until.value = None
            self.text.value = ""
            self.replied.value = "Any reply status"
            self.verified.value = "Verified or not"
            self.sort.value = "newest"
        finally:
            self._muted = False
        self._changed()
