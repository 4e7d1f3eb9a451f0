"""ReviewTable: one page of reviews as table rows with a "View" button each, and a pager."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from tpnb.widgets.filtering import Page, paginate
from tpnb.widgets.render import message_html, review_header_html, review_row_html

__all__ = ["PAGE_SIZES", "ReviewTable"]

PAGE_SIZES = (10, 20, 50)
#: what an empty selection says
NO_MATCH = "No reviews match these filters."


class ReviewTable(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """A paginated view of a selection of reviews.

    The row widgets are a fixed pool reused from page to page, so a filter change only sends the
    new row HTML to the browser. :meth:`show` takes the whole selection; the table keeps the
    page number (clamped to the pages that exist).

    Args:
        page_size: rows per page (one of :data:`PAGE_SIZES` is offered in the pager).
    """

    def __init__(self, *, page_size: int = 10, **kwargs: Any) -> None:
        self._open_callbacks: list[Callable[[str], None]] = []
        self.selection = pd.DataFrame()
        self.empty_text = NO_MATCH
        self.tz = "UTC"
        self.highlight: str | re.Pattern[str] = ""
        self.page = paginate(0, 1, page_size)
        self.header = w.HTML(review_header_html())
        self.rows = w.VBox()
        self.rows.add_class("tpnb-table-rows")
        self.empty = w.HTML()
        self.prev_button = w.Button(
            icon="chevron-left", tooltip="Previous page", layout=w.Layout(width="40px")
        )
        self.prev_button.add_class("tpnb-page-prev")
        self.next_button = w.Button(
            icon="chevron-right", tooltip="Next page", layout=w.Layout(width="40px")
        )
        self.next_button.add_class("tpnb-page-next")
        self.page_label = w.HTML()
        self.page_label.add_class("tpnb-page-label")
        sizes = PAGE_SIZES if page_size in PAGE_SIZES else tuple(sorted({*PAGE_SIZES, page_size}))
        self.page_size = w.Dropdown(
            options=[(f"{n} per page", n) for n in sizes],
            value=page_size,
            layout=w.Layout(width="130px"),
        )
        self.page_size.add_class("tpnb-page-size")
        self.prev_button.on_click(lambda _b: self.go(self.page.number - 1))
        self.next_button.on_click(lambda _b: self.go(self.page.number + 1))
        self.page_size.observe(lambda _c: self.go(1), names="value")
        pager = w.HBox(
            [self.prev_button, self.page_label, self.next_button, self.page_size],
            layout=w.Layout(align_items="center", margin="8px 0 0 0"),
        )
        pager.add_class("tpnb-gap")
        self._row_html: list[w.HTML] = []
        self._row_buttons: list[w.Button] = []
        self._row_boxes: list[w.HBox] = []
        super().__init__([self.header, self.rows, self.empty, pager], **kwargs)
        self.add_class("tpnb-table")

    def on_open(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(review_id)`` when a row's "View" button is clicked."""
        self._open_callbacks.append(callback)

    def _grow_pool(self, size: int) -> None:
        while len(self._row_boxes) < size:
            i = len(self._row_boxes)
            cell = w.HTML(layout=w.Layout(flex="1 1 auto", width="auto"))
            button = w.Button(
                description="View", icon="eye", layout=w.Layout(width="80px", flex="0 0 auto")
            )
            button.add_class("tpnb-row-open")
            button.on_click(lambda _b, i=i: self._open_row(i))
            box = w.HBox([cell, button], layout=w.Layout(align_items="flex-start", width="100%"))
            box.add_class("tpnb-gap")
            box.add_class("tpnb-row")
            self._row_html.append(cell)
            self._row_buttons.append(button)
            self._row_boxes.append(box)

    def _open_row(self, i: int) -> None:
        position = self.page.rows.start + i
        if position >= len(self.selection):
            return
        review_id = str(self.selection["id"].iloc[position])
        for callback in self._open_callbacks:
            callback(review_id)

    def show(
        self,
        selection: pd.DataFrame,
        *,
        tz: str | None = None,
        page: int | None = None,
        empty_text: str = NO_MATCH,
        highlight: str | re.Pattern[str] = "",
    ) -> Page:
        """Show ``selection`` (all filtered rows, sorted), at ``page`` (default: the current one).

        Args:
            selection: the rows to page through.
            tz: the timezone dates are shown in (default: unchanged).
            page: the page to show, 1-based (default: the current one, clamped).
            empty_text: what an empty selection says (e.g. "Loading..." while loading).
            highlight: a search term (or a compiled pattern: a key phrase) to mark in the rows.
        """
        self.selection = selection
        self.empty_text = empty_text
        self.highlight = highlight
        if tz is not None:
            self.tz = tz
        return self.go(self.page.number if page is None else page)

    def go(self, number: int) -> Page:
        """Show page ``number`` (1-based, clamped) of the current selection."""
        self.page = paginate(len(self.selection), number, int(self.page_size.value))
        rows = self.selection.iloc[self.page.rows]
        self._grow_pool(len(rows))
        for i, (_, row) in enumerate(rows.iterrows()):
            self._row_html[i].value = review_row_html(row, self.tz, highlight=self.highlight)
        self.rows.children = self._row_boxes[: len(rows)]
        self.empty.value = message_html(self.empty_text, "info") if rows.empty else ""
        p = self.page
        self.page_label.value = (
            f'<span class="tpnb-muted">Page <b>{p.number:,}</b> of {p.count:,}</span>'
        )
        self.prev_button.disabled = p.number <= 1
        self.next_button.disabled = p.number >= p.count
        return p
