"""ReviewDetail: one review in full, with its reply, and a reply box for the Customer API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from tpnb.widgets._base import MessageArea, guarded
from tpnb.widgets.render import review_detail_html

__all__ = ["ReviewDetail"]


class ReviewDetail(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """The detail view of one review.

    Args:
        can_reply: show the reply box (the client has the Customer API).
        post_reply: ``post_reply(review_id, message)`` sends a reply (the explorer passes a
            function that calls the client and updates its frame).
    """

    def __init__(
        self,
        *,
        can_reply: bool = False,
        post_reply: Callable[[str, str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.review: pd.Series | None = None
        self._post_reply = post_reply
        self._close_callbacks: list[Callable[[], None]] = []
        self.back_button = w.Button(description="Back to the list", icon="arrow-left")
        self.back_button.add_class("tpnb-detail-back")
        self.back_button.on_click(lambda _b: self.close())
        self.body = w.HTML()
        self.body.add_class("tpnb-detail-body")
        self.messages = MessageArea()
        self.reply_text = w.Textarea(
            placeholder="Write a public reply to this review\u2026",
            layout=w.Layout(width="auto", height="90px"),
        )
        self.reply_text.add_class("tpnb-reply-text")
        self.reply_button = w.Button(description="Post reply", button_style="success", icon="reply")
        self.reply_button.add_class("tpnb-reply-post")
        self.reply_button.on_click(lambda _b: self.send_reply())
        self.reply_box = w.VBox([self.reply_text, self.reply_button])
        self.reply_box.add_class("tpnb-reply-box")
        self.reply_box.layout.display = "flex" if can_reply and post_reply else "none"
        super().__init__([self.back_button, self.body, self.messages, self.reply_box], **kwargs)
        self.add_class("tpnb-panel")
        self.add_class("tpnb-detail-panel")

    @property
    def can_reply(self) -> bool:
        """Whether the reply box is shown."""
        return bool(self.reply_box.layout.display != "none")

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` when the user goes back to the list."""
        self._close_callbacks.append(callback)

    def show(self, review: pd.Series, tz: str) -> None:
        """Show ``review`` (one row of a review frame), dates in ``tz``."""
        self.review = review
        self.body.value = review_detail_html(review, tz)
        self.messages.clear()
        reply = review.get("reply_text")
        has_reply = reply is not None and not pd.isna(reply) and bool(str(reply))
        self.reply_button.description = "Update reply" if has_reply else "Post reply"
        self.reply_text.value = ""

    def close(self) -> None:
        """Leave the detail view."""
        for callback in self._close_callbacks:
            callback()

    @guarded
    def send_reply(self) -> None:
        """Post the text in the reply box as the company's reply to the shown review."""
        if self.review is None or self._post_reply is None:
            raise RuntimeError("no review is open, or replying is not available")
        message = self.reply_text.value.strip()
        if not message:
            self.messages.show("Write a reply first.", "warning")
            return
        self.reply_button.disabled = True
        try:
            self._post_reply(str(self.review["id"]), message)
        finally:
            self.reply_button.disabled = False
        self.messages.show("Reply posted.", "success")
