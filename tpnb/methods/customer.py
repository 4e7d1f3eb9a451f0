"""The Customer API (OAuth): private reviews, replies and tags as DataFrames."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from tpnb import endpoints as ep
from tpnb import frames, params
from tpnb.errors import ConfigError
from tpnb.methods._base import MethodsBase, check_raw
from tpnb.methods._frames import read_frame
from tpnb.paging.collect import Collector, Item, Progress, stream_walk
from tpnb.paging.reviewlist import PrivateReviewWalk, ReviewRequest
from tpnb.paging.slicing import Slice, Walker

if TYPE_CHECKING:
    from tpnb.http.connection import Connection


@dataclass(frozen=True)
class PrivateReviewPages:
    """The pages of one unit's private review list, with the filters of a call.

    The order and the date window are not here: they come with each
    :class:`~tpnb.paging.slicing.Slice`, as the walk pages by time.
    """

    connection: Connection
    business_unit_id: str
    stars: tuple[int, ...] | None
    languages: tuple[str, ...] | None
    responded: bool | None
    tag_group: str | None
    tag_value: str | None
    ignore_tag_value_case: bool | None
    location_id: str | None
    reference_id: str | None
    referral_email: str | None
    reported: bool | None
    source: str | None
    username: str | None
    find_reviewer: str | None

    def page(self, review_slice: Slice, page: int) -> Any:
        """Page ``page`` of the list (``/private/business-units/{id}/reviews``) for the slice."""
        return ep.list_private_reviews(
            self.connection,
            self.business_unit_id,
            page=page,
            per_page=review_slice.per_page,
            stars=self.stars,
            language=self.languages,
            order_by=review_slice.order,
            responded=self.responded,
            tag_group=self.tag_group,
            tag_value=self.tag_value,
            ignore_tag_value_case=self.ignore_tag_value_case,
            location_id=self.location_id,
            start=None if review_slice.start is None else params.api_datetime(review_slice.start),
            end=None if review_slice.end is None else params.api_datetime(review_slice.end),
            reference_id=self.reference_id,
            referral_email=self.referral_email,
            reported=self.reported,
            source=self.source,
            username=self.username,
            find_reviewer=self.find_reviewer,
        )


class CustomerMethods(MethodsBase):
    """Private reviews of your own business units, replies and tags (needs a login)."""

    @overload
    def private_reviews(
        self,
        business_unit: str,
        *,
        stars: int | list[int] | str | None = None,
        language: str | list[str] | None = None,
        since: Any = None,
        until: Any = None,
        responded: bool | None = None,
        tag_group: str | None = None,
        tag_value: str | None = None,
        ignore_tag_value_case: bool | None = None,
        order_by: str | list[str] | None = None,
        reported: bool | None = None,
        location: str | None = None,
        reference_id: str | None = None,
        referral_email: str | None = None,
        source: str | None = None,
        username: str | None = None,
        find_reviewer: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def private_reviews(
        self,
        business_unit: str,
        *,
        stars: int | list[int] | str | None = None,
        language: str | list[str] | None = None,
        since: Any = None,
        until: Any = None,
        responded: bool | None = None,
        tag_group: str | None = None,
        tag_value: str | None = None,
        ignore_tag_value_case: bool | None = None,
        order_by: str | list[str] | None = None,
        reported: bool | None = None,
        location: str | None = None,
        reference_id: str | None = None,
        referral_email: str | None = None,
        source: str | None = None,
        username: str | None = None,
        find_reviewer: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[True],
    ) -> list[Item]: ...
    def private_reviews(
        self,
        business_unit: str,
        *,
        stars: int | list[int] | str | None = None,
        language: str | list[str] | None = None,
        since: Any = None,
        until: Any = None,
        responded: bool | None = None,
        tag_group: str | None = None,
        tag_value: str | None = None,
        ignore_tag_value_case: bool | None = None,
        order_by: str | list[str] | None = None,
        reported: bool | None = None,
        location: str | None = None,
        reference_id: str | None = None,
        referral_email: str | None = None,
        source: str | None = None,
        username: str | None = None,
        find_reviewer: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """Your business unit's reviews with private fields (``/private/.../reviews``).

        ``since``/``until`` go to the server as ``startDateTime``/``endDateTime`` (whole
        seconds; the exact bounds are then applied on the client). Beyond the 100,000-record
        cap does not apply: the walk pages by time (keyset on ``createdAt``, date windows
        walked concurrently), so any size comes back whole and exact even while reviews are
        added or deleted (see :mod:`tpnb.paging.reviewlist` and :mod:`tpnb.paging.slicing`).
        The other arguments are those of :meth:`reviews`, plus the private filters
        ``reference_id``, ``referral_email``, ``reported``, ``source``, ``username`` and
        ``find_reviewer`` (``"contacted"`` or ``"notContacted"``).

        Returns:
            One row per review (columns: :data:`tpnb.frames.PRIVATE_REVIEW_SCHEMA`).
        """
        check_raw(raw)
        stars_filter = params.stars(stars)
        language_filter = params.languages(language)
        start, end = params.date_range(since, until)
        responded_filter = params.flag(responded, "responded")
        tag_group_filter = params.optional_text(tag_group, "tag_group")
        tag_value_filter = params.optional_text(tag_value, "tag_value")
        ignore_case = params.flag(ignore_tag_value_case, "ignore_tag_value_case")
        order = params.order_by(order_by)
        reported_filter = params.flag(reported, "reported")
        location_filter = params.location_id(location)
        reference_filter = params.optional_text(reference_id, "reference_id")
        email_filter = params.optional_text(referral_email, "referral_email")
        source_filter = params.optional_text(source, "source")
        username_filter = params.optional_text(username, "username")
        reviewer_filter = params.find_reviewer(find_reviewer)
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "private reviews")
        unit_id = self._unit_id(business_unit)
        if row_limit == 0:
            if raw:
                return []
            return read_frame(frames.review_frame, [], private=True, business_unit_id=unit_id)
        pages = PrivateReviewPages(
            self.connection,
            unit_id,
            stars=stars_filter,
            languages=language_filter,
            responded=responded_filter,
            tag_group=tag_group_filter,
            tag_value=tag_value_filter,
            ignore_tag_value_case=ignore_case,
            location_id=location_filter,
            reference_id=reference_filter,
            referral_email=email_filter,
            reported=reported_filter,
            source=source_filter,
            username=username_filter,
            find_reviewer=reviewer_filter,
        )
        walk = PrivateReviewWalk(
            ReviewRequest(start, end, order, row_limit),
            fetch_page=pages.page,
            progress=progress_bar,
            concurrency=self.concurrency,
        )
        items = walk.collect()
        if raw:
            return items
        return read_frame(frames.review_frame, items, private=True, business_unit_id=unit_id)

    def private_review_pages(self, business_unit: str) -> Iterator[list[Item]]:
        """Your unit's private reviews page by page as they arrive, newest first (review JSON).

        For displays that show a big unit while it loads: the list is walked by time, newest
        first, in one window (a keyset on ``createdAt``: exact while reviews are added or
        deleted, no depth cap), in a background thread; each value is the reviews one page
        added. Read to the end, the values hold exactly the reviews of
        ``private_reviews(business_unit, raw=True)`` (in date order; reviews created in the
        same second may come in another order).

        Closing the generator (or leaving a ``for`` loop over it) stops the walk after the
        request in flight.

        Args:
            business_unit: A 24-hex id or a domain of a unit the business user may see.

        Yields:
            Lists of review JSON objects (none empty), newest first.
        """
        unit_id = self._unit_id(business_unit)
        pages = PrivateReviewPages(
            self.connection,
            unit_id,
            stars=None,
            languages=None,
            responded=None,
            tag_group=None,
            tag_value=None,
            ignore_tag_value_case=None,
            location_id=None,
            reference_id=None,
            referral_email=None,
            reported=None,
            source=None,
            username=None,
            find_reviewer=None,
        )

        def walk(collector: Collector) -> None:
            walker = Walker(pages.page, collector, Progress(False, "private reviews"), 1)
            walker.by_time(Slice(), newest_first=True)

        return stream_walk(walk)  # a plain return: bad input raised above, before iterating

    @overload
    def private_review(self, review_id: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def private_review(self, review_id: str, *, raw: Literal[True]) -> Any: ...
    def private_review(self, review_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """One review with its private fields (one row)."""
        check_raw(raw)
        return self._private_review(params.review_id(review_id), raw=raw)

    def _private_review(self, review_id: str, *, raw: bool) -> pd.DataFrame | Any:
        """The private review ``review_id`` (checked), as a frame or (``raw``) its JSON."""
        data = ep.get_private_review(self.connection, review_id)
        return data if raw else read_frame(frames.review_frame, data, private=True)

    @overload
    def reply_to_review(
        self,
        review_id: str,
        message: str,
        *,
        author_id: str | None = None,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def reply_to_review(
        self, review_id: str, message: str, *, author_id: str | None = None, raw: Literal[True]
    ) -> Any: ...
    def reply_to_review(
        self, review_id: str, message: str, *, author_id: str | None = None, raw: bool = False
    ) -> pd.DataFrame | Any:
        """Post (or replace) the company reply to a review; returns the updated review.

        Args:
            review_id: The review (24 hex).
            message: The reply text.
            author_id: The replying business user's id (default: the logged-in user); any
                non-empty string, since the API does not document the format of these ids.
            raw: Return the JSON of the updated review.
        """
        check_raw(raw)
        checked_id = params.review_id(review_id)
        text = params.reply_message(message)
        author = author_id if author_id is not None else self._business_user_id()
        if author is None:
            raise ConfigError(
                "reply_to_review needs the replying business user's id: log in with a "
                "username/password (or pass author_id=...)"
            )
        ep.reply_to_review(self.connection, checked_id, text, params.text(author, "author_id"))
        return self._private_review(checked_id, raw=raw)

    def _business_user_id(self) -> str | None:
        """The logged-in business user's id (logging in first if no token is held yet)."""
        if self.connection.business_user_id is None and self.connection.tokens is not None:
            self.connection.tokens.bearer()  # the token response names the business user
        return self.connection.business_user_id

    @overload
    def delete_reply(self, review_id: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def delete_reply(self, review_id: str, *, raw: Literal[True]) -> Any: ...
    def delete_reply(self, review_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """Delete the company reply of a review; returns the updated review."""
        check_raw(raw)
        checked_id = params.review_id(review_id)
        ep.delete_reply(self.connection, checked_id)
        return self._private_review(checked_id, raw=raw)

    @overload
    def review_tags(self, review_id: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def review_tags(self, review_id: str, *, raw: Literal[True]) -> Any: ...
    def review_tags(self, review_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """A review's tags (one row per tag: review_id, group, value)."""
        check_raw(raw)
        return self._review_tags(params.review_id(review_id), raw=raw)

    def _review_tags(self, review_id: str, *, raw: bool) -> pd.DataFrame | Any:
        """The tags of review ``review_id`` (checked), as a frame or (``raw``) their JSON."""
        data = ep.get_review_tags(self.connection, review_id)
        return data if raw else read_frame(frames.tag_frame, data, review_id=review_id)

    @overload
    def set_review_tags(
        self, review_id: str, tags: Any, *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def set_review_tags(self, review_id: str, tags: Any, *, raw: Literal[True]) -> Any: ...
    def set_review_tags(
        self, review_id: str, tags: Any, *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """Replace a review's tags; returns the tags now on the review.

        ``tags``: ``{"group": g, "value": v}`` dicts, ``(group, value)`` pairs or
        ``"group:value"`` strings (``[]`` removes every tag).
        """
        check_raw(raw)
        checked_id = params.review_id(review_id)
        ep.set_review_tags(self.connection, checked_id, params.tags(tags))
        return self._review_tags(checked_id, raw=raw)

    @overload
    def add_review_tags(
        self, review_id: str, tags: Any, *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def add_review_tags(self, review_id: str, tags: Any, *, raw: Literal[True]) -> Any: ...
    def add_review_tags(
        self, review_id: str, tags: Any, *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """Add tags to a review (keeping its others); returns the tags now on the review."""
        check_raw(raw)
        checked_id = params.review_id(review_id)
        new_tags = params.tags(tags)
        if not new_tags:
            raise ConfigError("add_review_tags needs at least one tag, e.g. 'generic:refund'")
        ep.add_review_tags(self.connection, checked_id, new_tags)
        return self._review_tags(checked_id, raw=raw)

    @overload
    def remove_review_tag(
        self, review_id: str, group: str, value: str, *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def remove_review_tag(
        self, review_id: str, group: str, value: str, *, raw: Literal[True]
    ) -> Any: ...
    def remove_review_tag(
        self, review_id: str, group: str, value: str, *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """Remove one tag from a review; returns the tags now on the review."""
        check_raw(raw)
        checked_id = params.review_id(review_id)
        tag = params.tags([(group, value)])[0]
        ep.remove_review_tag(self.connection, checked_id, tag["group"], tag["value"])
        return self._review_tags(checked_id, raw=raw)
