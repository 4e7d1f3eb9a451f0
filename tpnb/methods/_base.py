"""What every DataFrame-method mixin shares: the connection, unit resolution, paging set-up."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tpnb import endpoints as ep
from tpnb import params
from tpnb.errors import ConfigError, NotFoundError
from tpnb.paging.collect import Collector, Progress
from tpnb.paging.walkers import DEFAULT_CONCURRENCY, PER_PAGE, walk_pages

if TYPE_CHECKING:
    from tpnb.http.connection import Connection

Json = Any


def _checking_raw(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a public method that takes ``raw=`` so a non-bool is refused before any request."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        raw = kwargs.get("raw", False)
        if not isinstance(raw, bool):
            raise ConfigError(
                f"raw must be True (return the JSON) or False (a DataFrame), got {raw!r:.40}"
            )
        return method(self, *args, **kwargs)

    return wrapper


class MethodsBase:
    """Base of the mixins; the class they are mixed into sets ``self.connection``.

    Attributes:
        connection: The :class:`tpnb.http.connection.Connection` every call goes through.
        concurrency: Pages requested at once by order-stable multi-page walks (default 4).
    """

    connection: Connection
    concurrency: int = DEFAULT_CONCURRENCY

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every public method with a ``raw`` parameter checks it (one place, not fifty)."""
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if "raw" in inspect.signature(value).parameters:
                setattr(cls, name, _checking_raw(value))

    @property
    def _conn(self) -> Connection:
        return self.connection

    # ------------------------------------------------------------- business-unit references
    def _unit_cache(self) -> dict[str, str]:
        cache: dict[str, str] | None = self.__dict__.get("_tpnb_unit_ids")
        if cache is None:
            cache = self.__dict__.setdefault("_tpnb_unit_ids", {})
        return cache

    def _find_unit_json(self, domain: str) -> Json:
        """``find`` by domain; an unknown domain is a NotFoundError naming it."""
        try:
            data = ep.find_business_unit(self._conn, domain)
        except NotFoundError as exc:
            raise NotFoundError(
                404,
                f"no business unit found for the domain {domain!r} (check the spelling, or "
                "search with search_business_units())",
                method="GET",
                path="/business-units/find",
            ) from exc
        if isinstance(data, dict) and data.get("id"):
            self._unit_cache()[domain] = str(data["id"])
        return data

    def _unit_id(self, business_unit: object) -> str:
        """The id of a business unit given as an id or a domain (domain lookups are cached)."""
        ref = params.business_unit(business_unit)
        if ref.id is not None:
            return ref.id
        assert ref.domain is not None
        cached = self._unit_cache().get(ref.domain)
        if cached is not None:
            return cached
        data = self._find_unit_json(ref.domain)
        return str(data["id"])

    # ------------------------------------------------------------- whole results
    def _kept_frame(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """``build()``'s frame, or a copy of the one an identical call built while all the
        pages it came from are still fresh in the HTTP cache (:mod:`tpnb.http.results`).

        Args:
            key: The call's normalised arguments (the method name first).
            build: Walks the pages and converts them.
        """
        results = self._conn.results
        kept = results.get(key)
        if kept is not None:
            return kept
        with results.recording() as rec:
            frame = build()
        results.put(key, frame, rec)
        return frame

    # ------------------------------------------------------------- paging helpers
    def _progress(self, enabled: object, desc: str, total: int | None = None) -> Progress:
        if not isinstance(enabled, bool):
            raise ConfigError(f"progress must be True or False, got {enabled!r}")
        return Progress(enabled, desc, total)

    def _collect_pages(
        self,
        fetch: Callable[[int], Json],
        key: str,
        *,
        limit: int | None,
        progress: Progress,
        concurrent: bool = False,
        per_page: int = PER_PAGE,
    ) -> list[dict[str, Any]]:
        """Every item of a page-numbered list (de-duplicated by id), up to ``limit``."""
        collector = Collector(limit)
        if limit == 0:
            return []
        pages = walk_pages(
            fetch,
            key,
            per_page=per_page,
            concurrency=self.concurrency if concurrent else 1,
            progress=progress,
        )
        with progress:
            return collector.fill(pages)
