"""The Deletions API as DataFrames: which reviews and consumer profiles were deleted, and when.

Trustpilot asks whoever keeps a copy of its data to delete what these lists return ("You must
delete returned review data from your system", DOC-DEL). :mod:`tpnb.store.sync` does that for an
archive; these methods give the lists themselves.
"""

from __future__ import annotations

import re
from typing import Any, Literal, overload

import pandas as pd

from tpnb import endpoints as ep
from tpnb import frames, params
from tpnb.errors import ConfigError
from tpnb.methods._base import MethodsBase, check_raw
from tpnb.methods._frames import read_frame
from tpnb.paging.collect import Item
from tpnb.paging.walkers import walk_tokens

#: the API's ``limit`` bounds (DOC-DEL: default 100, "up to 1000")
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 1, 1000
#: tpnb asks for full pages by default: the fewest calls (calls are paid for)
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE
_BASE64_RE = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")


def check_next_token(value: object) -> str | None:
    """A ``nextToken`` from an earlier answer: ``None`` or a non-empty base64 string.

    Standard and URL-safe base64 are accepted, padded or not.

    Raises:
        ConfigError: ``value`` is not a string of base64 text (the API's tokens are opaque
            base64, DOC-DEL); the message does not echo the value.
    """
    if value is None:
        return None
    allowed = "the nextToken string of an earlier answer (base64 text), or None"
    if not isinstance(value, str):
        raise ConfigError(f"next_token must be {allowed}, got {type(value).__name__}")
    token = value.strip()
    body = token.rstrip("=")
    if not body or not _BASE64_RE.match(token) or len(body) % 4 == 1:
        raise ConfigError(
            f"next_token must be {allowed}; this one is not base64 ({len(token)} characters)"
        )
    return token


class DeletionMethods(MethodsBase):
    """``deleted_reviews()`` and ``deleted_consumers()`` (the Deletions API, api key only)."""

    @overload
    def deleted_reviews(
        self,
        since: Any = None,
        until: Any = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        progress: bool = False,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def deleted_reviews(
        self,
        since: Any = None,
        until: Any = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        progress: bool = False,
        raw: Literal[True],
    ) -> list[dict[str, Any]]: ...
    def deleted_reviews(
        self,
        since: Any = None,
        until: Any = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> pd.DataFrame | list[dict[str, Any]]:
        """Reviews deleted from Trustpilot (by their authors or Trustpilot), oldest first.

        Delete these reviews from any copy you keep. The list covers all of Trustpilot the
        key may see, not one business unit (the API takes no unit).

        Args:
            since: Deleted at or after this time (str, date, datetime or Timestamp; naive is
                UTC; sent to the second: the API takes whole seconds). None: from the start of
                the API's record.
            until: Deleted before this time (exclusive; to the second). None: up to now.
            limit: Items per request (the API's ``limit``, 1..1000; default 1000, the fewest
                calls). Every page is walked whatever the size.
            next_token: Continue a walk from an earlier answer's ``nextToken``.
            progress: Show a progress bar.
            raw: Return the items' JSON (a list of dicts) instead of a frame.

        Returns:
            The ``deleted review`` frame (columns ``review_id``, ``business_unit_id``,
            ``deleted_at``; see the README's column reference). Items may name the review
            ``reviewId`` or ``id``: both are read.

        Raises:
            ConfigError: before any request, for ``since`` not before ``until``, a ``limit``
                outside 1..1000, or a ``next_token`` that is not base64 text.
        """
        check_raw(raw)
        items = self._deletions("reviews", since, until, limit, next_token, progress)
        return items if raw else read_frame(frames.deleted_review_frame, items)

    @overload
    def deleted_consumers(
        self,
        since: Any = None,
        until: Any = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        progress: bool = False,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def deleted_consumers(
        self,
        since: Any = None,
        until: Any = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        progress: bool = False,
        raw: Literal[True],
    ) -> list[dict[str, Any]]: ...
    def deleted_consumers(
        self,
        since: Any = None,
        until: Any = None,
        *,
        limit: int = DEFAULT_PAGE_SIZE,
        next_token: str | None = None,
        progress: bool = False,
        raw: bool = False,
    ) -> pd.DataFrame | list[dict[str, Any]]:
        """Consumer profiles deleted from Trustpilot, oldest first.

        Delete these consumers' data (names, locations, e-mail addresses) from any copy you
        keep. Arguments and errors as :meth:`deleted_reviews`.

        Returns:
            The ``deleted consumer`` frame (``consumer_id``, ``deleted_at``). Items may name
            the consumer ``consumerId`` or ``id``: both are read.
        """
        check_raw(raw)
        items = self._deletions("consumers", since, until, limit, next_token, progress)
        return items if raw else read_frame(frames.deleted_consumer_frame, items)

    def _deletions(
        self,
        key: Literal["reviews", "consumers"],
        since: object,
        until: object,
        limit: object,
        next_token: object,
        progress: object,
    ) -> list[Item]:
        """Every item of a deletions list (arguments checked before the first request)."""
        start, end = params.date_range(since, until)
        page_size = params.count(limit, "limit", MIN_PAGE_SIZE, MAX_PAGE_SIZE)
        first_token = check_next_token(next_token)
        bar = self._progress(progress, f"deleted {key}")
        endpoint = ep.list_deleted_reviews if key == "reviews" else ep.list_deleted_consumers
        start_date = None if start is None else params.api_datetime(start)
        end_date = None if end is None else params.api_datetime(end)

        def fetch(token: str | None) -> Any:
            return endpoint(
                self.connection,
                limit=page_size,
                start_date=start_date,
                end_date=end_date,
                next_token=first_token if token is None else token,
            )

        items: list[Item] = []
        with bar:
            for page in walk_tokens(fetch, key, ("nextToken",), progress=bar):
                items.extend(page)
        return items
