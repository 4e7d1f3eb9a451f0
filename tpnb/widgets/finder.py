"""BusinessUnitFinder: type a domain or a company name, choose the business unit."""

from __future__ import annotations

import time
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from tpnb.errors import ConfigError, NotFoundError
from tpnb.widgets._base import MessageArea, guarded, is_demo, style_widget
from tpnb.widgets.render import business_unit_card_html, demo_badge_html, plural

__all__ = ["BusinessUnitFinder"]

#: most matches shown as cards
MAX_CARDS = 6
#: suggested units shown before "Show all"
MAX_SUGGESTIONS = 9


def looks_like_domain(text: str) -> bool:
    """Whether ``text`` reads as a domain (``example.com``) rather than a company name."""
    text = text.strip().lower()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    text = text.removeprefix("www.").split("/", 1)[0]
    return "." in text and " " not in text and not text.startswith(".") and not text.endswith(".")


def _domain(text: str) -> str:
    text = text.strip().lower()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    return text.split("/", 1)[0]


class BusinessUnitFinder(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Find a business unit by domain or by name and choose one.

    Typing a domain looks it up with ``client.find_business_unit`` (one exact match is chosen at
    once); anything else, or a domain Trustpilot does not know (or cannot be, such as
    ``my_shop.com``), is searched by name with
    ``client.search_business_units``, and the matches are shown as cards to choose from.

    Attributes:
        value: the chosen business unit's id ("" until one is chosen).
        business_unit: the chosen unit's row (a ``pd.Series`` of ``business_unit_frame``
            columns), or ``None``.
        matches: the last matches (a ``business_unit_frame``).

    Args:
        client: a :class:`tpnb.Client` (or anything with ``find_business_unit`` and
            ``search_business_units`` returning business-unit frames; the search is called
            with ``limit=`` and ``progress=`` keywords).
        query: text to search for at once.
        country: ISO country code passed to the name search (``None``: all countries).
        badge: show the "Demo data" badge when the client is in demo mode.
        suggestions: business units offered as cards before anything is typed (a
            ``business_unit_frame``), e.g. the units a business user owns. ``None`` (default):
            in demo mode, the emulator's units with the most reviews first; with real
            credentials, none (the API has no list of a business user's own units).
    """

    value = traitlets.Unicode("")
    business_unit = traitlets.Instance(pd.Series, allow_none=True)

    def __init__(
        self,
        client: Any,
        *,
        query: str = "",
        country: str | None = None,
        badge: bool = True,
        suggestions: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> None:
        self.client = client
        self.country = country
        self.matches = pd.DataFrame()
        self.suggestions = pd.DataFrame()
        self._searched: tuple[str, float] = ("", 0.0)
        self.query = w.Text(
            value=query,
            placeholder="Domain (e.g. example.com) or company name",
            continuous_update=False,
            layout=w.Layout(flex="1 1 auto", width="auto"),
        )
        self.query.add_class("tpnb-finder-query")
        self.search_button = w.Button(description="Find", button_style="primary", icon="search")
        self.search_button.add_class("tpnb-finder-search")
        self.messages = MessageArea()
        self.results = w.VBox(layout=w.Layout(width="100%"))
        self.results.add_class("tpnb-finder-results")
        self.suggested = w.VBox(layout=w.Layout(width="100%"))
        self.suggested.add_class("tpnb-finder-suggestions")
        self.chosen = w.HTML()
        self.chosen.add_class("tpnb-finder-chosen")
        label = w.HTML(
            "<b>Business unit</b>" + (" " + demo_badge_html() if badge and is_demo(client) else "")
        )
        label.add_class("tpnb-finder-label")
        bar = w.HBox([self.query, self.search_button], layout=w.Layout(width="100%"))
        super().__init__(
            [style_widget(), label, bar, self.messages, self.results, self.chosen, self.suggested],
            **kwargs,
        )
        self.add_class("tpnb-root")
        self.add_class("tpnb-finder")
        self.query.observe(self._on_query, names="value")
        self.search_button.on_click(self._on_button)
        if query:
            self.search()
        else:
            self.suggest(suggestions)

    def __repr__(self) -> str:
        # the text/plain a saved notebook keeps beside the widget (what shows before it runs)
        chosen = self.business_unit
        what = "no business unit chosen yet" if chosen is None else str(chosen.get("display_name"))
        return f"tpnb business-unit finder: {what}; run the notebook to use it"

    @guarded
    def suggest(self, units: pd.DataFrame | None = None, *, show_all: bool = False) -> None:
        """Offer ``units`` as cards to choose from (default: the demo's units, in demo mode).

        Args:
            units: a ``business_unit_frame``; ``None`` lists the emulator's units in demo mode
                (most reviews first) and offers nothing with real credentials.
            show_all: show every unit, not only the first :data:`MAX_SUGGESTIONS`.
        """
        if units is None:
            if not self.suggestions.empty:
                units = self.suggestions
            elif is_demo(self.client):
                every: pd.DataFrame = self.client.business_units(progress=False)
                units = every.sort_values(
                    "number_of_reviews", ascending=False, kind="stable"
                ).reset_index(drop=True)
            else:
                units = pd.DataFrame()
        self.suggestions = units.reset_index(drop=True)
        if self.suggestions.empty:
            self.suggested.children = []
            return
        shown = self.suggestions if show_all else self.suggestions.head(MAX_SUGGESTIONS)
        cards = []
        for i, (_, row) in enumerate(shown.iterrows()):
            button = w.Button(
                description=str(row.get("display_name") or row["id"]),
                tooltip=f"Explore the reviews of {row.get('display_name')}",
                layout=w.Layout(width="100%", height="auto"),
            )
            button.add_class("tpnb-finder-suggestion-open")
            button.on_click(lambda _b, i=i: self.choose_suggestion(i))
            body = w.HTML(business_unit_card_html(row, compact=True))
            card = w.VBox([button, body])
            card.add_class("tpnb-panel")
            card.add_class("tpnb-finder-suggestion")
            cards.append(card)
        grid = w.GridBox(
            cards,
            layout=w.Layout(
                grid_template_columns="repeat(auto-fill, minmax(240px, 1fr))",
                grid_gap="8px",
                width="100%",
            ),
        )
        heading = "Demo business units" if is_demo(self.client) else "Your business units"
        parts: list[w.Widget] = [
            w.HTML(
                f'<span class="tpnb-finder-suggestions-title">{heading}</span>'
                '<span class="tpnb-muted"> \u2014 choose one, or search above</span>'
            ),
            grid,
        ]
        hidden = len(self.suggestions) - len(shown)
        if hidden > 0:
            more = w.Button(
                description=f"Show all {len(self.suggestions)}",
                icon="chevron-down",
                layout=w.Layout(width="auto"),
            )
            more.add_class("tpnb-finder-suggestions-more")
            more.on_click(lambda _b: self.suggest(self.suggestions, show_all=True))
            parts.append(more)
        self.suggested.children = parts

    @guarded
    def choose_suggestion(self, position: int) -> None:
        """Choose the suggested unit at ``position`` (0-based), as if found by a search."""
        if not 0 <= position < len(self.suggestions):
            raise IndexError(
                f"no suggestion at position {position}; there are {len(self.suggestions)}"
            )
        self.matches = self.suggestions.iloc[[position]].reset_index(drop=True)
        self.messages.clear()
        self.choose(0)

    def _on_button(self, _button: Any) -> None:
        # typing then clicking "Find" first sends the text (blur), which already searched
        text = self.query.value.strip()
        if text and text == self._searched[0] and time.monotonic() - self._searched[1] < 1.5:
            return
        self.search()

    def _on_query(self, change: dict[str, Any]) -> None:
        if change["new"].strip():
            self.search()
        elif len(self.suggestions):  # the box emptied: offer the suggestions again
            self.results.children = []
            self.messages.clear()
            self.suggested.layout.display = "flex"

    @guarded
    def search(self, text: str | None = None) -> pd.DataFrame:
        """Look ``text`` (default: the text box) up and show the matches.

        Returns:
            The matches (a business-unit frame; empty when nothing matched).
        """
        if text is not None and text != self.query.value:
            self.query.value = text  # fires _on_query, which searches
            return self.matches
        text = self.query.value.strip()
        self.messages.clear()
        if not text:
            self.messages.show("Type a domain (e.g. example.com) or a company name.", "info")
            return self.matches
        self.messages.show(f"Searching for \u201c{text}\u201d\u2026", "info")
        self._searched = (text, time.monotonic())
        matches = self._lookup(text)
        self.matches = matches
        self._show_matches(matches)
        if matches.empty:
            self.messages.show(
                f"No business unit found for \u201c{text}\u201d. Check the spelling, or try the "
                "website's domain or another part of the name.",
                "warning",
            )
        elif len(matches) == 1 and looks_like_domain(text):
            self.choose(0)
            self.messages.clear()
        else:
            self.messages.show(f"{plural(len(matches), 'match')}: choose one.", "info")
        return matches

    def _lookup(self, text: str) -> pd.DataFrame:
        if looks_like_domain(text):
            try:
                found: pd.DataFrame = self.client.find_business_unit(_domain(text))
            except (NotFoundError, ConfigError):
                pass  # not a known (or not a valid) domain, e.g. my_shop.com: try it as a name
            else:
                if len(found):
                    return found.reset_index(drop=True)
        kwargs: dict[str, Any] = {"country": self.country} if self.country else {}
        # only MAX_CARDS are shown: ask for no more (one request, not every page of matches)
        searched: pd.DataFrame = self.client.search_business_units(
            text, limit=MAX_CARDS, progress=False, **kwargs
        )
        return searched.head(MAX_CARDS).reset_index(drop=True)

    def _show_matches(self, matches: pd.DataFrame) -> None:
        cards = []
        for i, (_, row) in enumerate(matches.iterrows()):
            body = w.HTML(business_unit_card_html(row), layout=w.Layout(flex="1 1 auto"))
            button = w.Button(description="Choose", icon="check", layout=w.Layout(width="110px"))
            button.add_class("tpnb-finder-choose")
            button.on_click(lambda _b, i=i: self.choose(i))
            card = w.HBox([body, button], layout=w.Layout(align_items="center", width="100%"))
            card.add_class("tpnb-panel")
            card.add_class("tpnb-finder-card")
            cards.append(card)
        self.results.children = cards
        self.suggested.layout.display = "none" if cards else "flex"

    @guarded
    def choose(self, position: int) -> None:
        """Choose the match at ``position`` (0-based): sets :attr:`business_unit` and :attr:`value`."""
        if not 0 <= position < len(self.matches):
            raise IndexError(f"no match at position {position}; there are {len(self.matches)}")
        row = self.matches.iloc[position]
        self.results.children = []
        self.suggested.layout.display = "none"
        self.chosen.value = (
            '<div class="tpnb-panel tpnb-selected">' + business_unit_card_html(row) + "</div>"
        )
        self.business_unit = row
        self.value = str(row["id"])
