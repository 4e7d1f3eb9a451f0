"""FilterBar: the explorer's filter controls, read as one :class:`ReviewFilter`.

Dates are ISO 8601 everywhere (the list shows ``2026-10-30 19:47``, the date boxes take
``2026-10-30``): a browser's native date picker would show the browser's locale instead
(``10/30/2026`` in en-US), which the kernel cannot know to match in the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ipywidgets as w

from tpnb.errors import ConfigError
from tpnb.widgets.filtering import SORT_ORDERS, ReviewFilter

__all__ = ["TIMEZONES", "FilterBar", "date_box", "read_day"]

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


def date_box(description: str, css: str, *, width: str, label_width: str) -> w.Text:
    """A text box for one day, written as ISO 8601 (``YYYY-MM-DD``); see :func:`read_day`."""
    box = w.Text(
        description=description,
        placeholder="YYYY-MM-DD",
        continuous_update=False,
        layout=w.Layout(width=width),
    )
    box.style.description_width = label_width
    box.add_class(css)
    box.add_class("tpnb-date")
    return box


def read_day(value: str | date | None, what: str) -> date | None:
    """The day in a date box (``None`` when empty).

    Raises:
        ConfigError: text that is not a day as ``YYYY-MM-DD``, naming the box (``what``).
    """
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"{what}: {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31"
        ) from None


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
        self.since = date_box("From", "tpnb-filter-since", width="165px", label_width="40px")
        self.until = date_box("to", "tpnb-filter-until", width="145px", label_width="22px")
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
        since, until = self.dates()
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

    def dates(self) -> tuple[date | None, date | None]:
        """The From and To days (``None`` when empty); raises ConfigError for a bad date."""
        return read_day(self.since.value, "From"), read_day(self.until.value, "To")

    def set_dates(self, since: date | str | None, until: date | str | None) -> None:
        """Set both date boxes (days or ISO text; ``None`` clears), then notify once."""
        self._muted = True
        try:
            self.since.value = since.isoformat() if isinstance(since, date) else since or ""
            self.until.value = until.isoformat() if isinstance(until, date) else until or ""
        finally:
            self._muted = False
        self._changed()

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
        """Offer these ``(language, count)`` choices; the chosen language stays chosen (offered
        with a count of 0 if the other filters now leave none), so this never changes the filter.
        """
        options = [("All languages", _ANY)] + [(f"{code} ({n:,})", code) for code, n in counts]
        current = self.language.value
        if current != _ANY and current not in {code for _label, code in options}:
            options.append((f"{current} (0)", current))
        if options == list(self.language.options):
            return
        self._muted = True
        try:
            self.language.options = options
            self.language.value = current
        finally:
            self._muted = False

    def reset(self) -> None:
        """Clear every filter (keeps the timezone), then notify once."""
        self._muted = True
        try:
            for button in self.star_buttons:
                button.value = False
            self.language.value = _ANY
            self.since.value = ""
            self.until.value = ""
            self.text.value = ""
            self.replied.value = "Any reply status"
            self.verified.value = "Verified or not"
            self.sort.value = "newest"
        finally:
            self._muted = False
        self._changed()
