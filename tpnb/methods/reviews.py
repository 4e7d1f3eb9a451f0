"""Public reviews and consumers as DataFrames."""

from __future__ import annotations

from typing import Any

from tpnb import endpoints as ep
from tpnb import params
from tpnb.errors import ConfigError
from tpnb.methods._base import MethodsBase
from tpnb.methods._frames import frames
from tpnb.paging.collect import Collector, Item
from tpnb.paging.reviewlist import (
    date_keep,
    expected_total,
    newer_than,
    older_than,
    sort_items,
)
from tpnb.paging.slicing import DESC, Slice, Walker, verified
from tpnb.paging.walkers import PER_PAGE, walk_tokens


class ReviewMethods(MethodsBase):
    """Public service reviews: a unit's reviews, one review, latest, likes; consumers."""

    def reviews(
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
        order_by: str | list[str] | None = None,
        include_reported: bool = False,
        location: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> Any:
        """A business unit's public reviews, every page (``/business-units/{id}/reviews``).

        Without server-side filters (``stars``, ``language``, ``responded``, tags,
        ``location``) the pull walks the keyset ``all-reviews`` list (exact while reviews are
        added or deleted, no 100,000 cap); with them, offset pages are walked twice with
        different page sizes until two walks agree (else :class:`~tpnb.errors.ConsistencyError`).
        ``since``/``until`` are applied to ``created_at`` on the client (the public endpoints
        have no date filter); a newest-first walk stops once it is older than ``since``. See
        :mod:`tpnb.paging.slicing`.

        Args:
            business_unit: A 24-hex id or a domain.
            stars: 1..5, or several (``[4, 5]`` or ``"4,5"``).
            language: ISO 639-1 code(s) (``"en"``, ``["en", "da"]``).
            since: Reviews created at or after this (str/date/datetime/Timestamp; naive = UTC).
            until: Reviews created before this.
            responded: Only reviews with (``True``) or without (``False``) a company reply.
            tag_group: Only reviews with a tag in this group.
            tag_value: Only reviews with this tag value.
            order_by: ``createdat.desc`` (default), ``createdat.asc``, ``stars.desc``,
                ``stars.asc``, or several.
            include_reported: Include reviews that are reported (hidden by default).
            location: A location id (UUID) of the unit.
            limit: At most this many reviews (the first in ``order_by``); ``None``: all.
            progress: Show a progress bar for multi-page work.
            raw: Return the list of review JSON objects instead of a DataFrame.

        Returns:
            One row per review (columns: :data:`tpnb.frames.REVIEW_SCHEMA`).
        """
        st = params.stars(stars)
        langs = params.languages(language)
        start, end = params.date_range(since, until)
        resp = params.flag(responded, "responded")
        tg = params.optional_text(tag_group, "tag_group")
        tv = params.optional_text(tag_value, "tag_value")
        order = params.order_by(order_by)
        inc = params.flag(include_reported, "include_reported")
        loc = params.location_id(location)
        n = params.limit(limit)
        bar = self._progress(progress, "reviews")
        bu = self._unit_id(business_unit)
        if n == 0:
            return [] if raw else frames.review_frame([], business_unit_id=bu)

        def collect() -> list[Item]:
            conn = self._conn
            server_filtered = any(x is not None for x in (st, langs, resp, tg, tv, loc))
            by_date = order is None or order[0].startswith("createdat")
            newest_order = order is None or order[0] == "createdat.desc"

            def fetch(sl: Slice, page: int) -> Any:
                return ep.list_business_unit_reviews(
                    conn,
                    bu,
                    page=page,
                    per_page=sl.per_page,
                    stars=sl.stars,
                    language=langs,
                    order_by=sl.order,
                    responded=resp,
                    tag_group=tg,
                    tag_value=tv,
                    include_reported=inc or None,
                    location_id=loc,
                )

            def fetch_token(token: str | None) -> Any:
                return ep.list_all_reviews(conn, bu, page_token=token, include_reported=inc or None)

            def offsets(per_page: int) -> Collector:
                """One offset walk (server-side filters, or a limit in another order)."""
                collector = Collector(n, date_keep(start, end))
                walker = Walker(fetch, collector, bar, self.concurrency, per_page=per_page)
                if n is not None or (start is not None and by_date):
                    # a bounded walk in the wanted order: newest first unless told otherwise
                    sl = Slice(order or DESC, st)
                    stop = None
                    if start is not None and sl.order[0] == "createdat.desc":
                        stop = older_than(start)
                    elif end is not None and sl.order[0] == "createdat.asc":
                        stop = newer_than(end)
                    state = walker.newest(sl, stop=stop)
                    if not state.capped or collector.full:
                        return collector
                    collector.limit = None  # past the cap: everything, then sort and cut
                if server_filtered:
                    stop_asc = newer_than(end) if end is not None else None
                    walker.public_full(st, stop_asc=stop_asc)
                else:
                    walker.tokens(fetch_token)
                return collector

            with bar:
                if not server_filtered and (n is None or newest_order):
                    # the keyset list: exact while reviews come and go, no cap
                    if n is None and start is None:
                        total = expected_total(conn, bu)
                        bar.total = None if total is None else max(1, -(-total // PER_PAGE))
                    collector = Collector(n, date_keep(start, end))
                    walker = Walker(fetch, collector, bar, self.concurrency)
                    walker.tokens(fetch_token, stop=older_than(start) if start else None)
                elif n is None:
                    collector = verified(offsets)
                else:
                    collector = offsets(PER_PAGE)
            return sort_items(collector.items, order)[:n]

        if raw:
            return collect()
        key = ("reviews", bu, st, langs, start, end, resp, tg, tv, order, inc, loc, n)
        return self._kept_frame(key, lambda: frames.review_frame(collect(), business_unit_id=bu))

    def all_reviews(
        self,
        business_unit: str,
        *,
        include_reported: bool = False,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> Any:
        """Every public review, newest first, through the keyset-paged ``all-reviews`` endpoint.

        Sequential (one page at a time) but immune to reviews arriving or being deleted
        during the walk, and not subject to the 100,000-record cap.
        """
        inc = params.flag(include_reported, "include_reported")
        n = params.limit(limit)
        bar = self._progress(progress, "all reviews")
        bu = self._unit_id(business_unit)

        def collect() -> list[Item]:
            collector = Collector(n)
            if n == 0:
                return []
            with bar:
                pages = walk_tokens(
                    lambda token: ep.list_all_reviews(
                        self._conn, bu, page_token=token, include_reported=inc or None
                    ),
                    "reviews",
                    progress=bar,
                    prefetch=n is None,
                )
                return collector.fill(pages)

        if raw:
            return collect()
        key = ("all_reviews", bu, inc, n)
        return self._kept_frame(key, lambda: frames.review_frame(collect(), business_unit_id=bu))

    def review(self, review_id: str, *, raw: bool = False) -> Any:
        """One public review by id (a one-row DataFrame)."""
        data = ep.get_review(self._conn, params.review_id(review_id))
        return data if raw else frames.review_frame(data)

    def review_likes(self, review_id: str, *, raw: bool = False) -> Any:
        """The consumers who liked a review (one row per like)."""
        rid = params.review_id(review_id)
        data = ep.get_review_likes(self._conn, rid)
        return data if raw else frames.like_frame(data, review_id=rid)

    def latest_reviews(
        self, language: str | list[str] = "en", count: int = 20, *, raw: bool = False
    ) -> Any:
        """The newest reviews on Trustpilot in some language(s) (``count`` 1..100)."""
        langs = params.languages(language)
        if langs is None:
            raise ConfigError("latest_reviews needs a language such as 'en'")
        n = params.count(count, "count", 1, 100)
        data = ep.list_latest_reviews(self._conn, langs, count=n)
        return data if raw else frames.review_frame(data)

    def consumer(self, consumer_id: str, *, raw: bool = False) -> Any:
        """A consumer (display name, location, number of reviews), one row."""
        data = ep.get_consumer(self._conn, params.consumer_id(consumer_id))
        return data if raw else frames.consumer_frame(data)

    def consumer_profile(self, consumer_id: str, *, raw: bool = False) -> Any:
        """A consumer's profile (``/consumers/{id}/profile``), one row."""
        data = ep.get_consumer_profile(self._conn, params.consumer_id(consumer_id))
        return data if raw else frames.consumer_frame(data)

    def consumer_profiles(self, consumer_ids: list[str], *, raw: bool = False) -> Any:
        """Several consumers' profiles in one request (unknown ids are left out)."""
        ids = [params.consumer_id(i) for i in params.string_list(consumer_ids, "consumer_ids")]
        if not ids:
            raise ConfigError("consumer_profiles needs at least one consumer id")
        data = ep.bulk_consumer_profiles(self._conn, list(dict.fromkeys(ids)))
        return data if raw else frames.consumer_frame(data)

    def consumer_reviews(
        self,
        consumer_id: str,
        *,
        stars: int | list[int] | str | None = None,
        language: str | list[str] | None = None,
        business_unit: str | None = None,
        order_by: str | list[str] | None = None,
        include_reported: bool = False,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> Any:
        """The reviews a consumer wrote, every page (``/consumers/{id}/reviews``)."""
        cid = params.consumer_id(consumer_id)
        st = params.stars(stars)
        langs = params.languages(language)
        order = params.order_by(order_by)
        inc = params.flag(include_reported, "include_reported")
        n = params.limit(limit)
        bar = self._progress(progress, "consumer reviews")
        bu = None if business_unit is None else self._unit_id(business_unit)
        sl = order or DESC
        items = self._collect_pages(
            lambda page: ep.list_consumer_reviews(
                self._conn,
                cid,
                page=page,
                stars=st,
                language=langs,
                order_by=sl,
                business_unit_id=bu,
                include_reported=inc or None,
            ),
            "reviews",
            limit=n,
            progress=bar,
        )
        return items if raw else frames.review_frame(items)
