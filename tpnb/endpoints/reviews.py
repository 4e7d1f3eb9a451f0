"""Public reviews and consumers (api key)."""

from __future__ import annotations

from collections.abc import Sequence

from tpnb.endpoints._common import Conn, Json, query, review_page_size, seg


def list_business_unit_reviews(
    conn: Conn,
    business_unit_id: str,
    *,
    page: int = 1,
    per_page: int = 100,
    stars: Sequence[int] | None = None,
    language: Sequence[str] | None = None,
    order_by: Sequence[str] | None = None,
    responded: bool | None = None,
    tag_group: str | None = None,
    tag_value: str | None = None,
    include_reported: bool | None = None,
    location_id: str | None = None,
) -> Json:
    """``GET /business-units/{id}/reviews`` -> ``{"reviews": [...], "links": [...]}``."""
    params = query(
        page=page,
        perPage=review_page_size(per_page),
        stars=stars,
        language=language,
        orderBy=order_by,
        responded=responded,
        tagGroup=tag_group,
        tagValue=tag_value,
        includeReportedReviews=include_reported,
        internalLocationId=location_id,
    )
    return conn.get_json(
        f"/business-units/{seg(business_unit_id)}/reviews", params, list_key="reviews"
    )


def list_all_reviews(
    conn: Conn,
    business_unit_id: str,
    *,
    page_token: str | None = None,
    include_reported: bool | None = None,
) -> Json:
    """``GET /business-units/{id}/all-reviews`` (keyset paging with ``pageToken``).

    Only ``pageToken`` is documented: no ``perPage`` is sent (the server picks its page size),
    and ``includeReportedReviews`` only when asked for.
    """
    params = query(pageToken=page_token, includeReportedReviews=include_reported)
    return conn.get_json(
        f"/business-units/{seg(business_unit_id)}/all-reviews", params, list_key="reviews"
    )


def get_review(conn: Conn, review_id: str) -> Json:
    """``GET /reviews/{id}`` -> one public review."""
    return conn.get_json(f"/reviews/{seg(review_id)}")


def get_review_likes(conn: Conn, review_id: str) -> Json:
    """``GET /reviews/{id}/likes`` -> ``{"likes": [...]}``."""
    return conn.get_json(f"/reviews/{seg(review_id)}/likes")


def list_latest_reviews(
    conn: Conn, language: Sequence[str], *, count: int = 100, locale: str | None = None
) -> Json:
    """``GET /reviews/latest`` -> ``{"reviews": [...]}`` (the newest reviews in a language)."""
    return conn.get_json(
        "/reviews/latest", query(language=language, count=count, locale=locale), list_key="reviews"
    )


def get_consumer(conn: Conn, consumer_id: str) -> Json:
    """``GET /consumers/{id}`` -> the consumer with review count and links."""
    return conn.get_json(f"/consumers/{seg(consumer_id)}")


def get_consumer_profile(conn: Conn, consumer_id: str) -> Json:
    """``GET /consumers/{id}/profile``."""
    return conn.get_json(f"/consumers/{seg(consumer_id)}/profile")


def bulk_consumer_profiles(conn: Conn, consumer_ids: Sequence[str]) -> Json:
    """``POST /consumers/profile/bulk`` -> ``{"consumers": {...}, "notFoundConsumerIds": [...]}``."""
    return conn.post_json(
        "/consumers/profile/bulk", {"consumerIds": list(consumer_ids)}, private=False
    )


def list_consumer_reviews(
    conn: Conn,
    consumer_id: str,
    *,
    page: int = 1,
    per_page: int = 100,
    stars: Sequence[int] | None = None,
    language: Sequence[str] | None = None,
    order_by: Sequence[str] | None = None,
    business_unit_id: str | None = None,
    include_reported: bool | None = None,
) -> Json:
    """``GET /consumers/{id}/reviews`` -> ``{"reviews": [...], "links": [...]}``."""
    params = query(
        page=page,
        perPage=review_page_size(per_page),
        stars=stars,
        language=language,
        orderBy=order_by,
        businessUnitId=business_unit_id,
        includeReportedReviews=include_reported,
    )
    return conn.get_json(f"/consumers/{seg(consumer_id)}/reviews", params, list_key="reviews")
