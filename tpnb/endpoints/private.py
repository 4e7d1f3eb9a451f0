"""The Customer API: private reviews, replies and tags (OAuth bearer token)."""

from __future__ import annotations

from collections.abc import Sequence

from tpnb.endpoints._common import Conn, Json, query, review_page_size, seg


def list_private_reviews(
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
    ignore_tag_value_case: bool | None = None,
    location_id: str | None = None,
    start: str | None = None,
    end: str | None = None,
    reference_id: str | None = None,
    referral_email: str | None = None,
    reported: bool | None = None,
    source: str | None = None,
    username: str | None = None,
    find_reviewer: str | None = None,
) -> Json:
    """``GET /private/business-units/{id}/reviews`` -> ``{"reviews": [...], "links": [...]}``.

    ``start``/``end`` are sent as ``startDateTime``/``endDateTime`` (``YYYY-MM-DDTHH:MM:SS``, UTC).
    """
    params = query(
        page=page,
        perPage=review_page_size(per_page),
        stars=stars,
        language=language,
        orderBy=order_by,
        responded=responded,
        tagGroup=tag_group,
        tagValue=tag_value,
        ignoreTagValueCase=ignore_tag_value_case,
        internalLocationId=location_id,
        startDateTime=start,
        endDateTime=end,
        referenceId=reference_id,
        referralEmail=referral_email,
        reported=reported,
        source=source,
        username=username,
        findReviewer=find_reviewer,
    )
    path = f"/private/business-units/{seg(business_unit_id)}/reviews"
    return conn.get_json(path, params, private=True, list_key="reviews")


def get_private_review(conn: Conn, review_id: str) -> Json:
    """``GET /private/reviews/{id}`` -> one private review."""
    return conn.get_json(f"/private/reviews/{seg(review_id)}", private=True)


def reply_to_review(conn: Conn, review_id: str, message: str, author_business_user_id: str) -> Json:
    """``POST /private/reviews/{id}/reply`` with ``{authorBusinessUserId, message}``."""
    body = {"authorBusinessUserId": author_business_user_id, "message": message}
    return conn.post_json(f"/private/reviews/{seg(review_id)}/reply", body)


def delete_reply(conn: Conn, review_id: str) -> Json:
    """``DELETE /private/reviews/{id}/reply``."""
    return conn.delete(f"/private/reviews/{seg(review_id)}/reply")


def get_review_tags(conn: Conn, review_id: str) -> Json:
    """``GET /private/reviews/{id}/tags`` -> ``{"tags": [{"group", "value"}]}``."""
    return conn.get_json(f"/private/reviews/{seg(review_id)}/tags", private=True)


def set_review_tags(conn: Conn, review_id: str, tags: Sequence[dict[str, str]]) -> Json:
    """``POST /private/reviews/{id}/tags``: replace the review's tags."""
    return conn.post_json(f"/private/reviews/{seg(review_id)}/tags", {"tags": list(tags)})


def add_review_tags(conn: Conn, review_id: str, tags: Sequence[dict[str, str]]) -> Json:
    """``PUT /private/reviews/{id}/tags``: add tags to the review's tags."""
    return conn.put_json(f"/private/reviews/{seg(review_id)}/tags", {"tags": list(tags)})


def remove_review_tag(conn: Conn, review_id: str, group: str, value: str) -> Json:
    """``DELETE /private/reviews/{id}/tags?group=&value=``: remove one tag."""
    path = f"/private/reviews/{seg(review_id)}/tags"
    return conn.delete(path, query(group=group, value=value))
