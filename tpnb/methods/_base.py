"""What every DataFrame-method mixin shares: the connection, unit resolution, paging set-up."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import pandas as pd

from tpnb import endpoints as ep
from tpnb import frames, params
from tpnb.errors import ConfigError, NotFoundError
from tpnb.methods._frames import read_frame
from tpnb.paging.collect import Collector, Item, Progress
from tpnb.paging.reviewlist import KeysetChoice
from tpnb.paging.walkers import DEFAULT_CONCURRENCY, PER_PAGE, walk_pages

if TYPE_CHECKING:
    from tpnb.http.connection import Connection
    from tpnb.store.reviewstore import ReviewStore


def check_raw(raw: object) -> None:
    """Refuse a ``raw=`` that is not a bool, before the method sends anything.

    Every public method that offers ``raw=`` calls this on its first line.

    Raises:
        ConfigError: ``raw`` is not ``True`` or ``False``.
    """
    if not isinstance(raw, bool):
        raise ConfigError(
            f"raw must be True (return the JSON) or False (a DataFrame), got {raw!r:.40}"
        )


def check_fresh(fresh: object) -> None:
    """Refuse a ``fresh=`` that is not a bool, before the method sends anything.

    Raises:
        ConfigError: ``fresh`` is not ``True`` or ``False``.
    """
    if not isinstance(fresh, bool):
        raise ConfigError(
            f"fresh must be True (walk the whole list now) or False (refresh the review store), "
            f"got {fresh!r:.40}"
        )


class MethodsBase:
    """Base of the mixins: the connection and what the methods of every resource need.

    Args:
        connection: The :class:`tpnb.http.connection.Connection` every call goes through.

    Attributes:
        connection: The connection.
        concurrency: Pages requested at once by order-stable multi-page walks (default 4).
    """

    concurrency: int = DEFAULT_CONCURRENCY

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        #: business unit ids by domain, filled by the domain lookups of this client
        self._unit_ids_by_domain: dict[str, str] = {}
        #: whether ``all-reviews`` is usable on this connection (learnt by the first full pull)
        self.keyset_choice = KeysetChoice()

    # ------------------------------------------------------------- business-unit references
    def _find_unit_json(self, domain: str) -> Any:
        """``find`` by domain; an unknown domain is a NotFoundError naming it."""
        try:
            data = ep.find_business_unit(self.connection, domain)
        except NotFoundError as exc:
            raise NotFoundError(
                404,
                f"no business unit found for the domain {domain!r} (check the spelling, or "
                "search with search_business_units())",
                method="GET",
                path="/business-units/find",
            ) from exc
        if isinstance(data, dict) and data.get("id"):
            self._unit_ids_by_domain[domain] = str(data["id"])
        return data

    def _unit_id(self, business_unit: object) -> str:
        """The id of a business unit given as an id or a domain (domain lookups are cached)."""
        reference = params.business_unit(business_unit)
        if reference.id is not None:
            return reference.id
        assert reference.domain is not None
        known = self._unit_ids_by_domain.get(reference.domain)
        if known is not None:
            return known
        data = self._find_unit_json(reference.domain)
        return str(data["id"])

    def _review_store(self) -> ReviewStore | None:
        """The local review store behind ``reviews()`` / ``all_reviews()``, or ``None`` (every
        call walks the API). :class:`tpnb.Client` opens it from its ``review_store`` setting."""
        return None

    # ------------------------------------------------------------- whole results
    def _kept_review_frame(
        self,
        key: tuple[Hashable, ...],
        collect: Callable[[], list[Item]],
        *,
        business_unit_id: str,
    ) -> pd.DataFrame:
        """The review frame of ``collect()``, or a copy of the one an identical call built while
        all the pages it came from are still fresh in the HTTP cache (:mod:`tpnb.http.results`).

        Args:
            key: The call's normalised arguments (the method name first).
            collect: Walks the pages and returns the review JSON.
            business_unit_id: The unit the reviews are of.
        """
        results = self.connection.results
        kept: pd.DataFrame | None = results.get(key)
        if kept is not None:
            return kept
        with results.recording() as recording:
            frame = read_frame(frames.review_frame, collect(), business_unit_id=business_unit_id)
        results.put(key, frame, recording)
        return frame

    def _fresh_frame(
        self, collect: Callable[[], list[Item]], *, business_unit_id: str
    ) -> pd.DataFrame:
        """The review frame of ``collect()`` run with the HTTP cache bypassed (``fresh=True``
        without a review store)."""
        with self.connection.session.cache_disabled():
            items = collect()
        return read_frame(frames.review_frame, items, business_unit_id=business_unit_id)

    # ------------------------------------------------------------- paging helpers
    def _progress(self, enabled: object, description: str) -> Progress:
        """A progress bar for a multi-page walk (``enabled`` is the method's ``progress=``)."""
        if not isinstance(enabled, bool):
            raise ConfigError(f"progress must be True or False, got {enabled!r}")
        return Progress(enabled, description)

    def _collect_pages(
        self,
        fetch: Callable[[int], Any],
        key: str,
        *,
        limit: int | None,
        progress: Progress,
    ) -> list[Item]:
        """Every item of a page-numbered list (de-duplicated by id), up to ``limit``.

        Args:
            fetch: ``fetch(page)`` returns the JSON of that page (1-based).
            key: The list's key in the responses.
            limit: At most this many items (``None``: all).
            progress: The bar the walk counts its requests on.
        """
        if limit == 0:
            return []
        pages = walk_pages(fetch, key, per_page=PER_PAGE, progress=progress)
        with progress:
            return Collector(limit).fill(pages)
