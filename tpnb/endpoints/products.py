"""Product reviews (public and private) and invitation links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tpnb.endpoints._common import Conn, Json, query, seg


def sku_list(skus: Sequence[str]) -> str:
    """SKUs as the comma-separated list the product endpoints read (never a JSON array).

    Raises:
        ValueError: A SKU is empty or contains a comma (it would read as two SKUs).
    """
    for sku in skus:
        if not isinstance(sku, str) or not sku.strip() or "," in sku:
            raise ValueError(
                f"each SKU must be a non-empty string without a comma (SKUs are sent as a "
                f"comma-separated list), got {sku!r:.60}"
            )
    return ",".join(sku.strip() for sku in skus)


def get_product_review_summary(
    conn: Conn,
    business_unit_id: str,
    skus: Sequence[str] | None = None,
    *,
    product_url: str | None = None,
) -> Json:
    """``GET /product-reviews/business-units/{id}?sku=A,B`` -> the summary for those SKUs.

    ``sku`` goes as a comma-separated list (the form the API's array parameters take; no
    JSON array), and at least one of ``sku`` or ``productUrl`` is always sent.

    Raises:
        ValueError: Neither SKUs nor a product URL, or a SKU :func:`sku_list` refuses.
    """
    if not skus and not product_url:
        raise ValueError("the product review summary needs SKUs or a productUrl (got neither)")
    params = query(sku=sku_list(skus) if skus else None, productUrl=product_url)
    path = f"/product-reviews/business-units/{seg(business_unit_id)}"
    return conn.get_json(path, params)


def list_product_reviews(
    conn: Conn,
    business_unit_id: str,
    *,
    skus: Sequence[str] | None = None,
    product_url: str | None = None,
    page: int = 1,
    per_page: int = 100,
    language: Sequence[str] | None = None,
    stars: Sequence[int] | None = None,
    locale: str | None = None,
    attribute_ids: Sequence[str] | None = None,
) -> Json:
    """``GET /product-reviews/business-units/{id}/reviews`` -> ``{"productReviews": [...]}``.

    ``sku`` (a comma-separated list) or ``productUrl`` is required, as for the summary.
    """
    if not skus and not product_url:
        raise ValueError("product reviews need SKUs or a productUrl (got neither)")
    params = query(
        sku=sku_list(skus) if skus else None,
        productUrl=product_url,
        page=page,
        perPage=per_page,
        language=language,
        stars=stars,
        locale=locale,
        attributeIds=attribute_ids,
    )
    path = f"/product-reviews/business-units/{seg(business_unit_id)}/reviews"
    return conn.get_json(path, params, list_key="productReviews")


def get_attribute_summaries(
    conn: Conn, business_unit_id: str, skus: Sequence[str], *, locale: str | None = None
) -> Json:
    """``POST /product-reviews/business-units/{id}/attribute-summaries`` ``{"skus", "locale"}``
    -> ``{"attributes": [{attributeId, attributeName, numberOfRatings, averageRating}]}`` (the
    request is documented; the answer's shape is the emulator's, see its docstring)."""
    body: dict[str, Any] = {"skus": list(skus)}
    if locale is not None:
        body["locale"] = locale
    path = f"/product-reviews/business-units/{seg(business_unit_id)}/attribute-summaries"
    return conn.post_json(path, body, private=False)


def list_private_product_reviews(
    conn: Conn,
    business_unit_id: str,
    *,
    skus: Sequence[str] | None = None,
    page: int = 1,
    per_page: int = 100,
    language: Sequence[str] | None = None,
    state: str | None = None,
    locale: str | None = None,
) -> Json:
    """``GET /private/product-reviews/business-units/{id}/reviews`` (OAuth)."""
    params = query(
        sku=sku_list(skus) if skus else None,
        page=page,
        perPage=per_page,
        language=language,
        state=state,
        locale=locale,
    )
    path = f"/private/product-reviews/business-units/{seg(business_unit_id)}/reviews"
    return conn.get_json(path, params, private=True, list_key="productReviews")


def create_invitation_link(conn: Conn, business_unit_id: str, body: Mapping[str, Any]) -> Json:
    """``POST`` (invitations host) ``/private/business-units/{id}/invitation-links``.

    ``body``: ``{locationId, referenceId, email, name, locale, tags, redirectUri}`` -> ``{id, url}``.
    """
    path = f"/private/business-units/{seg(business_unit_id)}/invitation-links"
    return conn.post_json(path, dict(body), api="invitations")
