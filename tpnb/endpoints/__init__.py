"""One thin function per Trustpilot HTTP endpoint, returning the decoded JSON.

Each function takes the :class:`~tpnb.http.connection.Connection` first, then the path ids, then the
query parameters as keyword arguments named in snake_case; it serialises them as the API wants
(arrays comma-separated, booleans ``true``/``false``, ``None`` left out) and does nothing else:
no validation (that is :mod:`tpnb.params`), no paging (:mod:`tpnb.paging.walkers`), no frames.

Modules: :mod:`.units` (business units, categories), :mod:`.reviews` (public reviews and
consumers), :mod:`.deletions` (the Deletions API), :mod:`.private` (the Customer API: private reviews, replies, tags), :mod:`.products`
(product reviews and invitations).
"""

from __future__ import annotations

from tpnb.endpoints.deletions import list_deleted_consumers, list_deleted_reviews
from tpnb.endpoints.private import (
    add_review_tags,
    delete_reply,
    get_private_review,
    get_review_tags,
    list_private_reviews,
    remove_review_tag,
    reply_to_review,
    set_review_tags,
)
from tpnb.endpoints.products import (
    create_invitation_link,
    get_attribute_summaries,
    get_product_review_summary,
    list_private_product_reviews,
    list_product_reviews,
)
from tpnb.endpoints.reviews import (
    bulk_consumer_profiles,
    get_consumer,
    get_consumer_profile,
    get_review,
    get_review_likes,
    list_all_reviews,
    list_business_unit_reviews,
    list_consumer_reviews,
    list_latest_reviews,
)
from tpnb.endpoints.units import (
    find_business_unit,
    get_business_unit,
    get_business_unit_categories,
    get_category,
    get_profile_info,
    get_web_links,
    list_business_units,
    list_categories,
    list_category_business_units,
    search_business_units,
)

__all__ = [
    "add_review_tags",
    "bulk_consumer_profiles",
    "create_invitation_link",
    "delete_reply",
    "find_business_unit",
    "get_attribute_summaries",
    "get_business_unit",
    "get_business_unit_categories",
    "get_category",
    "get_consumer",
    "get_consumer_profile",
    "get_private_review",
    "get_product_review_summary",
    "get_profile_info",
    "get_review",
    "get_review_likes",
    "get_review_tags",
    "get_web_links",
    "list_all_reviews",
    "list_business_unit_reviews",
    "list_business_units",
    "list_categories",
    "list_category_business_units",
    "list_consumer_reviews",
    "list_deleted_consumers",
    "list_deleted_reviews",
    "list_latest_reviews",
    "list_private_product_reviews",
    "list_private_reviews",
    "list_product_reviews",
    "remove_review_tag",
    "reply_to_review",
    "search_business_units",
    "set_review_tags",
]
