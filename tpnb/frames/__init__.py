"""Pure JSON -> typed pandas DataFrame converters, with one column schema per entity.

No I/O here: the client fetches JSON and hands it to a ``*_frame`` function. Each schema
(``REVIEW_SCHEMA``...) is declared once in :mod:`tpnb.frames.schemas` and drives the converter,
the docs (:func:`schema_markdown`) and the tests.

Conventions: snake_case columns, nested objects flattened (``companyReply.text`` -> ``reply_text``),
lists kept as Python lists (``None`` when the API sends null or nothing), UTC timestamps
(``datetime64[us, UTC]``), ``stars`` as ``Int8``, nullable ``boolean``/``Int*``/``Float64``,
the ``string`` dtype (pyarrow-backed) for text, ids, language, country and other enumerations (no
column is categorical), NA for nulls. Every frame of one schema has the same columns and dtypes,
whatever its rows (also an empty one), so ``pd.concat`` of them keeps those dtypes.
"""

from __future__ import annotations

from tpnb.frames.converters import (
    attribute_summary_frame,
    business_unit_category_frame,
    business_unit_frame,
    category_frame,
    consumer_frame,
    deleted_consumer_frame,
    deleted_review_frame,
    image_frame,
    invitation_link_frame,
    like_frame,
    product_review_frame,
    product_review_summary_frame,
    profile_frame,
    review_frame,
    tag_frame,
    web_links_frame,
)
from tpnb.frames.schema import DATETIME_DTYPE, STRING_DTYPE, Column, Schema, parse_timestamp
from tpnb.frames.schemas import (
    ALL_SCHEMAS,
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
    schema_markdown,
)

__all__ = [
    "ALL_SCHEMAS",
    "ATTRIBUTE_SUMMARY_SCHEMA",
    "BUSINESS_UNIT_CATEGORY_SCHEMA",
    "BUSINESS_UNIT_SCHEMA",
    "CATEGORY_SCHEMA",
    "CONSUMER_SCHEMA",
    "DATETIME_DTYPE",
    "DELETED_CONSUMER_SCHEMA",
    "DELETED_REVIEW_SCHEMA",
    "IMAGE_SCHEMA",
    "INVITATION_LINK_SCHEMA",
    "LIKE_SCHEMA",
    "PRIVATE_PRODUCT_REVIEW_SCHEMA",
    "PRIVATE_REVIEW_SCHEMA",
    "PRODUCT_REVIEW_SCHEMA",
    "PRODUCT_REVIEW_SUMMARY_SCHEMA",
    "PROFILE_SCHEMA",
    "REVIEW_SCHEMA",
    "STRING_DTYPE",
    "TAG_SCHEMA",
    "WEB_LINKS_SCHEMA",
    "Column",
    "Schema",
    "attribute_summary_frame",
    "business_unit_category_frame",
    "business_unit_frame",
    "category_frame",
    "consumer_frame",
    "deleted_consumer_frame",
    "deleted_review_frame",
    "image_frame",
    "invitation_link_frame",
    "like_frame",
    "parse_timestamp",
    "product_review_frame",
    "product_review_summary_frame",
    "profile_frame",
    "review_frame",
    "schema_markdown",
    "tag_frame",
    "web_links_frame",
]
