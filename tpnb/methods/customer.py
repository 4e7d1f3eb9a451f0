"""The Customer API (OAuth): private reviews, replies and tags as DataFrames."""

from __future__ import annotations

from typing import Any

from tpnb import endpoints as ep
from tpnb import params
from tpnb.errors import ConfigError
from tpnb.methods._base import MethodsBase
from tpnb.methods._frames import frames
from tpnb.paging.collect import Collector
from tpnb.paging.reviewlist import ceil_second, date_keep, floor_second, sort_items
from tpnb.paging.slicing import DESC, Slice, Walker


class CustomerMethods(MethodsBase):
    """Private reviews of your own business units, replies and tags (needs a login)."""

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
    ) -> Any:
        """Your business unit's reviews with private fields (``/private/.../reviews``).

        ``since``/``until`` go to the server as ``startDateTime``/``endDateTime`` (whole
        seconds; the exact bounds are then applied on the client). Beyond the 100,000-record
        cap does not apply: the walk pages by time (keyset on ``createdAt``, date windows
        walked concurrently), so any size comes back whole and exact even while reviews are
        added or deleted (see :mod:`tpnb.paging.slicing`).
        The other arguments are those of :meth:`reviews`, plus the private filters
        ``reference_id``, ``referral_email``, ``reported``, ``source``, ``username`` and
        ``find_reviewer`` (``"contacted"`` or ``"notContacted"``).

        Returns:
            One row per review (columns: :data:`tpnb.frames.PRIVATE_REVIEW_SCHEMA`).
        """
        st = params.stars(stars)
        langs = params.languages(language)
        start, end = params.date_range(since, until)
        resp = params.flag(responded, "responded")
        tg = params.optional_text(tag_group, "tag_group")
        tv = params.optional_text(tag_value, "tag_value")
        icase = params.flag(ignore_tag_value_case, "ignore_tag_value_case")
        order = params.order_by(order_by)
        rep = params.flag(reported, "reported")
        loc = params.location_id(location)
        ref = params.optional_text(reference_id, "reference_id")
        email = params.optional_text(referral_email, "referral_email")
        src = params.optional_text(source, "source")
        user = params.optional_text(username, "username")
        finder = params.find_reviewer(find_reviewer)
        n = params.limit(limit)
        bar = self._progress(progress, "private reviews")
        bu = self._unit_id(business_unit)
        if n == 0:
            return [] if raw else frames.review_frame([], private=True, business_unit_id=bu)
        conn = self._conn

        def fetch(sl: Slice, page: int) -> Any:
            return ep.list_private_reviews(
                conn,
                bu,
                page=page,
                per_page=sl.per_page,
                stars=st,
                language=langs,
                order_by=sl.order,
                responded=resp,
                tag_group=tg,
                tag_value=tv,
                ignore_tag_value_case=icase,
                location_id=loc,
                start=None if sl.start is None else params.api_datetime(sl.start),
                end=None if sl.end is None else params.api_datetime(sl.end),
                reference_id=ref,
                referral_email=email,
                reported=rep,
                source=src,
                username=user,
                find_reviewer=finder,
            )

        collector = Collector(n, date_keep(start, end))
        walker = Walker(fetch, collector, bar, self.concurrency)
        window = Slice(start=floor_second(start), end=ceil_second(end))
        with bar:
            by_date = order is None or order[0].startswith("createdat")
            if n is not None and not by_date:
                # first N in a non-date order: one walk in that order (falls back if capped)
                state = walker.newest(Slice(order or DESC, None, window.start, window.end))
                if state.capped and not collector.full:
                    collector.limit = None
                    walker.by_time(window, newest_first=False)
            else:
                newest_first = n is not None and (order is None or order[0] == "createdat.desc")
                walker.by_time(window, newest_first=newest_first)
        items = sort_items(collector.items, order)[:n]
        return items if raw else frames.review_frame(items, private=True, business_unit_id=bu)

    def private_review(self, review_id: str, *, raw: bool = False) -> Any:
        """One review with its private fields (one row)."""
        data = ep.get_private_review(self._conn, params.review_id(review_id))
        return data if raw else frames.review_frame(data, private=True)

    def reply_to_review(
        self, review_id: str, message: str, *, author_id: str | None = None, raw: bool = False
    ) -> Any:
        """Post (or replace) the company reply to a review; returns the updated review.

        Args:
            review_id: The review (24 hex).
            message: The reply text.
            author_id: The replying business user's id (default: the logged-in user).
            raw: Return the JSON of the updated review.
        """
        rid = params.review_id(review_id)
        text = params.reply_message(message)
        author = author_id if author_id is not None else self._business_user_id()
        if author is None:
            raise ConfigError(
                "reply_to_review needs the replying business user's id: log in with a "
                "username/password (or pass author_id=...)"
            )
        ep.reply_to_review(self._conn, rid, text, params.entity_id(author, "author_id"))
        return self.private_review(rid, raw=raw)

    def _business_user_id(self) -> str | None:
        """The logged-in business user's id (logging in first if no token is held yet)."""
        conn = self._conn
        if conn.business_user_id is None and getattr(conn, "tokens", None) is not None:
            assert conn.tokens is not None
            conn.tokens.bearer()  # the token response names the business user
        return conn.business_user_id

    def delete_reply(self, review_id: str, *, raw: bool = False) -> Any:
        """Delete the company reply of a review; returns the updated review."""
        rid = params.review_id(review_id)
        ep.delete_reply(self._conn, rid)
        return self.private_review(rid, raw=raw)

    def review_tags(self, review_id: str, *, raw: bool = False) -> Any:
        """A review's tags (one row per tag: review_id, group, value)."""
        rid = params.review_id(review_id)
        data = ep.get_review_tags(self._conn, rid)
        return data if raw else frames.tag_frame(data, review_id=rid)

    def set_review_tags(self, review_id: str, tags: Any, *, raw: bool = False) -> Any:
        """Replace a review's tags; returns the tags now on the review.

        ``tags``: ``{"group": g, "value": v}`` dicts, ``(group, value)`` pairs or
        ``"group:value"`` strings (``[]`` removes every tag).
        """
        rid = params.review_id(review_id)
        ep.set_review_tags(self._conn, rid, params.tags(tags))
        return self.review_tags(rid, raw=raw)

    def add_review_tags(self, review_id: str, tags: Any, *, raw: bool = False) -> Any:
        """Add tags to a review (keeping its others); returns the tags now on the review."""
        rid = params.review_id(review_id)
        new = params.tags(tags)
        if not new:
            raise ConfigError("add_review_tags needs at least one tag, e.g. 'generic:refund'")
        ep.add_review_tags(self._conn, rid, new)
        return self.review_tags(rid, raw=raw)

    def remove_review_tag(
        self, review_id: str, group: str, value: str, *, raw: bool = False
    ) -> Any:
        """Remove one tag from a review; returns the tags now on the review."""
        rid = params.review_id(review_id)
        tag = params.tags([(group, value)])[0]
        ep.remove_review_tag(self._conn, rid, tag["group"], tag["value"])
        return self.review_tags(rid, raw=raw)
