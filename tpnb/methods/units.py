"""Business units and categories as DataFrames (public API)."""

from __future__ import annotations

from typing import Any

from tpnb import endpoints as ep
from tpnb import params
from tpnb.methods._base import MethodsBase
from tpnb.methods._frames import frames
from tpnb.paging.collect import Collector
from tpnb.paging.walkers import walk_tokens

#: ``perPage`` of ``/business-units/all`` (the API allows up to 1000).
ALL_UNITS_PER_PAGE = 1000


class BusinessUnitMethods(MethodsBase):
    """Business units: find, get, search, list all; profile, categories, web links."""

    def find_business_unit(self, domain: str, *, raw: bool = False) -> Any:
        """The business unit of a domain (``GET /business-units/find``).

        Args:
            domain: The domain (``"example.com"``; a URL is reduced to its host).
            raw: Return the JSON instead of a DataFrame.

        Returns:
            A one-row DataFrame (columns: :data:`tpnb.frames.BUSINESS_UNIT_SCHEMA`).

        Raises:
            NotFoundError: No business unit has this domain (the message names it).
        """
        data = self._find_unit_json(params.domain(domain))
        return data if raw else frames.business_unit_frame(data)

    def business_unit(self, business_unit: str, *, raw: bool = False) -> Any:
        """One business unit, given by id or by domain (one request either way)."""
        ref = params.business_unit(business_unit)
        if ref.id is None:
            assert ref.domain is not None
            data = self._find_unit_json(ref.domain)
        else:
            data = ep.get_business_unit(self._conn, ref.id)
        return data if raw else frames.business_unit_frame(data)

    def search_business_units(
        self,
        query: str,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> Any:
        """Business units matching a search text, best match first (``/business-units/search``)."""
        text = params.text(query, "query")
        cc = params.country(country)
        n = params.limit(limit)
        bar = self._progress(progress, "search")
        units = self._collect_pages(
            lambda page: ep.search_business_units(self._conn, text, country=cc, page=page),
            "businessUnits",
            limit=n,
            progress=bar,
        )
        return units if raw else frames.business_unit_frame(units)

    def business_units(
        self,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> Any:
        """Every business unit (including those without reviews), cursor-paged."""
        cc = params.country(country)
        n = params.limit(limit)
        collector = Collector(n)
        if n != 0:
            with self._progress(progress, "business units") as bar:
                pages = walk_tokens(
                    lambda cursor: ep.list_business_units(
                        self._conn, country=cc, per_page=ALL_UNITS_PER_PAGE, cursor=cursor
                    ),
                    "businessUnits",
                    ("cursor",),
                    progress=bar,
                )
                collector.fill(pages)
        units = collector.items
        return units if raw else frames.business_unit_frame(units)

    def business_unit_profile(self, business_unit: str, *, raw: bool = False) -> Any:
        """A business unit's profile info: contact, address, description, social media."""
        bu = self._unit_id(business_unit)
        data = ep.get_profile_info(self._conn, bu)
        return data if raw else frames.profile_frame(data, business_unit_id=bu)

    def business_unit_categories(
        self,
        business_unit: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: bool = False,
    ) -> Any:
        """The categories of a business unit, with ranking and relevance (one row each)."""
        bu = self._unit_id(business_unit)
        cc = params.country(country)
        loc = None if locale is None else params.locale(locale)
        data = ep.get_business_unit_categories(self._conn, bu, country=cc, locale=loc)
        return data if raw else frames.business_unit_category_frame(data, business_unit_id=bu)

    def web_links(self, business_unit: str, locale: str = "en-US", *, raw: bool = False) -> Any:
        """A business unit's Trustpilot web links (profile, evaluate...) in a locale."""
        bu = self._unit_id(business_unit)
        data = ep.get_web_links(self._conn, bu, params.locale(locale))
        return data if raw else frames.web_links_frame(data, owner_id=bu)

    def categories(
        self,
        *,
        country: str | None = None,
        parent: str | None = None,
        locale: str | None = None,
        raw: bool = False,
    ) -> Any:
        """The category tree's level under ``parent`` (top level when ``None``)."""
        cc = params.country(country)
        par = params.optional_text(parent, "parent")
        loc = None if locale is None else params.locale(locale)
        data = ep.list_categories(self._conn, country=cc, locale=loc, parent_id=par)
        return data if raw else frames.category_frame(data)

    def category(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: bool = False,
    ) -> Any:
        """One category (name, parent, business unit count)."""
        cat = params.text(category, "category")
        cc = params.country(country)
        loc = None if locale is None else params.locale(locale)
        data = ep.get_category(self._conn, cat, country=cc, locale=loc)
        return data if raw else frames.category_frame(data)

    def category_business_units(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> Any:
        """The business units of a category (page-numbered, every page)."""
        cat = params.text(category, "category")
        cc = params.country(country)
        loc = None if locale is None else params.locale(locale)
        n = params.limit(limit)
        bar = self._progress(progress, f"category {cat}")
        units = self._collect_pages(
            lambda page: ep.list_category_business_units(
                self._conn, cat, country=cc, locale=loc, page=page
            ),
            "businessUnits",
            limit=n,
            progress=bar,
        )
        return units if raw else frames.business_unit_frame(units)
