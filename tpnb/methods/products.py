"""Product reviews and invitation links as DataFrames."""

from __future__ import annotations

from typing import Any

from tpnb import endpoints as ep
from tpnb import params
from tpnb.errors import ConfigError
from tpnb.methods._base import MethodsBase
from tpnb.methods._frames import frames


class ProductMethods(MethodsBase):
    """Product reviews (public and private), their summaries, and invitation links."""

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
    ) -> Any:
        """Public product reviews of some SKUs (or of a product URL), every page.

        ``attribute_ids`` keeps the reviews that rated at least one of those attributes (ids as
        in the ``attribute_ratings`` column and :meth:`product_attribute_summaries`).
        """
        sk = params.skus(skus)
        url = params.optional_text(product_url, "product_url")
        if sk is None and url is None:
            raise ConfigError("product_reviews needs skus=... (one SKU or a list) or product_url=")
        langs = params.languages(language)
        st = params.stars(stars)
        loc = None if locale is None else params.locale(locale)
        attrs = (
            None if attribute_ids is None else params.string_list(attribute_ids, "attribute_ids")
        )
        if attrs is not None and (not attrs or not all(a.strip() for a in attrs)):
            raise ConfigError("attribute_ids must name at least one attribute id (non-empty)")
        n = params.limit(limit)
        bar = self._progress(progress, "product reviews")
        bu = self._unit_id(business_unit)
        items = self._collect_pages(
            lambda page: ep.list_product_reviews(
                self._conn,
                bu,
                skus=sk,
                product_url=url,
                page=page,
                language=langs,
                stars=st,
                locale=loc,
                attribute_ids=attrs,
            ),
            "productReviews",
            limit=n,
            progress=bar,
        )
        return items if raw else frames.product_review_frame(items, business_unit_id=bu)

    def product_review_summary(
        self, business_unit: str, skus: str | list[str], *, raw: bool = False
    ) -> Any:
        """Star counts and average of the product reviews of some SKUs."""
        sk = params.skus(skus, required=True)
        assert sk is not None
        bu = self._unit_id(business_unit)
        data = ep.get_product_review_summary(self._conn, bu, sk)
        return data if raw else frames.product_review_summary_frame(data, business_unit_id=bu)

    def product_attribute_summaries(
        self,
        business_unit: str,
        skus: str | list[str],
        *,
        locale: str | None = None,
        raw: bool = False,
    ) -> Any:
        """Per product attribute (Quality, Value for money...): how many reviews of these SKUs
        rated it, and their mean rating. One row per attribute."""
        sk = params.skus(skus, required=True)
        assert sk is not None
        loc = None if locale is None else params.locale(locale)
        bu = self._unit_id(business_unit)
        data = ep.get_attribute_summaries(self._conn, bu, sk, locale=loc)
        return data if raw else frames.attribute_summary_frame(data, business_unit_id=bu)

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
    ) -> Any:
        """Your unit's product reviews with private fields (OAuth), every page."""
        sk = params.skus(skus)
        langs = params.languages(language)
        st = params.optional_text(state, "state")
        loc = None if locale is None else params.locale(locale)
        n = params.limit(limit)
        bar = self._progress(progress, "private product reviews")
        bu = self._unit_id(business_unit)
        items = self._collect_pages(
            lambda page: ep.list_private_product_reviews(
                self._conn, bu, skus=sk, page=page, language=langs, state=st, locale=loc
            ),
            "productReviews",
            limit=n,
            progress=bar,
        )
        return (
            items if raw else frames.product_review_frame(items, private=True, business_unit_id=bu)
        )

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
    ) -> Any:
        """Create a review invitation link for one customer (invitations API, OAuth)."""
        addr = params.text(email, "email")
        if "@" not in addr:
            raise ConfigError(f"email must be an email address, got {email!r}")
        body: dict[str, Any] = {"email": addr}
        if name is not None:
            body["name"] = params.text(name, "name")
        if reference_id is not None:
            body["referenceId"] = params.text(reference_id, "reference_id")
        if locale is not None:
            body["locale"] = params.locale(locale)
        if tags is not None:
            body["tags"] = [params.text(t, "tag") for t in params.string_list(tags, "tags")]
        if redirect_uri is not None:
            body["redirectUri"] = params.text(redirect_uri, "redirect_uri")
        if location is not None:
            body["locationId"] = params.location_id(location)
        bu = self._unit_id(business_unit)
        data = ep.create_invitation_link(self._conn, bu, body)
        return data if raw else frames.invitation_link_frame(data, business_unit_id=bu)
