"""Public reviews and consumers as DataFrames."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from tpnb import endpoints as ep
from tpnb import frames, params
from tpnb.errors import APIError, ConfigError, ResponseError
from tpnb.methods._base import MethodsBase, check_fresh, check_raw
from tpnb.methods._frames import read_frame
from tpnb.paging.collect import Item, Progress
from tpnb.paging.reviewlist import PublicReviewWalk, ReviewRequest, keyset_refused
from tpnb.paging.slicing import DESC, Slice
from tpnb.paging.walkers import PER_PAGE, walk_tokens

if TYPE_CHECKING:
    from tpnb.http.connection import Connection


@dataclass(frozen=True)
class UnitReviewPages:
    """The pages of one unit's public review list, with the server-side filters of a call.

    The star filter is not here: it comes with each :class:`~tpnb.paging.slicing.Slice`, as a
    walk past the API's depth cap splits the list by star rating.
    """

    connection: Connection
    business_unit_id: str
    languages: tuple[str, ...] | None = None
    responded: bool | None = None
    tag_group: str | None = None
    tag_value: str | None = None
    include_reported: bool | None = None
    location_id: str | None = None

    def offset_page(self, review_slice: Slice, page: int) -> Any:
        """Page ``page`` of the list (``/business-units/{id}/reviews``) for ``review_slice``."""
        return ep.list_business_unit_reviews(
            self.connection,
            self.business_unit_id,
            page=page,
            per_page=review_slice.per_page,
            stars=review_slice.stars,
            language=self.languages,
            order_by=review_slice.order,
            responded=self.responded,
            tag_group=self.tag_group,
            tag_value=self.tag_value,
            include_reported=self.include_reported or None,
            location_id=self.location_id,
        )

    def page_after_token(self, token: str | None) -> Any:
        """The ``all-reviews`` page after ``token`` (``None``: the first), newest first."""
        return ep.list_all_reviews(
            self.connection,
            self.business_unit_id,
            page_token=token,
            include_reported=self.include_reported or None,
        )

    def review_count(self) -> int | None:
        """The unit's ``numberOfReviews.total`` (``None`` when the API does not say)."""
        data = ep.get_business_unit(self.connection, self.business_unit_id)
        counts = data.get("numberOfReviews") if isinstance(data, dict) else None
        total = counts.get("total") if isinstance(counts, dict) else None
        return total if isinstance(total, int) else None


def reviews_key(
    unit_id: str,
    server_filters: tuple[Any, ...] = (),
    start: Any = None,
    end: Any = None,
    order: tuple[str, ...] | None = None,
    with_reported: bool | None = False,
    row_limit: int | None = None,
) -> tuple[Any, ...]:
    """The key of a ``reviews()`` frame in the client's frame cache (:mod:`tpnb.http.results`):
    its checked arguments. Server-side filters that are ``None`` (not asked for) are left out,
    so a call without any has the same key whichever filters ``reviews()`` may gain."""
    asked = tuple(server_filters) if any(f is not None for f in server_filters) else ()
    return ("reviews", unit_id, asked, start, end, order, with_reported, row_limit)


class ReviewMethods(MethodsBase):
    """Public service reviews: a unit's reviews, one review, latest, likes; consumers."""

    @overload
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
        fresh: bool = False,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
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
        fresh: bool = False,
        raw: Literal[True],
    ) -> list[Item]: ...
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
        fresh: bool = False,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """A business unit's public reviews, every page (``/business-units/{id}/reviews``).

        Without server-side filters (``stars``, ``language``, ``responded``, tags,
        ``location``) the pull walks the keyset ``all-reviews`` list (exact while reviews are
        added or deleted, no 100,000 cap); with them, offset pages are walked twice with
        different page sizes until two walks agree (else :class:`~tpnb.errors.ConsistencyError`).
        ``since``/``until`` are applied to ``created_at`` on the client (the public endpoints
        have no date filter); a newest-first walk stops once it is older than ``since``. See
        :mod:`tpnb.paging.reviewlist` (which walk) and :mod:`tpnb.paging.slicing` (why exact).

        **The review store** (on unless ``review_store="off"``, see
        :mod:`tpnb.store.reviewstore`): the first full pull of a unit (no filter, date bound or
        limit; or ``fresh=True``) stores the unit's whole public list; every later call for the
        unit, filtered or not, refreshes it (about 3 requests: the unit's count, the newest
        page, the Deletions API) and answers from it with these filters, so a re-run of a
        full pull costs a handful of calls instead of one per 100 reviews (``tp.stats`` counts
        ``requests_saved``). The answer is what a fresh full pull gives, except what the
        refresh cannot see: an edit, company reply, report or like of a review older than the
        newest page, and a deletion the Deletions API does not list paired with an addition
        between two calls (the unit's count hides the pair). ``fresh=True`` closes both. Ties in
        ``createdAt`` come in review-id order. Tag filters (not in public JSON) and ``raw=True``
        always walk the API.

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
            fresh: Walk the whole list now (and renew the review store with it) instead of
                refreshing the store incrementally.
            raw: Return the list of review JSON objects instead of a DataFrame.

        Returns:
            One row per review (columns: :data:`tpnb.frames.REVIEW_SCHEMA`).
        """
        check_raw(raw)
        check_fresh(fresh)
        stars_filter = params.stars(stars)
        language_filter = params.languages(language)
        start, end = params.date_range(since, until)
        responded_filter = params.flag(responded, "responded")
        tag_group_filter = params.optional_text(tag_group, "tag_group")
        tag_value_filter = params.optional_text(tag_value, "tag_value")
        order = params.order_by(order_by)
        with_reported = params.flag(include_reported, "include_reported")
        location_filter = params.location_id(location)
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "reviews")
        unit_id = self._unit_id(business_unit)
        if row_limit == 0:
            return [] if raw else read_frame(frames.review_frame, [], business_unit_id=unit_id)
        pages = UnitReviewPages(
            self.connection,
            unit_id,
            languages=language_filter,
            responded=responded_filter,
            tag_group=tag_group_filter,
            tag_value=tag_value_filter,
            include_reported=with_reported,
            location_id=location_filter,
        )
        server_filters = (
            stars_filter,
            language_filter,
            responded_filter,
            tag_group_filter,
            tag_value_filter,
            location_filter,
        )
        walk = PublicReviewWalk(
            ReviewRequest(start, end, order, row_limit),
            stars=stars_filter,
            server_filtered=any(value is not None for value in server_filters),
            fetch_page=pages.offset_page,
            fetch_after_token=pages.page_after_token,
            count_reviews=pages.review_count,
            progress=progress_bar,
            concurrency=self.concurrency,
            keyset=self.keyset_choice,
        )
        if raw:
            return walk.collect()
        if tag_group_filter is None and tag_value_filter is None:  # tags are not public JSON
            stored = self._stored_reviews(
                unit_id,
                {
                    "stars": stars, "language": language, "since": since, "until": until,
                    "responded": responded, "order_by": order_by,
                    "include_reported": with_reported, "location": location, "limit": limit,
                },
                fresh=fresh,
                whole=all(
                    value is None
                    for value in (*server_filters, start, end, row_limit)
                ),
                progress=progress_bar,
            )  # fmt: skip
            if stored is not None:
                return stored
        if fresh:
            return self._fresh_frame(walk.collect, business_unit_id=unit_id)
        key = reviews_key(unit_id, server_filters, start, end, order, with_reported, row_limit)
        return self._kept_review_frame(key, walk.collect, business_unit_id=unit_id)

    def review_pages(
        self, business_unit: str, *, include_reported: bool = False
    ) -> Iterator[list[Item]]:
        """A unit's public reviews page by page as they arrive, newest first (review JSON).

        For displays that show a big unit while it loads (the first reviews come with the
        first request; the explorer and the dashboard use :meth:`streamed_reviews`, which walks
        this through the review store): each value is the reviews one ``all-reviews`` page added, not
        seen on an earlier page. Read to the end, the values joined are exactly
        ``reviews(business_unit, include_reported=..., raw=True)``, in the same order. Where
        ``all-reviews`` is refused, that pull is made instead and yielded as one list.

        Closing the generator (or leaving a ``for`` loop over it) stops the walk; its
        background fetch ends after the request it is in.

        Args:
            business_unit: A 24-hex id or a domain.
            include_reported: Include reviews that are reported (hidden by default).

        Yields:
            Lists of review JSON objects (none empty), newest first.
        """
        # checked and resolved here, when called, not when the first page is asked for
        with_reported = params.flag(include_reported, "include_reported")
        unit_id = self._unit_id(business_unit)
        return self._review_pages(unit_id, with_reported)

    def _review_pages(
        self, unit_id: str, with_reported: bool | None
    ) -> Generator[list[Item], None, None]:
        """The generator behind :meth:`review_pages`, for a checked unit id."""
        pages = UnitReviewPages(self.connection, unit_id, include_reported=with_reported)
        seen: set[str] = set()
        first = True
        if not self.keyset_choice.refused:
            walk = walk_tokens(pages.page_after_token, "reviews", prefetch=True)
            with contextlib.closing(walk):
                try:
                    for items in walk:
                        first = False
                        fresh = [item for item in items if str(item.get("id")) not in seen]
                        seen.update(str(item.get("id")) for item in fresh)
                        if fresh:
                            yield fresh
                    return
                except (APIError, ResponseError) as error:
                    if not (first and keyset_refused(error)):
                        raise
        # all-reviews is not usable here: the whole pull (offset walks) in one piece
        everything = self.reviews(
            unit_id, include_reported=bool(with_reported), progress=False, raw=True
        )
        if everything:
            yield everything

    def streamed_reviews(
        self,
        business_unit: str,
        on_page: Callable[[list[Item]], None],
        *,
        include_reported: bool = False,
    ) -> pd.DataFrame:
        """A unit's public reviews through the review store, the pages of a first load shown as
        they arrive (the explorer's and the dashboard's load).

        * **The store holds the unit**: it is refreshed as :meth:`reviews` refreshes it (about
          3 requests: the unit's count, the newest page, the Deletions API) and the stored
          reviews are returned; ``on_page`` is not called.
        * **It does not yet**: the store's first full walk is the newest-first ``all-reviews``
          walk of :meth:`review_pages` (reported reviews included, as the store keeps them),
          and each page's reviews (without the reported ones unless ``include_reported``) go
          to ``on_page`` as they arrive. At the end the unit is stored in one transaction, and
          the stored reviews are returned: what ``reviews(business_unit)`` gives, so the next
          load (and the next :meth:`reviews`) costs a handful of requests.

        An exception raised by ``on_page`` (e.g. a widget's load being cancelled) stops the
        walk and is re-raised; nothing of that walk is stored. The store is held (its thread
        lock and its file's sync lock) while the walk runs: a :meth:`reviews` call for any unit
        of the same store waits for the end. When the store's count does not agree with the
        unit's even after a second full walk (the unit keeps changing), the last walk's reviews
        are returned.

        Without a review store (``review_store="off"``) the pages of :meth:`review_pages` go to
        ``on_page`` and their frame is kept in the client's frame cache, as ``reviews()`` keeps
        its own: while every page is fresh in the HTTP cache, the next load and the next
        ``reviews(business_unit)`` cost no request (the kept frame is returned, ``on_page`` not
        called).

        Args:
            business_unit: A 24-hex id or a domain.
            on_page: Called with each page's new reviews (review JSON, newest first, none
                empty) during a first load.
            include_reported: Include reviews that are reported (hidden by default).

        Returns:
            The reviews (a review frame): what ``reviews(business_unit)`` gives.
        """
        if not callable(on_page):
            raise ConfigError(
                f"on_page must be a function taking a list of reviews, got {on_page!r}"
            )
        with_reported = bool(params.flag(include_reported, "include_reported"))
        unit_id = self._unit_id(business_unit)
        store = self._review_store()
        if store is None:
            return self._streamed_without_store(unit_id, on_page, with_reported)
        walks: list[list[Item]] = []

        def visible(items: list[Item]) -> list[Item]:
            if with_reported:
                return items
            return [item for item in items if not item.get("reportData")]

        # a first load: its first page is asked for (and shown) before the store's refresh
        # sends the unit's and the Deletions API's requests; the walk goes on inside it
        started = None if store.holds(unit_id) else self._review_pages(unit_id, True)
        first: list[Item] = []

        def full_walk() -> list[Item]:
            stream = not walks  # a repeated walk (counts that did not agree) is not shown again
            items: list[Item] = []
            walks.append(items)
            if stream and started is not None:
                items.extend(first)
                pages = started
            else:
                pages = self._review_pages(unit_id, True)
            with contextlib.closing(pages):
                for page in pages:
                    items.extend(page)
                    shown = visible(page) if stream else []
                    if shown:
                        on_page(shown)
            return items

        try:
            # the store's requests bypass the HTTP cache (a cached page could hide new reviews)
            with self.connection.session.cache_disabled():
                if started is not None:
                    first = next(started, [])
                    if visible(first):
                        on_page(visible(first))
                refresh = store.refresh(self, unit_id, full_walk=full_walk)
        finally:
            if started is not None:
                started.close()  # when the refresh did not walk (another process stored it)
        if not refresh.verified:
            return read_frame(frames.review_frame, visible(walks[-1]), business_unit_id=unit_id)
        frame: pd.DataFrame = store.reviews(unit_id, include_reported=with_reported)
        if not refresh.full:  # a direct walk needs at least one page per 100 reviews answered
            pages_needed = max(1, -(-len(frame) // PER_PAGE))
            self.connection.stats.add("requests_saved", max(0, pages_needed - refresh.requests))
        return frame

    def _streamed_without_store(
        self, unit_id: str, on_page: Callable[[list[Item]], None], with_reported: bool
    ) -> pd.DataFrame:
        """:meth:`streamed_reviews` with ``review_store="off"``: the frame ``reviews()`` kept
        while its pages are fresh in the HTTP cache (no request), else the pages of
        :meth:`review_pages` to ``on_page``, their frame kept for the next load and the next
        ``reviews()`` as that call keeps its own."""
        key = reviews_key(unit_id, with_reported=with_reported)  # reviews(unit_id)'s key
        results = self.connection.results
        kept: pd.DataFrame | None = results.get(key)
        if kept is not None:
            return kept
        items: list[Item] = []
        with results.recording() as recording:
            with contextlib.closing(self._review_pages(unit_id, with_reported)) as pages:
                for page in pages:
                    items.extend(page)
                    on_page(page)
            frame = read_frame(frames.review_frame, items, business_unit_id=unit_id)
        results.put(key, frame, recording)
        return frame

    def _stored_reviews(
        self,
        unit_id: str,
        filters: dict[str, Any],
        *,
        fresh: bool,
        whole: bool,
        progress: Progress,
    ) -> pd.DataFrame | None:
        """The call's answer from the review store after refreshing it, or ``None`` (the caller
        walks the API): no store; a unit the store does not hold yet and a call that asks for
        part of its list (a filter, a date bound or a limit costs fewer pages than the full
        walk that fills the store: the unit is stored by its first full pull or ``fresh=True``);
        or a store whose count does not agree with the unit's.

        Args:
            unit_id: The unit.
            filters: The call's filters, as the user gave them (checked already).
            fresh: Renew the unit's copy with a full walk.
            whole: The call asks for the unit's whole list.
            progress: The bar of a full walk.
        """
        store = self._review_store()
        if store is None or not (fresh or whole or store.holds(unit_id)):
            return None
        pages = UnitReviewPages(self.connection, unit_id, include_reported=True)
        full_walk = PublicReviewWalk(
            ReviewRequest(),
            stars=None,
            server_filtered=False,
            fetch_page=pages.offset_page,
            fetch_after_token=pages.page_after_token,
            count_reviews=lambda: None,
            progress=progress,
            concurrency=self.concurrency,
            keyset=self.keyset_choice,
        )
        refresh = store.refresh(self, unit_id, full_walk=full_walk.collect, fresh=fresh)
        if not refresh.verified:
            return None
        frame: pd.DataFrame = store.reviews(unit_id, **filters)
        if not refresh.full:  # a direct walk needs at least one page per 100 reviews answered
            pages_needed = max(1, -(-len(frame) // PER_PAGE))
            self.connection.stats.add("requests_saved", max(0, pages_needed - refresh.requests))
        return frame

    @overload
    def all_reviews(
        self,
        business_unit: str,
        *,
        include_reported: bool = False,
        limit: int | None = None,
        progress: bool = True,
        fresh: bool = False,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def all_reviews(
        self,
        business_unit: str,
        *,
        include_reported: bool = False,
        limit: int | None = None,
        progress: bool = True,
        fresh: bool = False,
        raw: Literal[True],
    ) -> list[Item]: ...
    def all_reviews(
        self,
        business_unit: str,
        *,
        include_reported: bool = False,
        limit: int | None = None,
        progress: bool = True,
        fresh: bool = False,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """Every public review, newest first, through the keyset-paged ``all-reviews`` endpoint.

        Sequential (one page at a time) but immune to reviews arriving or being deleted
        during the walk, and not subject to the 100,000-record cap. Where ``all-reviews`` is
        refused (or answers unreadably), the documented ``/reviews`` offset pages are read
        instead, walked twice to prove the result exact (logged once; the connection
        remembers the choice).

        Backed by the review store like :meth:`reviews` (same refresh, same blind spots);
        ``fresh=True`` walks everything now, ``raw=True`` always walks the API.
        """
        check_raw(raw)
        check_fresh(fresh)
        with_reported = params.flag(include_reported, "include_reported")
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "all reviews")
        unit_id = self._unit_id(business_unit)
        pages = UnitReviewPages(self.connection, unit_id, include_reported=with_reported)
        review_walk = PublicReviewWalk(
            ReviewRequest(limit=row_limit),
            stars=None,
            server_filtered=False,
            fetch_page=pages.offset_page,
            fetch_after_token=pages.page_after_token,
            count_reviews=lambda: None,  # no extra request to size the bar
            progress=progress_bar,
            concurrency=self.concurrency,
            keyset=self.keyset_choice,
        )

        def walk() -> list[Item]:
            return [] if row_limit == 0 else review_walk.collect()

        if raw:
            return walk()
        if row_limit != 0:
            stored = self._stored_reviews(
                unit_id,
                {"include_reported": with_reported, "limit": limit},
                fresh=fresh,
                whole=row_limit is None,
                progress=progress_bar,
            )
            if stored is not None:
                return stored
        if fresh:
            return self._fresh_frame(walk, business_unit_id=unit_id)
        key = ("all_reviews", unit_id, with_reported, row_limit)
        return self._kept_review_frame(key, walk, business_unit_id=unit_id)

    @overload
    def review(self, review_id: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def review(self, review_id: str, *, raw: Literal[True]) -> Any: ...
    def review(self, review_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """One public review by id (a one-row DataFrame)."""
        check_raw(raw)
        data = ep.get_review(self.connection, params.review_id(review_id))
        return data if raw else read_frame(frames.review_frame, data)

    @overload
    def review_likes(self, review_id: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def review_likes(self, review_id: str, *, raw: Literal[True]) -> Any: ...
    def review_likes(self, review_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """The consumers who liked a review (one row per like)."""
        check_raw(raw)
        checked_id = params.review_id(review_id)
        data = ep.get_review_likes(self.connection, checked_id)
        return data if raw else read_frame(frames.like_frame, data, review_id=checked_id)

    @overload
    def latest_reviews(
        self, language: str | list[str] = "en", count: int = 20, *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def latest_reviews(
        self, language: str | list[str] = "en", count: int = 20, *, raw: Literal[True]
    ) -> Any: ...
    def latest_reviews(
        self, language: str | list[str] = "en", count: int = 20, *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """The newest reviews on Trustpilot in some language(s) (``count`` 1..100)."""
        check_raw(raw)
        languages = params.languages(language)
        if languages is None:
            raise ConfigError("latest_reviews needs a language such as 'en'")
        checked_count = params.count(count, "count", 1, 100)
        data = ep.list_latest_reviews(self.connection, languages, count=checked_count)
        return data if raw else read_frame(frames.review_frame, data)

    @overload
    def consumer(self, consumer_id: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def consumer(self, consumer_id: str, *, raw: Literal[True]) -> Any: ...
    def consumer(self, consumer_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """A consumer (display name, location, number of reviews), one row."""
        check_raw(raw)
        data = ep.get_consumer(self.connection, params.consumer_id(consumer_id))
        return data if raw else read_frame(frames.consumer_frame, data)

    @overload
    def consumer_profile(
        self, consumer_id: str, *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def consumer_profile(self, consumer_id: str, *, raw: Literal[True]) -> Any: ...
    def consumer_profile(self, consumer_id: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """A consumer's profile (``/consumers/{id}/profile``), one row."""
        check_raw(raw)
        data = ep.get_consumer_profile(self.connection, params.consumer_id(consumer_id))
        return data if raw else read_frame(frames.consumer_frame, data)

    @overload
    def consumer_profiles(
        self, consumer_ids: list[str], *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def consumer_profiles(self, consumer_ids: list[str], *, raw: Literal[True]) -> Any: ...
    def consumer_profiles(
        self, consumer_ids: list[str], *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """Several consumers' profiles in one request (unknown ids are left out)."""
        check_raw(raw)
        ids = [
            params.consumer_id(given) for given in params.string_list(consumer_ids, "consumer_ids")
        ]
        if not ids:
            raise ConfigError("consumer_profiles needs at least one consumer id")
        data = ep.bulk_consumer_profiles(self.connection, list(dict.fromkeys(ids)))
        return data if raw else read_frame(frames.consumer_frame, data)

    @overload
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
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
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
        raw: Literal[True],
    ) -> list[Item]: ...
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
    ) -> pd.DataFrame | list[Item]:
        """The reviews a consumer wrote, every page (``/consumers/{id}/reviews``)."""
        check_raw(raw)
        checked_consumer_id = params.consumer_id(consumer_id)
        stars_filter = params.stars(stars)
        language_filter = params.languages(language)
        order = params.order_by(order_by) or DESC
        with_reported = params.flag(include_reported, "include_reported")
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "consumer reviews")
        unit_id = None if business_unit is None else self._unit_id(business_unit)
        items = self._collect_pages(
            lambda page: ep.list_consumer_reviews(
                self.connection,
                checked_consumer_id,
                page=page,
                stars=stars_filter,
                language=language_filter,
                order_by=order,
                business_unit_id=unit_id,
                include_reported=with_reported or None,
            ),
            "reviews",
            limit=row_limit,
            progress=progress_bar,
        )
        return items if raw else read_frame(frames.review_frame, items)
