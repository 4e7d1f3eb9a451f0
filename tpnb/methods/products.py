"""Product reviews and invitation links as DataFrames."""

from __future__ import annotations

from typing import Any, Literal, overload

import pandas as pd

from tpnb import endpoints as ep
from tpnb import frames, params
from tpnb.errors import ConfigError
from tpnb.methods._base import MethodsBase, check_raw
from tpnb.methods._frames import read_frame
from tpnb.paging.collect import Item


class ProductMethods(MethodsBase):
    """Product reviews (public and private), their summaries, and invitation links."""

    @overload
    def product_reviews(
        self,
        business_unit: str,
        skus: str | list[str] | None = None,
        *,
        product_url: str | None = None,
        language: str | list[str] | None = None,
        stars: int | list[int] | str | None = None,
        locale: str | None = None,
        attribute_ids: str | list[str] | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def product_reviews(
        self,
        business_unit: str,
        skus: str | list[str] | None = None,
        *,
        product_url: str | None = None,
        language: str | list[str] | None = None,
        stars: int | list[int] | str | None = None,
        locale: str | None = None,
        attribute_ids: str | list[str] | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[True],
    ) -> list[Item]: ...
    def product_reviews(
        self,
        business_unit: str,
        skus: str | list[str] | None = None,
        *,
        product_url: str | None = None,
        language: str | list[str] | None = None,
        stars: int | list[int] | str | None = None,
        locale: str | None = None,
        attribute_ids: str | list[str] | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """Public product reviews of some SKUs (or of a product URL), every page.

        ``attribute_ids`` keeps the reviews that rated at least one of those attributes (ids as
        in the ``attribute_ratings`` column and :meth:`product_attribute_summaries`).
        """
        check_raw(raw)
        sku_list = params.skus(skus)
        url = params.optional_text(product_url, "product_url")
        if sku_list is None and url is None:
            raise ConfigError("product_reviews needs skus=... (one SKU or a list) or product_url=")
        language_filter = params.languages(language)
        stars_filter = params.stars(stars)
        checked_locale = None if locale is None else params.locale(locale)
        attributes = (
            None if attribute_ids is None else params.string_list(attribute_ids, "attribute_ids")
        )
        if attributes is not None and (
            not attributes or not all(attribute.strip() for attribute in attributes)
        ):
            raise ConfigError("attribute_ids must name at least one attribute id (non-empty)")
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "product reviews")
        unit_id = self._unit_id(business_unit)
        items = self._collect_pages(
            lambda page: ep.list_product_reviews(
                self.connection,
                unit_id,
                skus=sku_list,
                product_url=url,
                page=page,
                language=language_filter,
                stars=stars_filter,
                locale=checked_locale,
                attribute_ids=attributes,
            ),
            "productReviews",
            limit=row_limit,
            progress=progress_bar,
        )
        if raw:
            return items
        return read_frame(frames.product_review_frame, items, business_unit_id=unit_id)

    @overload
    def product_review_summary(
        self, business_unit: str, skus: str | list[str], *, raw: Literal[False] = False
    ) -> pd.DataFrame: ...
    @overload
    def product_review_summary(
        self, business_unit: str, skus: str | list[str], *, raw: Literal[True]
    ) -> Any: ...
    def product_review_summary(
        self, business_unit: str, skus: str | list[str], *, raw: bool = False
    ) -> pd.DataFrame | Any:
        """Star counts and average of the product reviews of some SKUs."""
        check_raw(raw)
        sku_list = params.skus(skus, required=True)
        assert sku_list is not None
        unit_id = self._unit_id(business_unit)
        data = ep.get_product_review_summary(self.connection, unit_id, sku_list)
        if raw:
            return data
        return read_frame(frames.product_review_summary_frame, data, business_unit_id=unit_id)

    @overload
    def product_attribute_summaries(
        self,
        business_unit: str,
        skus: str | list[str],
        *,
        locale: str | None = None,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def product_attribute_summaries(
        self,
        business_unit: str,
        skus: str | list[str],
        *,
        locale: str | None = None,
        raw: Literal[True],
    ) -> Any: ...
    def product_attribute_summaries(
        self,
        business_unit: str,
        skus: str | list[str],
        *,
        locale: str | None = None,
        raw: bool = False,
    ) -> pd.DataFrame | Any:
        """Per product attribute (Quality, Value for money...): how many reviews of these SKUs
        rated it, and their mean rating. One row per attribute."""
        check_raw(raw)
        sku_list = params.skus(skus, required=True)
        assert sku_list is not None
        checked_locale = None if locale is None else params.locale(locale)
        unit_id = self._unit_id(business_unit)
        data = ep.get_attribute_summaries(self.connection, unit_id, sku_list, locale=checked_locale)
        if raw:
            return data
        return read_frame(frames.attribute_summary_frame, data, business_unit_id=unit_id)

    @overload
    def private_product_reviews(
        self,
        business_unit: str,
        skus: str | list[str] | None = None,
        *,
        language: str | list[str] | None = None,
        state: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def private_product_reviews(
        self,
        business_unit: str,
        skus: str | list[str] | None = None,
        *,
        language: str | list[str] | None = None,
        state: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: Literal[True],
    ) -> list[Item]: ...
    def private_product_reviews(
        self,
        business_unit: str,
        skus: str | list[str] | None = None,
        *,
        language: str | list[str] | None = None,
        state: str | None = None,
        locale: str | None = None,
        limit: int | None = None,
        progress: bool = True,
        raw: bool = False,
    ) -> pd.DataFrame | list[Item]:
        """Your unit's product reviews with private fields (OAuth), every page."""
        check_raw(raw)
        sku_list = params.skus(skus)
        language_filter = params.languages(language)
        state_filter = params.optional_text(state, "state")
        checked_locale = None if locale is None else params.locale(locale)
        row_limit = params.limit(limit)
        progress_bar = self._progress(progress, "private product reviews")
        unit_id = self._unit_id(business_unit)
        items = self._collect_pages(
            lambda page: ep.list_private_product_reviews(
                self.connection,
                unit_id,
                skus=sku_list,
                page=page,
                language=language_filter,
                state=state_filter,
                locale=checked_locale,
            ),
            "productReviews",
            limit=row_limit,
            progress=progress_bar,
        )
        if raw:
            return items
        return read_frame(
            frames.product_review_frame, items, private=True, business_unit_id=unit_id
        )

    @overload
    def invitation_link(
        self,
        business_unit: str,
        email: str,
        *,
        name: str | None = None,
        reference_id: str | None = None,
        locale: str | None = None,
        tags: Any = None,
        redirect_uri: str | None = None,
        location: str | None = None,
        raw: Literal[False] = False,
    ) -> pd.DataFrame: ...
    @overload
    def invitation_link(
        self,
        business_unit: str,
        email: str,
        *,
        name: str | None = None,
        reference_id: str | None = None,
        locale: str | None = None,
        tags: Any = None,
        redirect_uri: str | None = None,
        location: str | None = None,
        raw: Literal[True],
    ) -> Any: ...
    def invitation_link(
        self,
        business_unit: str,
        email: str,
        *,
        name: str | None = None,
        reference_id: str | None = None,
        locale: str | None = None,
        tags: Any = None,
        redirect_uri: str | None = None,
        location: str | None = None,
        raw: bool = False,
    ) -> pd.DataFrame | Any:
        """Create a review invitation link for one customer (invitations API, OAuth)."""
        check_raw(raw)
        address = params.text(email, "email")
        if "@" not in address:
            raise ConfigError(f"email must be an email address, got {email!r}")
        body: dict[str, Any] = {"email": address}
        if name is not None:
            body["name"] = params.text(name, "name")
        if reference_id is not None:
            body["referenceId"] = params.text(reference_id, "reference_id")
        if locale is not None:
            body["locale"] = params.locale(locale)
        if tags is not None:
            body["tags"] = [params.text(tag, "tag") for tag in params.string_list(tags, "tags")]
        if redirect_uri is not None:
            body["redirectUri"] = params.text(redirect_uri, "redirect_uri")
        if location is not None:
            body["locationId"] = params.location_id(location)
        unit_id = self._unit_id(business_unit)
        data = ep.create_invitation_link(self.connection, unit_id, body)
        if raw:
            return data
        return read_frame(frames.invitation_link_frame, data, business_unit_id=unit_id)
