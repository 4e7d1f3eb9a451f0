"""Business units and categories as DataFrames (public API)."""

from __future__ import annotations

from typing import Any, Literal, overload

import pandas as pd

from tpnb import endpoints as ep
from tpnb import frames, params
from tpnb.methods._base import MethodsBase, check_raw
from tpnb.methods._frames import read_frame
from tpnb.paging.collect import Collector, Item
from tpnb.paging.walkers import walk_tokens

#: ``perPage`` of ``/business-units/all`` (the API allows up to 1000).
ALL_UNITS_PER_PAGE = 1000


class BusinessUnitMethods(MethodsBase):
    """Business units: find, get, search, list all; profile, categories, web links."""

    @overload
    def find_business_unit(self, domain: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def find_business_unit(self, domain: str, *, raw: Literal[True]) -> Any: ...
    def find_business_unit(self, domain: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """The business unit of a domain (``GET /business-units/find``).

        Args:
            domain: The domain (``"example.com"``; a URL is reduced to its host).
            raw: Return the JSON instead of a DataFrame.

        Returns:
            A one-row DataFrame (columns: :data:`tpnb.frames.BUSINESS_UNIT_SCHEMA`).

        Raises:
            NotFoundError: No business unit has this domain (the message names it).
        """
        check_raw(raw)
        data = self._find_unit_json(params.domain(domain))
        return data if raw else read_frame(frames.business_unit_frame, data)

    @overload
    def business_unit(self, business_unit: str, *, raw: Literal[False] = False) -> pd.DataFrame: ...
    @overload
    def business_unit(self, business_unit: str, *, raw: Literal[True]) -> Any: ...
    def business_unit(self, business_unit: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """One business unit, given by id or by domain (one request either way)."""
        check_raw(raw)
        reference = params.business_unit(business_unit)
        if reference.id is None:
            assert reference.domain is not None
            data = self._find_unit_json(reference.domain)
        else:
            data = ep.get_business_unit(self.connection, reference.id)
        return data if raw else read_frame(frames.business_unit_frame, data)

    @overload
    def search_business_units(
        self,
        query: str,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def search_business_units(
        self,
        query: str,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[True],
    ) -> list[Item]: ...
    def search_business_units(
        self,
        query: str,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """Business units matching a search text, best match first (``/business-units/search``)."""
        check_raw(raw)
        text = params.text(query, "query")
        country_code = params.country(country)
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "search")
        units = self._collect_pages(
            lambda page: ep.search_business_units(
                self.connection, text, country=country_code, page=page
            ),
            "businessUnits",
            limit=row_limit,
            progress=progress_bar,
        )
        return units if raw else read_frame(frames.business_unit_frame, units)

    @overload
    def business_units(
        self,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def business_units(
        self,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[True],
    ) -> list[Item]: ...
    def business_units(
        self,
        *,
        country: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """Every business unit (including those without reviews), cursor-paged."""
        check_raw(raw)
        country_code = params.country(country)
        row_limit = params.limit(limit)
        collector = Collector(row_limit)
        if row_limit != 0:
            with self._progress(progress, "business units") as progress_bar:
                pages = walk_tokens(
                    lambda cursor: ep.list_business_units(
                        self.connection,
                        country=country_code,
                        per_page=ALL_UNITS_PER_PAGE,
                        cursor=cursor,
                    ),
                    "businessUnits",
                    ("cursor",),
                    progress=progress_bar,
                )
                collector.fill(pages)
        units = collector.items
        return units if raw else read_frame(frames.business_unit_frame, units)

    @overload
    def business_unit_profile(
        self, business_unit: str, *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def business_unit_profile(self, business_unit: str, *, raw: Literal[True]) -> Any: ...
    def business_unit_profile(self, business_unit: str, *, raw: bool = False) -> pd.DataFrame | Any:
        """A business unit's profile info: contact, address, description, social media."""
        check_raw(raw)
        unit_id = self._unit_id(business_unit)
        data = ep.get_profile_info(self.connection, unit_id)
        return data if raw else read_frame(frames.profile_frame, data, business_unit_id=unit_id)

    @overload
    def business_unit_categories(
        self,
        business_unit: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def business_unit_categories(
        self,
        business_unit: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: Literal[True],
    ) -> Any: ...
    def business_unit_categories(
        self,
        business_unit: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: bool = False,
    ) -> pd.DataFrame | Any:
        """The categories of a business unit, with ranking and relevance (one row each)."""
        check_raw(raw)
        unit_id = self._unit_id(business_unit)
        country_code = params.country(country)
        checked_locale = None if locale is None else params.locale(locale)
        data = ep.get_business_unit_categories(
            self.connection, unit_id, country=country_code, locale=checked_locale
        )
        if raw:
            return data
        return read_frame(frames.business_unit_category_frame, data, business_unit_id=unit_id)

    @overload
    def web_links(
        self, business_unit: str, locale: str = "en-US", *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def web_links(
        self, business_unit: str, locale: str = "en-US", *, raw: Literal[True]
    ) -> Any: ...
    def web_links(
        self, business_unit: str, locale: str = "en-US", *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """A business unit's Trustpilot web links (profile, evaluate...) in a locale."""
        check_raw(raw)
        unit_id = self._unit_id(business_unit)
        data = ep.get_web_links(self.connection, unit_id, params.locale(locale))
        return data if raw else read_frame(frames.web_links_frame, data, owner_id=unit_id)

    @overload
    def categories(
        self,
        *,
        country: str | None = None,
        parent: str | None = None,
        locale: str | None = None,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def categories(
        self,
        *,
        country: str | None = None,
        parent: str | None = None,
        locale: str | None = None,
        raw: Literal[True],
    ) -> Any: ...
    def categories(
        self,
        *,
        country: str | None = None,
        parent: str | None = None,
        locale: str | None = None,
        raw: bool = False,
    ) -> pd.DataFrame | Any:
        """The category tree's level under ``parent`` (top level when ``None``)."""
        check_raw(raw)
        country_code = params.country(country)
        parent_id = params.optional_text(parent, "parent")
        checked_locale = None if locale is None else params.locale(locale)
        data = ep.list_categories(
            self.connection, country=country_code, locale=checked_locale, parent_id=parent_id
        )
        return data if raw else read_frame(frames.category_frame, data)

    @overload
    def category(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def category(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: Literal[True],
    ) -> Any: ...
    def category(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        raw: bool = False,
    ) -> pd.DataFrame | Any:
        """One category (name, parent, business unit count)."""
        check_raw(raw)
        category_id = params.text(category, "category")
        country_code = params.country(country)
        checked_locale = None if locale is None else params.locale(locale)
        data = ep.get_category(
            self.connection, category_id, country=country_code, locale=checked_locale
        )
        return data if raw else read_frame(frames.category_frame, data)

    @overload
    def category_business_units(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def category_business_units(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[True],
    ) -> list[Item]: ...
    def category_business_units(
        self,
        category: str,
        *,
        country: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """The business units of a category (page-numbered, every page)."""
        check_raw(raw)
        category_id = params.text(category, "category")
        country_code = params.country(country)
        checked_locale = None if locale is None else params.locale(locale)
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, f"category {category_id}")
        units = self._collect_pages(
            lambda page: ep.list_category_business_units(
                self.connection, category_id, country=country_code, locale=checked_locale, page=page
            ),
            "businessUnits",
            limit=row_limit,
            progress=progress_bar,
        )
        return units if raw else read_frame(frames.business_unit_frame, units)
