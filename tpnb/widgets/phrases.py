"""PhraseView: "What people say", the key phrases of a selection's low and high ratings.

The view summarises the reviews in :attr:`PhraseView.value` (linked to a
:class:`~tpnb.widgets.explorer.ReviewExplorer`'s ``filtered`` selection by :meth:`PhraseView.follow`):
the phrases of the selection's main language that lean most to 1-2 star reviews and to 4-5 star
reviews (:func:`tpnb.text.key_phrases`, :func:`tpnb.text.top_phrases`), each a button with the
number of reviews using it. Clicking one sets :attr:`PhraseView.phrase`; the explorer then lists
exactly the reviews using it, with the phrase marked. Everything is computed in the kernel from the
loaded reviews: no request is made.

The phrases are found only while the view is open (key phrases of 100,000 reviews take a few
seconds), and again whenever the selection changes while it is open.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets

from tpnb import text
from tpnb.widgets._base import FrameTrait, MessageArea, guarded
from tpnb.widgets.render import message_html

__all__ = ["PhraseView"]

#: phrases shown per side (low and high ratings)
PHRASES_PER_SIDE = 8
_SIDES = (("low", "Low ratings (1\u20132\u2605)"), ("high", "High ratings (4\u20135\u2605)"))


class PhraseView(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """What people say in a selection of reviews: key phrases of low and high ratings.

    Attributes:
        value: the reviews to summarise (a review frame).
        phrase: the picked phrase ("" for none); click a phrase to pick it, again (or "Show all
            reviews") to drop it.
        phrase_language: the picked phrase's language.
        is_open: whether the view is expanded (the phrases are only computed while it is).
        phrases: the ``key_phrases`` frame shown (of the main language), or None.
        shown: ``{"low": [...], "high": [...]}``: the phrases on the buttons, strongest first.

    Args:
        reviews: the reviews to summarise at first.
        is_open: start expanded.
        per_side: phrases shown for low and for high ratings.
    """

    value = FrameTrait()
    phrase = traitlets.Unicode("")
    phrase_language = traitlets.Unicode("")
    is_open = traitlets.Bool(False)

    def __init__(
        self,
        reviews: pd.DataFrame | None = None,
        *,
        is_open: bool = False,
        per_side: int = PHRASES_PER_SIDE,
        **kwargs: Any,
    ) -> None:
        self.per_side = per_side
        self.phrases: pd.DataFrame | None = None
        self.shown: dict[str, list[str]] = {"low": [], "high": []}
        self._stale = True
        self.toggle = w.ToggleButton(value=is_open, description="What people say", icon="comments")
        self.toggle.add_class("tpnb-phrases-toggle")
        self.note = w.HTML()
        self.note.add_class("tpnb-phrases-note")
        self.clear_button = w.Button(description="Show all reviews", icon="times")
        self.clear_button.add_class("tpnb-phrase-clear")
        self.clear_button.layout.display = "none"
        self.messages = MessageArea()
        self.columns: dict[str, w.VBox] = {}  # side -> the box of its phrase buttons
        self._buttons: dict[str, list[w.Button]] = {side: [] for side, _title in _SIDES}
        side_boxes = []
        for side, title in _SIDES:
            self.columns[side] = w.VBox()
            self.columns[side].add_class(f"tpnb-phrases-{side}")
            heading = w.HTML(f"<b>{title}</b>")
            side_boxes.append(w.VBox([heading, self.columns[side]], layout=w.Layout(width="50%")))
        self.body = w.VBox([self.messages, self.note, w.HBox(side_boxes), self.clear_button])
        self.body.add_class("tpnb-phrases-body")
        super().__init__([self.toggle, self.body], **kwargs)
        self.add_class("tpnb-phrases")
        self.toggle.observe(lambda change: setattr(self, "is_open", change["new"]), "value")
        self.clear_button.on_click(lambda _b: self.pick("", ""))
        # a streaming load refreshes the view from its thread while a click picks a phrase in the
        # kernel's: the buttons and the "Show all reviews" state are drawn one at a time
        self._draw_lock = threading.RLock()
        self.observe(self._on_value, names="value")
        self.observe(self._on_open, names="is_open")
        self.observe(lambda _c: self._mark_picked(), names=["phrase", "phrase_language"])
        self.value = reviews if reviews is not None else pd.DataFrame()
        self.is_open = is_open
        self._on_open({"new": is_open})

    def __repr__(self) -> str:
        return "tpnb what-people-say view: key phrases of low and high ratings"

    @classmethod
    def follow(cls, explorer: Any, **kwargs: Any) -> PhraseView:
        """A view of ``explorer``'s selection (before a phrase narrows it) whose picked phrase
        filters the explorer's list: the link of the dashboard."""
        view = cls(explorer.filtered, **kwargs)
        traitlets.dlink((explorer, "filtered"), (view, "value"))
        traitlets.link((view, "phrase"), (explorer, "phrase"))
        traitlets.link((view, "phrase_language"), (explorer, "phrase_language"))
        return view

    # --- state -----------------------------------------------------------------------------------
    def pick(self, phrase: str, language: str) -> None:
        """Pick ``phrase`` (of ``language``); ``""`` drops the pick."""
        with self.hold_trait_notifications():
            self.phrase_language = language if phrase else ""
            self.phrase = phrase

    def _on_value(self, _change: dict[str, Any]) -> None:
        self._stale = True
        if self.is_open:
            self.refresh()

    def _on_open(self, change: dict[str, Any]) -> None:
        self.toggle.value = bool(change["new"])
        self.body.layout.display = "flex" if change["new"] else "none"
        if change["new"] and self._stale:
            self.refresh()

    @guarded
    def refresh(self) -> None:
        """Find the phrases of :attr:`value` and show them (done on opening and on changes)."""
        with self._draw_lock:
            self._refresh()

    def _refresh(self) -> None:
        self._stale = False
        self.messages.clear()
        reviews = self.value
        needed = {"title", "text", "language", "stars"}
        if reviews is None or len(reviews) == 0 or not needed <= set(reviews.columns):
            self._show({"low": [], "high": []}, None, "No reviews in the selection.")
            return
        languages = reviews["language"].astype("string").dropna()
        language = str(languages.value_counts().index[0]) if len(languages) else None
        phrases = text.key_phrases(reviews, languages=language) if language else None
        self.phrases = phrases
        if phrases is None or phrases.empty:
            self._show({"low": [], "high": []}, language, "Too few reviews to find phrases.")
            return
        tops = {
            side: text.top_phrases(phrases, side=side, n=self.per_side, language=language)
            for side, _title in _SIDES
        }
        in_language = int((languages == language).sum())
        note = (
            f"Phrases of the {in_language:,} reviews in <b>{language}</b> that lean most to low "
            "or to high ratings (click one to list the reviews using it)."
        )
        self._show(tops, language, note)

    def _show(self, tops: dict[str, Any], language: str | None, note: str) -> None:
        self.note.value = f'<span class="tpnb-muted">{note}</span>'
        self.shown = {"low": [], "high": []}
        for side, _title in _SIDES:
            top = tops[side]
            if len(top) == 0:
                self.columns[side].children = [w.HTML(message_html("None stand out.", "info"))]
                continue
            buttons = []
            for i, (phrase, count) in enumerate(zip(top["phrase"], top["count"], strict=True)):
                button = self._button(side, i)
                button.description = f"{phrase} ({int(count):,})"
                button.tooltip = f"{phrase}: used by {int(count):,} reviews"
                button.tpnb_phrase = str(phrase)
                button.tpnb_language = language or ""
                buttons.append(button)
                self.shown[side].append(str(phrase))
            if list(self.columns[side].children) != buttons:
                self.columns[side].children = buttons
        self._mark_picked()

    def _button(self, side: str, position: int) -> w.Button:
        """The phrase button at ``position`` of ``side``, made once and then relabelled.

        While a unit streams in, the phrases are found again at every update; relabelling the
        same buttons keeps them on the page, so a click in the browser is never lost on a button
        that was just replaced by a new one.
        """
        pool = self._buttons[side]
        while len(pool) <= position:
            button = w.Button(layout=w.Layout(width="auto"))
            button.add_class("tpnb-phrase")
            button.add_class(f"tpnb-phrase-{side}")
            button.on_click(self._on_click)
            pool.append(button)
        return pool[position]

    def _on_click(self, button: w.Button) -> None:
        """Pick the phrase the button shows (the same one again drops it)."""
        phrase, language = button.tpnb_phrase, button.tpnb_language
        same = self.phrase == phrase and self.phrase_language == language
        self.pick("" if same else phrase, language)

    def _mark_picked(self) -> None:
        with self._draw_lock:  # the last one drawn reads the latest pick
            self._draw_picked()

    def _draw_picked(self) -> None:
        for side, _title in _SIDES:
            for button in self.columns[side].children:
                if isinstance(button, w.Button):
                    picked = getattr(button, "tpnb_phrase", None) == self.phrase
                    button.button_style = "warning" if picked and self.phrase else ""
                    if picked and self.phrase:
                        button.add_class("tpnb-phrase-picked")
                    else:
                        button.remove_class("tpnb-phrase-picked")
        self.clear_button.layout.display = "flex" if self.phrase else "none"
