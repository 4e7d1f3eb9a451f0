"""The column schema of every entity tpnb returns, declared once (see :mod:`tpnb.frames.schema`).

Paths follow /work/shared/docs/trustpilot-api.md §3. ``a|b`` means "``a``, or ``b`` when ``a`` is
null/missing" (the API's shapes vary between endpoints and versions); an empty source means the
caller supplies the value (e.g. the review id a list of tags belongs to).
"""

from __future__ import annotations

from tpnb.frames.schema import Schema
from tpnb.frames.schema import column as c

# The declarations are tables: keep one column per line.
# fmt: off

# --- reviews -------------------------------------------------------------------------------------
REVIEW_SCHEMA = Schema(
    "review",
    "Reviews (`review_frame`)",
    (
        c("id", "string", "id", "Review id."),
        c("business_unit_id", "string", "businessUnit.id|businessUnitId", "Reviewed business unit (or the one the caller asked for)."),
        c("business_unit_name", "string", "businessUnit.displayName", "Its display name (consumer and latest-review lists)."),
        c("stars", "int8", "stars", "Rating, 1..5."),
        c("title", "string", "title", "Review title."),
        c("text", "string", "text", "Review text."),
        c("language", "string", "language", "ISO 639-1 language code."),
        c("created_at", "datetime", "createdAt", "When the review was written (UTC)."),
        c("updated_at", "datetime", "updatedAt", "Last edit (UTC); NA if never edited."),
        c("experienced_at", "datetime", "experiencedAt", "Date of the experience (UTC)."),
        c("consumer_id", "string", "consumer.id", "Reviewer id."),
        c("consumer_name", "string", "consumer.displayName|consumer.name", "Reviewer display name."),
        c("consumer_location", "string", "consumer.displayLocation", "Reviewer location as displayed."),
        c("consumer_number_of_reviews", "int32", "consumer.numberOfReviews", "Reviews the consumer has written."),
        c("is_verified", "boolean", "isVerified", "Verified review."),
        c("verification_level", "string", "reviewVerificationLevel", "Verification level (e.g. invited, verified, notVerified)."),
        c("number_of_likes", "int32", "numberOfLikes", "Useful votes."),
        c("status", "string", "status", "Review status (e.g. active)."),
        c("location_id", "string", "location.id|locationId", "Business location id."),
        c("location_name", "string", "location.name", "Business location name."),
        c("reply_text", "string", "companyReply.text", "The business's public reply; NA if none."),
        c("reply_created_at", "datetime", "companyReply.createdAt", "When the reply was posted (UTC)."),
        c("reply_updated_at", "datetime", "companyReply.updatedAt", "When the reply was last edited (UTC)."),
        c("counts_towards_trust_score", "boolean", "countsTowardsTrustScore", "Counts towards the TrustScore."),
        c("counts_towards_location_trust_score", "boolean", "countsTowardsLocationTrustScore", "Counts towards the location's TrustScore."),
        c("is_reported", "present", "reportData", "Reported (reportData non-null); NA if the field is absent."),
        c("report_reason", "string", "reportData.reason", "Report reason."),
        c("report_reasons", "list", "reportData.reasons", "All report reasons (list of str; a reason sent as an object becomes its `reason`/`name`/`value`)."),
        c("report_created_at", "datetime", "reportData.createdAt", "When it was reported (UTC)."),
        c("report_visibility", "string", "reportData.reviewVisibility", "Visibility while reported (e.g. hidden)."),
        c("is_invited", "present", "invitation", "Written from an invitation (invitation non-null); NA if absent."),
        c("invitation_business_unit_id", "string", "invitation.businessUnitId", "Business unit that sent the invitation."),
        c("compliance_labels", "list", "complianceLabels", "Compliance labels (list of str)."),
        c("business_unit_history", "objects", "businessUnitHistory", 'Earlier identities of the reviewed unit (list of {"businessUnitId","identifyingName","displayName","changeDate"} dicts as sent).'),
    ),
    envelopes=("reviews",),
)

PRIVATE_REVIEW_SCHEMA = REVIEW_SCHEMA.extend(
    "private review",
    "Private reviews (`review_frame(..., private=True)`): the review columns, plus",
    (
        c("reference_id", "string", "referenceId", "Your order/reference id."),
        c("referral_email", "string", "referralEmail|consumer.email|consumer.referralEmail", "The consumer's email (personal data)."),
        c("source", "string", "source", "How the review was collected (e.g. Organic, InvitationApi)."),
        c("tags", "tags", "tags", 'Tags as a list of {"group": str, "value": str} dicts.'),
        c("find_reviewer_eligible", "boolean", "findReviewer.isEligible", "Find Reviewer may be used."),
        c("find_reviewer_requests", "objects", "findReviewer.requests", "Find Reviewer requests (list of dicts)."),
        c("reply_author_id", "string", "companyReply.authorBusinessUserId", "Business user who replied."),
        c("location_external_id", "string", "location.externalId", "Your own id of the location."),
    ),
)

LIKE_SCHEMA = Schema(
    "like",
    "Review likes (`like_frame`)",
    (
        c("review_id", "string", "", "The liked review."),
        c("consumer_id", "string", "consumer.id|id", "Consumer who liked it."),
        c("consumer_name", "string", "consumer.displayName|displayName|consumer.name|name", "Their display name."),
        c("created_at", "datetime", "createdAt|consumer.createdAt", "When (UTC), if given."),
    ),
    envelopes=("likes",),
)

TAG_SCHEMA = Schema(
    "tag",
    "Review tags (`tag_frame`)",
    (
        c("review_id", "string", "", "The tagged review."),
        c("group", "string", "group", "Tag group."),
        c("value", "string", "value", "Tag value."),
    ),
    envelopes=("tags",),
)

# --- business units ------------------------------------------------------------------------------
BUSINESS_UNIT_SCHEMA = Schema(
    "business unit",
    "Business units (`business_unit_frame`)",
    (
        c("id", "string", "id", "Business unit id."),
        c("display_name", "string", "displayName", "Name shown on Trustpilot."),
        c("identifying_name", "string", "name.identifying|identifyingName", "Main domain."),
        c("referring_names", "list", "name.referring", "Every domain that finds it (list of str)."),
        c("website_url", "string", "websiteUrl", "Website."),
        c("country", "string", "country", "ISO 3166-1 alpha-2 country."),
        c("status", "string", "status", "Status (e.g. active)."),
        c("trust_score", "float", "score.trustScore|trustScore", "TrustScore, 1.0..5.0 (0 without reviews)."),
        c("stars", "float", "score.stars|stars", "Star rating, half stars."),
        c("number_of_reviews", "int64", "numberOfReviews.total|numberOfReviews", "Total reviews."),
        c("reviews_used_for_trust_score", "int64", "numberOfReviews.usedForTrustScoreCalculation", "Reviews counted in the TrustScore."),
        c("one_star", "int64", "numberOfReviews.oneStar", "1-star reviews."),
        c("two_stars", "int64", "numberOfReviews.twoStars", "2-star reviews."),
        c("three_stars", "int64", "numberOfReviews.threeStars", "3-star reviews."),
        c("four_stars", "int64", "numberOfReviews.fourStars", "4-star reviews."),
        c("five_stars", "int64", "numberOfReviews.fiveStars", "5-star reviews."),
        c("bad_fit", "boolean", "badFit", "Flagged as a bad fit."),
    ),
    envelopes=("businessUnits",),
)

PROFILE_SCHEMA = Schema(
    "profile",
    "Business unit profile info (`profile_frame`)",
    (
        c("business_unit_id", "string", "businessUnitId|id", "Business unit (caller-supplied if absent)."),
        c("company_name", "string", "companyName", "Company name."),
        c("email", "string", "email", "Public contact email."),
        c("phone", "string", "phone", "Public phone."),
        c("street", "string", "address.street", "Street."),
        c("city", "string", "address.city", "City."),
        c("postcode", "string", "address.postcode", "Postcode."),
        c("address_country", "string", "address.country", "Country name."),
        c("country_code", "string", "address.countryCode", "ISO country code."),
        c("description_header", "string", "description.header", "Profile description header."),
        c("description_text", "string", "description.text", "Profile description."),
        c("facebook", "string", "socialmedia.facebook", "Facebook URL."),
        c("linkedin", "string", "socialmedia.linkedin", "LinkedIn URL."),
        c("twitter", "string", "socialmedia.twitter", "Twitter/X URL."),
        c("googleplus", "string", "socialmedia.googleplus", "Google+ URL."),
        c("youtube", "string", "socialmedia.youtube", "YouTube URL."),
        c("instagram", "string", "socialmedia.instagram", "Instagram URL."),
        c("facebook_page_id", "string", "facebookPageId", "Facebook page id."),
        c("facebook_page_url", "string", "facebookPageUrl", "Facebook page URL."),
        c("is_subscriber", "boolean", "isSubscriber", "Paying subscriber."),
        c("is_claimed", "boolean", "isClaimed", "Profile claimed by the business."),
        c("is_facebook_activated", "boolean", "isFacebookActivated", "Facebook integration on."),
        c("is_comments_enabled", "boolean", "isCommentsEnabled", "Comments enabled."),
        c("is_incentivising_users", "boolean", "isIncentivisingUsers", "Business incentivises reviews."),
    ),
)

WEB_LINKS_SCHEMA = Schema(
    "web links",
    "Web links of a business unit, review or consumer (`web_links_frame`)",
    (
        c("owner_id", "string", "", "The business unit, review or consumer."),
        c("locale", "string", "locale", "Locale asked for (e.g. en-GB)."),
        c("profile_url", "string", "profileUrl", "Public profile page."),
        c("evaluate_url", "string", "evaluateUrl", "Write-a-review page."),
        c("evaluate_embed_url", "string", "evaluateEmbedUrl", "Embeddable write-a-review page."),
        c("links", "objects", "links", 'Other links (list of {"href","method","rel"} dicts).'),
    ),
)

IMAGE_SCHEMA = Schema(
    "image",
    "Images (`image_frame`; one row per image size)",
    (
        c("owner_id", "string", "", "The business unit (or star value) the images belong to."),
        c("kind", "string", "kind", "Image kind (e.g. profileImage, logo, starSvg)."),
        c("size", "string", "size", "Size key (e.g. image198x149, star128x24)."),
        c("url", "string", "url", "Image URL."),
        c("width", "int32", "width", "Width in pixels."),
        c("height", "int32", "height", "Height in pixels."),
    ),
)

# --- categories ----------------------------------------------------------------------------------
CATEGORY_SCHEMA = Schema(
    "category",
    "Categories (`category_frame`)",
    (
        c("category_id", "string", "categoryId|id", "Category id (e.g. pet_store)."),
        c("name", "string", "name", "Category name key."),
        c("display_name", "string", "displayName", "Localised name."),
        c("parent_id", "string", "parentId", "Parent category."),
        c("business_unit_count", "int64", "businessUnitCount", "Business units in it (detail only)."),
    ),
    envelopes=("categories",),
)

BUSINESS_UNIT_CATEGORY_SCHEMA = Schema(
    "business unit category",
    "Categories of a business unit (`business_unit_category_frame`)",
    (
        c("business_unit_id", "string", "", "The business unit."),
        c("category_id", "string", "categoryId|id", "Category id."),
        c("name", "string", "name", "Category name key."),
        c("display_name", "string", "displayName", "Localised name."),
        c("is_primary", "boolean", "isPrimary", "The unit's primary category."),
        c("predicted_top_category", "boolean", "predictedTopCategory", "Predicted top category (per category, or the list's top-level `predictedTopCategory` names it)."),
        c("ranking_position", "int64", "ranking.position|rankingPosition", "Rank of the unit in the category."),
        c("ranking_cardinality", "int64", "ranking.cardinality|rankingCardinality", "Units ranked in the category."),
        c("relevance", "float", "relevance", "Relevance of the category."),
        c("source", "string", "source", "Where the assignment comes from."),
    ),
    envelopes=("categories",),
)

# --- consumers -----------------------------------------------------------------------------------
CONSUMER_SCHEMA = Schema(
    "consumer",
    "Consumers and consumer profiles (`consumer_frame`)",
    (
        c("id", "string", "id", "Consumer id."),
        c("display_name", "string", "displayName|name", "Display name."),
        c("display_location", "string", "displayLocation", "Location as displayed."),
        c("number_of_reviews", "int64", "numberOfReviews", "Reviews written."),
        c("country", "string", "country|countryCode", "Country code."),
        c("city", "string", "city", "City."),
        c("locale", "string", "locale", "Locale."),
        c("gender", "string", "gender", "Gender as given."),
        c("about", "string", "about", "About text."),
        c("has_image", "boolean", "hasImage", "Has a profile image."),
        c("image_url", "string", "profileImage.image73x73.url|profileImage.image64x64.url", "Largest profile image URL."),
        c("created_at", "datetime", "createdAt", "Account creation (obsolete per the docs)."),
        c("birth_year", "int32", "birthYear", "Birth year (obsolete per the docs)."),
    ),
    envelopes=("consumers",),
)

# --- product reviews -----------------------------------------------------------------------------
PRODUCT_REVIEW_SCHEMA = Schema(
    "product review",
    "Product reviews (`product_review_frame`)",
    (
        c("id", "string", "id", "Product review id."),
        c("business_unit_id", "string", "businessUnitId|businessUnit.id", "Business unit (caller-supplied if absent)."),
        c("sku", "string", "product.sku|sku", "Product SKU."),
        c("product_name", "string", "product.name|productName", "Product name."),
        c("stars", "int8", "stars", "Rating, 1..5."),
        c("content", "string", "content", "Review text."),
        c("language", "string", "language", "ISO 639-1 language code."),
        c("created_at", "datetime", "createdAt", "When written (UTC)."),
        c("updated_at", "datetime", "updatedAt", "Last edit (UTC)."),
        c("consumer_id", "string", "consumer.id", "Reviewer id."),
        c("consumer_name", "string", "consumer.displayName|consumer.name", "Reviewer display name."),
        c("attribute_ratings", "objects", "attributeRatings", 'List of {"attributeId","attributeName","rating"} dicts.'),
        c("conversation_id", "string", "conversationId|conversation.id", "Reply conversation, if any."),
    ),
    envelopes=("productReviews", "reviews"),
)

PRIVATE_PRODUCT_REVIEW_SCHEMA = PRODUCT_REVIEW_SCHEMA.extend(
    "private product review",
    "Private product reviews (`product_review_frame(..., private=True)`): the product review columns, plus",
    (
        c("state", "string", "state", "Moderation state (e.g. Published)."),
        c("reference_id", "string", "referenceId", "Your order/reference id."),
        c("consumer_email", "string", "consumer.email|referralEmail", "The consumer's email (personal data)."),
    ),
)

PRODUCT_REVIEW_SUMMARY_SCHEMA = Schema(
    "product review summary",
    "Product review summaries (`product_review_summary_frame`; one row per SKU)",
    (
        c("business_unit_id", "string", "businessUnitId", "Business unit (caller-supplied if absent)."),
        c("sku", "string", "sku|product.sku", "Product SKU (NA for an all-SKU summary)."),
        c("stars_average", "float", "starsAverage|stars", "Mean stars."),
        c("number_of_reviews", "int64", "numberOfReviews.total|numberOfReviews", "Total reviews."),
        c("one_star", "int64", "numberOfReviews.oneStar", "1-star reviews."),
        c("two_stars", "int64", "numberOfReviews.twoStars", "2-star reviews."),
        c("three_stars", "int64", "numberOfReviews.threeStars", "3-star reviews."),
        c("four_stars", "int64", "numberOfReviews.fourStars", "4-star reviews."),
        c("five_stars", "int64", "numberOfReviews.fiveStars", "5-star reviews."),
    ),
    envelopes=("summaries", "productReviewSummaries"),
)

ATTRIBUTE_SUMMARY_SCHEMA = Schema(
    "attribute summary",
    "Product attribute summaries (`attribute_summary_frame`; one row per attribute)",
    (
        c("business_unit_id", "string", "businessUnitId", "Business unit (caller-supplied if absent)."),
        c("attribute_id", "string", "attributeId|id", "Attribute id (as in `attribute_ratings`)."),
        c("attribute_name", "string", "attributeName|name", "Attribute name (e.g. Quality)."),
        c("number_of_ratings", "int64", "numberOfRatings", "Reviews that rated this attribute."),
        c("average_rating", "float", "averageRating", "Mean rating, 1..5 (NA without ratings)."),
    ),
    envelopes=("attributes", "attributeSummaries"),
)

INVITATION_LINK_SCHEMA = Schema(
    "invitation link",
    "Invitation links (`invitation_link_frame`)",
    (
        c("business_unit_id", "string", "businessUnitId", "Business unit (caller-supplied if absent)."),
        c("id", "string", "id", "Invitation id."),
        c("url", "string", "url", "Link to send to the consumer."),
        c("reference_id", "string", "referenceId", "Your order/reference id, if echoed."),
    ),
)

# --- deletions (the Deletions API; item field names are [I]: either name is read) ----------------
DELETED_REVIEW_SCHEMA = Schema(
    "deleted review",
    "Deleted reviews (`deleted_review_frame`; the Deletions API)",
    (
        c("review_id", "string", "reviewId|id", "Id of the deleted review: delete it from your copy."),
        c("business_unit_id", "string", "businessUnitId|businessUnit.id", "Its business unit, when the API says."),
        c("deleted_at", "datetime", "deletedAt", "When it was deleted (UTC)."),
    ),
    envelopes=("reviews",),
)

DELETED_CONSUMER_SCHEMA = Schema(
    "deleted consumer",
    "Deleted consumer profiles (`deleted_consumer_frame`; the Deletions API)",
    (
        c("consumer_id", "string", "consumerId|id", "Id of the deleted consumer: delete their data from your copy."),
        c("deleted_at", "datetime", "deletedAt", "When the profile was deleted (UTC)."),
    ),
    envelopes=("consumers",),
)

# fmt: on

ALL_SCHEMAS: tuple[Schema, ...] = (
    REVIEW_SCHEMA,
    PRIVATE_REVIEW_SCHEMA,
    LIKE_SCHEMA,
    TAG_SCHEMA,
    BUSINESS_UNIT_SCHEMA,
    PROFILE_SCHEMA,
    WEB_LINKS_SCHEMA,
    IMAGE_SCHEMA,
    CATEGORY_SCHEMA,
    BUSINESS_UNIT_CATEGORY_SCHEMA,
    CONSUMER_SCHEMA,
    PRODUCT_REVIEW_SCHEMA,
    PRIVATE_PRODUCT_REVIEW_SCHEMA,
    PRODUCT_REVIEW_SUMMARY_SCHEMA,
    ATTRIBUTE_SUMMARY_SCHEMA,
    INVITATION_LINK_SCHEMA,
    DELETED_REVIEW_SCHEMA,
    DELETED_CONSUMER_SCHEMA,
)


def schema_markdown() -> str:
    """Every schema's column table, as Markdown for the README or a docs page."""
    return "\n".join(s.to_markdown() for s in ALL_SCHEMAS)
