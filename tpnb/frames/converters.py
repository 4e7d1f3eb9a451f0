"""Public JSON -> DataFrame converters, one per resource the client returns.

Every converter accepts the list of JSON objects, the response envelope holding them
(``{"reviews": [...]}``) or a single object, and returns a frame with exactly its schema's
columns and dtypes (also for an empty input). Ids the JSON lacks but the caller knows (the
business unit a list was asked for, the review some tags belong to) are passed as keywords and
fill only the rows where the JSON has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from tpnb.frames.schemas import (
    ATTRIBUTE_SUMMARY_SCHEMA,
    BUSINESS_UNIT_CATEGORY_SCHEMA,
    BUSINESS_UNIT_SCHEMA,
    CATEGORY_SCHEMA,
    CONSUMER_SCHEMA,
    DELETED_CONSUMER_SCHEMA,
    DELETED_REVIEW_SCHEMA,
    IMAGE_SCHEMA,
    INVITATION_LINK_SCHEMA,
    LIKE_SCHEMA,
    PRIVATE_PRODUCT_REVIEW_SCHEMA,
    PRIVATE_REVIEW_SCHEMA,
    PRODUCT_REVIEW_SCHEMA,
    PRODUCT_REVIEW_SUMMARY_SCHEMA,
    PROFILE_SCHEMA,
    REVIEW_SCHEMA,
    TAG_SCHEMA,
    WEB_LINKS_SCHEMA,
)

JSONObjects = Iterable[Mapping[str, Any]] | Mapping[str, Any]


def _check_id(name: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a str or None, got {type(value).__name__}")


def review_frame(
    reviews: JSONObjects, *, private: bool = False, business_unit_id: str | None = None
) -> pd.DataFrame:
    """Service reviews (public §3.2 or private §3.3) as a typed DataFrame.

    Works for business-unit, consumer, single and latest reviews and for webhook ``eventData``.

    Args:
        reviews: Review objects, a ``{"reviews": [...]}`` page or one review.
        private: Use :data:`PRIVATE_REVIEW_SCHEMA` (reference id, email, source, tags...).
        business_unit_id: Fills ``business_unit_id`` where the JSON has no ``businessUnit``.

    Returns:
        One row per review with the columns of :data:`REVIEW_SCHEMA` (or the private one).
    """
    schema = PRIVATE_REVIEW_SCHEMA if private else REVIEW_SCHEMA
    bu = _check_id("business_unit_id", business_unit_id)
    return schema.build(reviews, defaults={"business_unit_id": bu})


def business_unit_frame(units: JSONObjects) -> pd.DataFrame:
    """Business units (find, get, search, all, category lists; §3.1) as a typed DataFrame."""
    return BUSINESS_UNIT_SCHEMA.build(units)


def profile_frame(profile: JSONObjects, *, business_unit_id: str | None = None) -> pd.DataFrame:
    """A business unit's profile info (one row per profile)."""
    bu = _check_id("business_unit_id", business_unit_id)
    return PROFILE_SCHEMA.build(profile, defaults={"business_unit_id": bu})


def web_links_frame(links: JSONObjects, *, owner_id: str | None = None) -> pd.DataFrame:
    """Web links of a business unit, review or consumer (one row per response)."""
    return WEB_LINKS_SCHEMA.build(links, defaults={"owner_id": _check_id("owner_id", owner_id)})


def image_frame(images: JSONObjects, *, owner_id: str | None = None) -> pd.DataFrame:
    """Images (business unit images, star images, logos, icons): one row per image size.

    Image objects ``{"url", "width", "height"}`` are found at the top level (``kind`` "image")
    or one level down (``kind`` = the parent key, e.g. ``profileImage``); ``links`` is skipped.
    """
    payloads = [images] if isinstance(images, Mapping) else list(images)
    rows: list[dict[str, Any]] = []
    for payload in payloads:
        if not isinstance(payload, Mapping):
            raise TypeError(f"image data must be JSON objects, got {type(payload).__name__}")
        for key, value in payload.items():
            if key == "links" or not isinstance(value, Mapping):
                continue
            if "url" in value:
                rows.append({"kind": "image", "size": key, **value})
                continue
            for size, image in value.items():
                if isinstance(image, Mapping) and "url" in image:
                    rows.append({"kind": key, "size": size, **image})
    return IMAGE_SCHEMA.build(rows, defaults={"owner_id": _check_id("owner_id", owner_id)})


def category_frame(categories: JSONObjects) -> pd.DataFrame:
    """The category list (``{"categories": [...]}``) or one category's detail."""
    return CATEGORY_SCHEMA.build(categories)


def business_unit_category_frame(
    categories: JSONObjects, *, business_unit_id: str | None = None
) -> pd.DataFrame:
    """The categories of one business unit, with ranking and relevance.

    Accepts either shape seen for the list: ``ranking{position, cardinality}`` nested or flat
    ``rankingPosition``/``rankingCardinality``, and ``predictedTopCategory`` per category or
    once at the top level of ``{"categories": [...]}`` (a category id, a category object, or
    the flag itself); a category's own flag wins.
    """
    bu = _check_id("business_unit_id", business_unit_id)
    top = categories.get("predictedTopCategory") if isinstance(categories, Mapping) else None
    inner = categories.get("categories") if isinstance(categories, Mapping) else None
    if top is not None and isinstance(inner, list):
        categories = [_with_predicted_top(category, top) for category in inner]
    return BUSINESS_UNIT_CATEGORY_SCHEMA.build(categories, defaults={"business_unit_id": bu})


def _with_predicted_top(category: Any, top: Any) -> Any:
    """A category with ``predictedTopCategory`` set from the list's top-level value."""
    if not isinstance(category, Mapping) or category.get("predictedTopCategory") is not None:
        return category
    if isinstance(top, Mapping):
        top = top.get("categoryId") or top.get("id") or top.get("name")
    if not isinstance(top, str):
        return category  # a top-level flag of unknown meaning says nothing about this row
    ids = {category.get("categoryId"), category.get("id"), category.get("name")}
    return {**category, "predictedTopCategory": top in ids}


def consumer_frame(consumers: JSONObjects) -> pd.DataFrame:
    """Consumers or consumer profiles, including the bulk ``{"consumers": {id: profile}}`` shape."""
    if isinstance(consumers, Mapping):
        inner = consumers.get("consumers")
        if isinstance(inner, Mapping):
            rows = []
            for key, profile in inner.items():
                if not isinstance(profile, Mapping):
                    raise TypeError(
                        f"consumer {key!r} is a {type(profile).__name__}, expected a dict"
                    )
                rows.append({**profile, "id": profile.get("id") or key})
            return CONSUMER_SCHEMA.build(rows)
    return CONSUMER_SCHEMA.build(consumers)


def product_review_frame(
    reviews: JSONObjects, *, private: bool = False, business_unit_id: str | None = None
) -> pd.DataFrame:
    """Product reviews (public list, or the private list/detail with ``private=True``)."""
    schema = PRIVATE_PRODUCT_REVIEW_SCHEMA if private else PRODUCT_REVIEW_SCHEMA
    bu = _check_id("business_unit_id", business_unit_id)
    return schema.build(reviews, defaults={"business_unit_id": bu})


def product_review_summary_frame(
    summaries: JSONObjects, *, business_unit_id: str | None = None
) -> pd.DataFrame:
    """Product review summaries: one row per SKU (or one row for an all-SKU summary)."""
    bu = _check_id("business_unit_id", business_unit_id)
    return PRODUCT_REVIEW_SUMMARY_SCHEMA.build(summaries, defaults={"business_unit_id": bu})


def attribute_summary_frame(
    summaries: JSONObjects, *, business_unit_id: str | None = None
) -> pd.DataFrame:
    """Product attribute summaries (``{"attributes": [...]}``): one row per attribute."""
    bu = _check_id("business_unit_id", business_unit_id)
    return ATTRIBUTE_SUMMARY_SCHEMA.build(summaries, defaults={"business_unit_id": bu})


def like_frame(likes: JSONObjects, *, review_id: str | None = None) -> pd.DataFrame:
    """The likes of a review (``{"likes": [...]}``), one row per liking consumer."""
    return LIKE_SCHEMA.build(likes, defaults={"review_id": _check_id("review_id", review_id)})


def tag_frame(tags: JSONObjects, *, review_id: str | None = None) -> pd.DataFrame:
    """A review's tags (``{"tags": [{"group", "value"}]}``), one row per tag."""
    return TAG_SCHEMA.build(tags, defaults={"review_id": _check_id("review_id", review_id)})


def invitation_link_frame(
    result: JSONObjects, *, business_unit_id: str | None = None
) -> pd.DataFrame:
    """The result of creating invitation link(s): one row per link."""
    bu = _check_id("business_unit_id", business_unit_id)
    return INVITATION_LINK_SCHEMA.build(result, defaults={"business_unit_id": bu})


def deleted_review_frame(deletions: JSONObjects) -> pd.DataFrame:
    """Deleted reviews (``{"reviews": [{"reviewId"|"id", "deletedAt"}]}``), one row each."""
    return DELETED_REVIEW_SCHEMA.build(deletions)


def deleted_consumer_frame(deletions: JSONObjects) -> pd.DataFrame:
    """Deleted consumer profiles (``{"consumers": [{"consumerId"|"id", "deletedAt"}]}``)."""
    return DELETED_CONSUMER_SCHEMA.build(deletions)
