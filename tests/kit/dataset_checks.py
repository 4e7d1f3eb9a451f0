"""The documented field lists (trustpilot-api.md §3) and checks of the emulator's JSON against them."""

from __future__ import annotations

import re
from typing import Any

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
HEX24 = re.compile(r"^[0-9a-f]{24}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# §3.1
BUSINESS_UNIT_FIELDS = {"links", "id", "displayName", "name", "websiteUrl", "country",
                        "numberOfReviews", "status", "score", "badFit"}  # fmt: skip
NUMBER_OF_REVIEWS_FIELDS = {"total", "usedForTrustScoreCalculation", "oneStar", "twoStars",
                            "threeStars", "fourStars", "fiveStars"}  # fmt: skip
# §3.2 (union of the documented examples, current shapes)
PUBLIC_REVIEW_FIELDS = {"id", "stars", "title", "text", "language", "createdAt", "experiencedAt",
                        "updatedAt", "numberOfLikes", "isVerified", "status", "companyReply",
                        "consumer", "businessUnit", "location", "countsTowardsTrustScore",
                        "countsTowardsLocationTrustScore", "links", "reportData",
                        "complianceLabels", "invitation", "businessUnitHistory",
                        "reviewVerificationLevel", "source"}  # fmt: skip
# §3.3
PRIVATE_EXTRA_FIELDS = {"referralEmail", "referenceId", "tags", "findReviewer"}
CONSUMER_SUMMARY_FIELDS = {"id", "displayName", "displayLocation", "numberOfReviews", "links"}
BUSINESS_UNIT_REF_FIELDS = {"id", "identifyingName", "displayName", "links"}
REPLY_FIELDS = {"text", "createdAt", "updatedAt"}
REPORT_FIELDS = {"source", "publicComment", "createdAt", "reasons", "reason", "reviewVisibility"}
LOCATION_FIELDS = {"id", "name", "urlFormattedName"}
# §2.4
PROFILE_FIELDS = {"city", "about", "displayName", "locale", "gender", "country", "id", "createdAt",
                  "hasImage", "birthYear", "profileImage"}  # fmt: skip
# §2.1
PROFILE_INFO_FIELDS = {"links", "isSubscriber", "email", "phone", "companyName", "address",
                       "description", "socialmedia", "facebookPageId", "facebookPageUrl",
                       "isFacebookActivated", "isCommentsEnabled", "isIncentivisingUsers",
                       "isClaimed"}  # fmt: skip


def check_links(links: Any, base_url: str) -> None:
    assert isinstance(links, list)
    assert links, "links must not be empty"
    for item in links:
        assert set(item) == {"href", "method", "rel"}
        # an image link points at the image host, every other one into the API
        expected_start = "https://" if item["rel"] == "profile-image" else base_url
        assert item["href"].startswith(expected_start)
        assert item["method"] == "GET"
        assert isinstance(item["rel"], str)


def check_timestamp(value: Any, *, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    assert isinstance(value, str)
    assert TIMESTAMP.match(value), value


def check_review(review: dict[str, Any], base_url: str, *, private: bool) -> None:
    """Every documented field present with the right JSON type."""
    expected = PUBLIC_REVIEW_FIELDS | (PRIVATE_EXTRA_FIELDS if private else set())
    assert set(review) == expected
    assert HEX24.match(review["id"])
    assert isinstance(review["stars"], int)
    assert 1 <= review["stars"] <= 5
    assert isinstance(review["title"], str)
    assert isinstance(review["text"], str)
    assert review["text"]
    assert isinstance(review["language"], str)
    check_timestamp(review["createdAt"])
    check_timestamp(review["experiencedAt"])
    check_timestamp(review["updatedAt"], nullable=True)
    assert isinstance(review["numberOfLikes"], int)
    assert isinstance(review["isVerified"], bool)
    assert review["status"] == "active"
    check_links(review["links"], base_url)
    consumer = review["consumer"]
    assert set(consumer) == CONSUMER_SUMMARY_FIELDS
    assert HEX24.match(consumer["id"])
    assert isinstance(consumer["displayName"], str)
    assert consumer["displayLocation"] is None or isinstance(consumer["displayLocation"], str)
    assert isinstance(consumer["numberOfReviews"], int)
    assert consumer["numberOfReviews"] >= 1
    check_links(consumer["links"], base_url)
    unit = review["businessUnit"]
    assert set(unit) == BUSINESS_UNIT_REF_FIELDS
    check_links(unit["links"], base_url)
    reply = review["companyReply"]
    if reply is not None:
        assert set(reply) == REPLY_FIELDS | ({"authorBusinessUserId"} if private else set())
        assert isinstance(reply["text"], str)
        check_timestamp(reply["createdAt"])
        check_timestamp(reply["updatedAt"], nullable=True)
        assert reply["createdAt"] > review["createdAt"]
        if private:
            assert HEX24.match(reply["authorBusinessUserId"])
    location = review["location"]
    if location is not None:
        assert set(location) == LOCATION_FIELDS | ({"externalId"} if private else set())
        assert UUID.match(location["id"])
    assert isinstance(review["countsTowardsTrustScore"], bool)
    assert review["countsTowardsLocationTrustScore"] is None or isinstance(
        review["countsTowardsLocationTrustScore"], bool
    )
    report = review["reportData"]
    if report is not None:
        assert set(report) == REPORT_FIELDS
        assert isinstance(report["reasons"], list)
        check_timestamp(report["createdAt"])
    assert isinstance(review["complianceLabels"], list)
    assert review["invitation"] is None or set(review["invitation"]) == {"businessUnitId"}
    assert isinstance(review["businessUnitHistory"], list)
    for entry in review["businessUnitHistory"]:
        assert set(entry) == {"businessUnitId", "identifyingName", "displayName", "changeDate"}
        assert HEX24.match(entry["businessUnitId"])
        check_timestamp(entry["changeDate"])
        assert review["createdAt"] < entry["changeDate"]
    assert review["reviewVerificationLevel"] in ("invited", "verified", "notVerified")
    if private:
        assert review["referralEmail"] is None or review["referralEmail"].endswith("@example.com")
        assert review["referenceId"] is None or isinstance(review["referenceId"], str)
        assert isinstance(review["source"], str)
        assert isinstance(review["tags"], list)
        for tag in review["tags"]:
            assert set(tag) == {"group", "value"}
        finder = review["findReviewer"]
        assert set(finder) == {"isEligible", "requests"}
        assert isinstance(finder["isEligible"], bool)
        for request in finder["requests"]:
            assert set(request) == {"id", "created", "status", "businessUserMessage",
                                    "consumerResponse"}  # fmt: skip
