"""tpnb.frames: every converter on payloads shaped like the API docs' examples (docs §3)."""

from __future__ import annotations

import copy
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd
import pytest
from kit.samples import BUSINESS_UNIT, LINKS, PRIVATE_EXTRA, REVIEW

from tpnb import frames as F

UTC = timezone.utc

# (string, the instant it denotes) for every timestamp form the real API uses
TIMESTAMPS = [
    ("2013-09-07T13:37:00Z", datetime(2013, 9, 7, 13, 37, tzinfo=UTC)),
    ("2013-09-07T13:37:00", datetime(2013, 9, 7, 13, 37, tzinfo=UTC)),
    ("2013-09-07T13:37:00.123Z", datetime(2013, 9, 7, 13, 37, 0, 123000, tzinfo=UTC)),
    ("2013-09-07T13:37:00.123", datetime(2013, 9, 7, 13, 37, 0, 123000, tzinfo=UTC)),
    ("2013-09-07T15:37:00+02:00", datetime(2013, 9, 7, 13, 37, tzinfo=UTC)),
    ("2013-09-07T13:37:00+00:00", datetime(2013, 9, 7, 13, 37, tzinfo=UTC)),
]


def assert_schema(df: pd.DataFrame, schema: F.Schema) -> None:
    assert list(df.columns) == schema.names
    for c in schema.columns:
        assert str(df[c.name].dtype) == str(c.dtype), c.name


def test_business_unit_docs_example() -> None:
    df = F.business_unit_frame(BUSINESS_UNIT)
    assert_schema(df, F.BUSINESS_UNIT_SCHEMA)
    row = df.iloc[0]
    assert row["id"] == BUSINESS_UNIT["id"]
    assert row["identifying_name"] == "trustpilot.com"
    assert row["referring_names"] == BUSINESS_UNIT["name"]["referring"]
    assert row["country"] == "DK"
    assert row["trust_score"] == 4.6
    assert row["stars"] == 4.5
    counts = BUSINESS_UNIT["numberOfReviews"]
    assert row["number_of_reviews"] == counts["total"]
    assert row["reviews_used_for_trust_score"] == counts["usedForTrustScoreCalculation"]
    for col, key in [
        ("one_star", "oneStar"),
        ("two_stars", "twoStars"),
        ("three_stars", "threeStars"),
        ("four_stars", "fourStars"),
        ("five_stars", "fiveStars"),
    ]:
        assert row[col] == counts[key]
    assert bool(row["bad_fit"]) is True


def test_business_unit_lists_and_envelopes() -> None:
    other = {**BUSINESS_UNIT, "id": "other", "score": None, "numberOfReviews": None}
    df = F.business_unit_frame({"businessUnits": [BUSINESS_UNIT, other], "links": LINKS})
    assert list(df["id"]) == [BUSINESS_UNIT["id"], "other"]
    assert pd.isna(df["trust_score"].iloc[1])
    assert pd.isna(df["one_star"].iloc[1])
    assert_schema(F.business_unit_frame(iter([BUSINESS_UNIT])), F.BUSINESS_UNIT_SCHEMA)


def test_public_review_docs_example() -> None:
    df = F.review_frame([REVIEW])
    assert_schema(df, F.REVIEW_SCHEMA)
    r = df.iloc[0]
    assert r["id"] == REVIEW["id"]
    assert r["business_unit_id"] == REVIEW["businessUnit"]["id"]
    assert r["stars"] == 4
    assert r["text"] == REVIEW["text"]
    assert r["consumer_id"] == REVIEW["consumer"]["id"]
    assert r["consumer_name"] == "John Doe"
    assert r["consumer_location"] == "London, GB"
    assert r["location_id"] == REVIEW["location"]["id"]
    assert r["location_name"] == "Copenhagen"
    assert r["verification_level"] == "invited"
    assert r["reply_text"] == "Thanks!"
    assert r["reply_created_at"] == pd.Timestamp("2013-09-08T10:00:00.123", tz="UTC")
    assert pd.isna(r["reply_updated_at"])
    assert pd.isna(r["updated_at"])
    assert bool(r["is_verified"])
    assert bool(r["counts_towards_trust_score"])
    assert not bool(r["counts_towards_location_trust_score"])
    assert bool(r["is_reported"])
    assert bool(r["is_invited"])
    assert r["report_reason"] == "consumer_is_competitor"
    assert r["report_reasons"] == REVIEW["reportData"]["reasons"]
    assert r["report_created_at"] == pd.Timestamp("2013-09-09T08:00:00", tz="UTC")
    assert r["compliance_labels"] == ["label-a"]


def test_required_review_columns_present() -> None:
    required = [
        "id",
        "business_unit_id",
        "stars",
        "title",
        "text",
        "language",
        "created_at",
        "updated_at",
        "experienced_at",
        "consumer_id",
        "consumer_name",
        "consumer_location",
        "is_verified",
        "verification_level",
        "number_of_likes",
        "status",
        "location_id",
        "location_name",
        "reply_text",
        "reply_created_at",
        "reply_updated_at",
    ]
    private = ["reference_id", "referral_email", "source", "tags", "find_reviewer_eligible"]
    assert set(required) <= set(F.REVIEW_SCHEMA.names)
    assert set(required + private) <= set(F.PRIVATE_REVIEW_SCHEMA.names)
    bu = [
        "id",
        "display_name",
        "identifying_name",
        "referring_names",
        "website_url",
        "country",
        "status",
        "trust_score",
        "stars",
        "number_of_reviews",
        "one_star",
        "two_stars",
        "three_stars",
        "four_stars",
        "five_stars",
    ]
    assert set(bu) <= set(F.BUSINESS_UNIT_SCHEMA.names)


def test_private_review() -> None:
    review = {**REVIEW, **PRIVATE_EXTRA}
    review["companyReply"] = {**REVIEW["companyReply"], "authorBusinessUserId": "bu-user-1"}
    df = F.review_frame({"reviews": [review], "links": LINKS}, private=True)
    assert_schema(df, F.PRIVATE_REVIEW_SCHEMA)
    r = df.iloc[0]
    assert r["reference_id"] == "order-42"
    assert r["referral_email"] == "john@example.com"
    assert r["source"] == "InvitationApi"
    assert r["tags"] == PRIVATE_EXTRA["tags"]
    assert bool(r["find_reviewer_eligible"]) is True
    assert r["find_reviewer_requests"] == PRIVATE_EXTRA["findReviewer"]["requests"]
    assert r["reply_author_id"] == "bu-user-1"
    exploded = df["tags"].explode()
    assert [t["value"] for t in exploded] == ["Test", "a:b"]


@pytest.mark.parametrize(("text", "instant"), TIMESTAMPS)
def test_timestamps_each_format(text: str, instant: datetime) -> None:
    df = F.review_frame([{**REVIEW, "createdAt": text, "updatedAt": text}])
    assert df["created_at"].iloc[0] == pd.Timestamp(instant)
    assert df["updated_at"].iloc[0] == pd.Timestamp(instant)
    assert F.parse_timestamp(text) == pd.Timestamp(instant)


def test_mixed_timestamp_formats_in_one_column() -> None:
    reviews = [{**REVIEW, "createdAt": text} for text, _ in TIMESTAMPS] + [
        {**REVIEW, "createdAt": None}
    ]
    got = F.review_frame(reviews)["created_at"]
    assert list(got.iloc[:-1]) == [pd.Timestamp(i) for _, i in TIMESTAMPS]
    assert pd.isna(got.iloc[-1])
    assert str(got.dtype) == "datetime64[us, UTC]"


def test_parse_timestamp_objects_and_nulls() -> None:
    assert F.parse_timestamp(None) is None
    assert F.parse_timestamp(datetime(2020, 1, 2, 3)) == pd.Timestamp("2020-01-02T03:00", tz="UTC")
    aware = datetime(2020, 1, 2, 5, tzinfo=timezone(timedelta(hours=2)))
    assert F.parse_timestamp(aware) == pd.Timestamp("2020-01-02T03:00", tz="UTC")
    with pytest.raises(ValueError, match="not a timestamp"):
        F.parse_timestamp("last tuesday")
    with pytest.raises(ValueError, match="not a timestamp"):
        F.parse_timestamp(12345)


def test_nulls_and_missing_fields_never_fail() -> None:
    sparse = {"id": "x"}
    nulled = dict.fromkeys(REVIEW)
    df = F.review_frame([sparse, nulled, REVIEW], private=True)
    assert_schema(df, F.PRIVATE_REVIEW_SCHEMA)
    assert df.iloc[:2].drop(columns=["id", "is_reported", "is_invited"]).isna().all().all()
    assert pd.isna(df["is_reported"].iloc[0])
    assert not df["is_reported"].iloc[1]


def test_business_unit_id_from_caller_fills_only_missing() -> None:
    no_bu = {k: v for k, v in REVIEW.items() if k != "businessUnit"}
    df = F.review_frame([no_bu, REVIEW], business_unit_id="caller-bu")
    assert list(df["business_unit_id"]) == ["caller-bu", REVIEW["businessUnit"]["id"]]
    with pytest.raises(TypeError, match="business_unit_id"):
        F.review_frame([REVIEW], business_unit_id=5)  # type: ignore[arg-type]


def test_webhook_event_data_shape() -> None:
    event = {
        "id": "r9",
        "language": "da",
        "title": "t",
        "text": "x",
        "referenceId": "o1",
        "stars": 5,
        "createdAt": "2024-01-01T10:00:00Z",
        "isVerified": False,
        "locationId": None,
        "link": "https://api.trustpilot.com/v1/reviews/r9",
        "consumer": {"id": "c1", "name": "Ann", "link": "x"},
        "tags": [{"group": "g", "value": "v"}],
    }
    r = F.review_frame([event], private=True, business_unit_id="bu").iloc[0]
    assert (r["consumer_name"], r["reference_id"], r["business_unit_id"]) == ("Ann", "o1", "bu")


CONVERTERS = [
    (F.review_frame, F.REVIEW_SCHEMA, {}),
    (F.review_frame, F.PRIVATE_REVIEW_SCHEMA, {"private": True}),
    (F.business_unit_frame, F.BUSINESS_UNIT_SCHEMA, {}),
    (F.profile_frame, F.PROFILE_SCHEMA, {}),
    (F.web_links_frame, F.WEB_LINKS_SCHEMA, {}),
    (F.image_frame, F.IMAGE_SCHEMA, {}),
    (F.category_frame, F.CATEGORY_SCHEMA, {}),
    (F.business_unit_category_frame, F.BUSINESS_UNIT_CATEGORY_SCHEMA, {}),
    (F.consumer_frame, F.CONSUMER_SCHEMA, {}),
    (F.product_review_frame, F.PRODUCT_REVIEW_SCHEMA, {}),
    (F.product_review_frame, F.PRIVATE_PRODUCT_REVIEW_SCHEMA, {"private": True}),
    (F.product_review_summary_frame, F.PRODUCT_REVIEW_SUMMARY_SCHEMA, {}),
    (F.like_frame, F.LIKE_SCHEMA, {}),
    (F.tag_frame, F.TAG_SCHEMA, {}),
    (F.invitation_link_frame, F.INVITATION_LINK_SCHEMA, {}),
]


@pytest.mark.parametrize(("convert", "schema", "kwargs"), CONVERTERS)
def test_empty_input_same_columns_and_dtypes(
    convert: Any, schema: F.Schema, kwargs: dict[str, Any]
) -> None:
    empty = convert([], **kwargs)
    assert len(empty) == 0
    assert_schema(empty, schema)
    assert_schema(schema.empty(), schema)


def test_empty_and_full_review_frames_have_identical_dtypes() -> None:
    full = F.review_frame([REVIEW, {**REVIEW, **PRIVATE_EXTRA}], private=True)
    empty = F.review_frame([], private=True)
    assert list(full.columns) == list(empty.columns)
    assert [str(t) for t in full.dtypes] == [str(t) for t in empty.dtypes]


def test_profile_info_docs_fields() -> None:
    profile = {
        "links": LINKS,
        "isSubscriber": True,
        "email": "a@b.c",
        "phone": "+45 1",
        "companyName": "Trustpilot A/S",
        "address": {
            "street": "Pilestræde 58",
            "city": "København K",
            "postcode": "1112",
            "country": "Denmark",
            "countryCode": "DK",
        },
        "description": {"header": "H", "text": "T"},
        "socialmedia": {
            "facebook": "fb",
            "linkedin": None,
            "twitter": "tw",
            "googleplus": None,
            "youtube": None,
            "instagram": "ig",
        },
        "facebookPageId": "1",
        "facebookPageUrl": "u",
        "isFacebookActivated": False,
        "isCommentsEnabled": True,
        "isIncentivisingUsers": False,
        "isClaimed": True,
    }
    r = F.profile_frame(profile, business_unit_id="bu1").iloc[0]
    assert (r["business_unit_id"], r["city"], r["country_code"], r["instagram"]) == (
        "bu1",
        "København K",
        "DK",
        "ig",
    )
    assert bool(r["is_claimed"])
    assert not bool(r["is_incentivising_users"])


def test_web_links_images_categories() -> None:
    wl = F.web_links_frame(
        {
            "locale": "da-DK",
            "profileUrl": "p",
            "evaluateUrl": "e",
            "evaluateEmbedUrl": "ee",
            "links": LINKS,
        },
        owner_id="bu1",
    ).iloc[0]
    assert (wl["owner_id"], wl["locale"], wl["evaluate_embed_url"], wl["links"]) == (
        "bu1",
        "da-DK",
        "ee",
        LINKS,
    )
    sizes = {
        "image57x43": {"url": "a", "width": 57, "height": 43},
        "image198x149": {"url": "b", "width": 198, "height": 149},
    }
    img = F.image_frame({"links": LINKS, "profileImage": sizes}, owner_id="bu1")
    assert list(img["size"]) == list(sizes)
    assert list(img["width"]) == [57, 198]
    stars = F.image_frame({"star128x24": {"url": "s", "width": 128, "height": 24}, "stars": 4.5})
    assert list(stars["kind"]) == ["image"]
    cats = F.category_frame(
        {
            "categories": [
                {"categoryId": "pet_store", "displayName": "Pet Store", "name": "pet_store"}
            ]
        }
    )
    assert list(cats["category_id"]) == ["pet_store"]
    detail = F.category_frame(
        {
            "businessUnitCount": 42,
            "parentId": "animals_pets",
            "displayName": "Pet Store",
            "categoryId": "pet_store",
            "name": "pet_store",
        }
    )
    assert (detail["business_unit_count"].iloc[0], detail["parent_id"].iloc[0]) == (
        42,
        "animals_pets",
    )
    bucat = F.business_unit_category_frame(
        {
            "categories": [
                {
                    "categoryId": "c",
                    "isPrimary": True,
                    "rankingPosition": 3,
                    "rankingCardinality": 40,
                    "relevance": 0.5,
                }
            ]
        },
        business_unit_id="bu1",
    )
    r = bucat.iloc[0]
    assert (
        r["business_unit_id"],
        bool(r["is_primary"]),
        r["ranking_position"],
        r["relevance"],
    ) == ("bu1", True, 3, 0.5)


def test_consumers_profiles_and_bulk() -> None:
    profile = {
        "city": "Aarhus",
        "about": None,
        "displayName": "Jo",
        "locale": "da-DK",
        "gender": "unknown",
        "country": "DK",
        "id": "c1",
        "createdAt": "2015-01-01T00:00:00",
        "hasImage": True,
        "birthYear": 1990,
        "profileImage": {"image73x73": {"url": "u73", "width": 73, "height": 73}},
    }
    one = F.consumer_frame(profile).iloc[0]
    assert (one["id"], one["image_url"], one["birth_year"], one["created_at"]) == (
        "c1",
        "u73",
        1990,
        pd.Timestamp("2015-01-01", tz="UTC"),
    )
    bulk = F.consumer_frame(
        {"consumers": {"c1": profile, "c2": {"displayName": "Al"}}, "notFoundConsumerIds": ["c3"]}
    )
    assert list(bulk["id"]) == ["c1", "c2"]
    listed = F.consumer_frame(
        {"id": "c1", "displayName": "Jo", "numberOfReviews": 7, "links": LINKS}
    )
    assert listed["number_of_reviews"].iloc[0] == 7


def test_likes_tags_products_invitations() -> None:
    likes = F.like_frame(
        {
            "likes": [
                {"consumer": {"id": "c1", "displayName": "A"}},
                {"id": "c2", "displayName": "B"},
            ]
        },
        review_id="r1",
    )
    assert list(likes["consumer_id"]) == ["c1", "c2"]
    assert list(likes["review_id"]) == ["r1", "r1"]
    tags = F.tag_frame({"tags": [{"group": "generic", "value": "Test"}]}, review_id="r1")
    assert tags[["group", "value"]].values.tolist() == [["generic", "Test"]]
    pr = {
        "id": "p1",
        "createdAt": "2020-01-01T00:00:00.000Z",
        "stars": 5,
        "content": "nice",
        "consumer": {"id": "c1", "displayName": "A", "email": "a@x"},
        "language": "en",
        "attributeRatings": [{"attributeId": "a", "attributeName": "Fit", "rating": 4}],
        "product": {"sku": "ABCD-1234", "name": "Shoe"},
        "state": "Published",
        "referenceId": "o1",
    }
    pub = F.product_review_frame(
        {"productReviews": [pr], "links": LINKS}, business_unit_id="bu1"
    ).iloc[0]
    assert (
        pub["sku"],
        pub["stars"],
        pub["business_unit_id"],
        pub["attribute_ratings"][0]["rating"],
    ) == ("ABCD-1234", 5, "bu1", 4)
    priv = F.product_review_frame([pr], private=True).iloc[0]
    assert (priv["state"], priv["consumer_email"], priv["reference_id"]) == (
        "Published",
        "a@x",
        "o1",
    )
    summary = {
        "sku": "ABCD-1234",
        "starsAverage": 4.2,
        "numberOfReviews": {
            "total": 5,
            "oneStar": 0,
            "twoStars": 0,
            "threeStars": 1,
            "fourStars": 2,
            "fiveStars": 2,
        },
    }
    s = F.product_review_summary_frame({"summaries": [summary]}, business_unit_id="bu1").iloc[0]
    assert (s["sku"], s["stars_average"], s["number_of_reviews"], s["five_stars"]) == (
        "ABCD-1234",
        4.2,
        5,
        2,
    )
    link = F.invitation_link_frame(
        {"id": "inv1", "url": "https://x/inv1"}, business_unit_id="bu1"
    ).iloc[0]
    assert (link["id"], link["url"], link["business_unit_id"]) == ("inv1", "https://x/inv1", "bu1")


def test_latest_reviews_and_consumer_reviews_carry_business_unit() -> None:
    latest = {
        "reviews": [
            copy.deepcopy(REVIEW),
            {**REVIEW, "id": "other", "businessUnit": {"id": "b2", "displayName": "B"}},
        ]
    }
    df = F.review_frame(latest)
    assert list(df["business_unit_id"]) == [REVIEW["businessUnit"]["id"], "b2"]
    assert list(df["business_unit_name"]) == ["Trustpilot", "B"]


@pytest.mark.parametrize(
    ("data", "error", "pattern"),
    [
        ("not json objects", TypeError, "iterable of JSON objects"),
        (42, TypeError, "iterable of JSON objects"),
        ([REVIEW, ["a", "list"]], TypeError, "item 1 is a list"),
        ([{"stars": "many"}], ValueError, "'stars'.*Int8"),
        ([{"createdAt": "yesterday"}], ValueError, "'created_at'.*'yesterday'"),
        ([{"complianceLabels": "a"}], ValueError, "'compliance_labels'.*expected a JSON list"),
        ([{"isVerified": "perhaps"}], ValueError, "'is_verified'"),
    ],
)
def test_bad_input_raises_clear_errors(data: Any, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        F.review_frame(data)


def test_schema_markdown_lists_every_column() -> None:
    md = F.schema_markdown()
    for schema in F.ALL_SCHEMAS:
        assert schema.title in md
        own = schema.columns[schema.inherited :]
        for col in own:
            assert f"| `{col.name}` |" in md
    for schema in F.ALL_SCHEMAS:
        for name in schema.names:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name


def test_schema_lookup_and_errors() -> None:
    assert F.REVIEW_SCHEMA["stars"].dtype_name == "Int8"
    with pytest.raises(KeyError, match="no column"):
        F.REVIEW_SCHEMA["nope"]
    with pytest.raises(ValueError, match="no such review column"):
        F.REVIEW_SCHEMA.build([], defaults={"nope": 1})


def test_one_key_read_as_presence_and_as_a_value() -> None:
    """A key read by a ``present`` column and by a value column of the same level: the presence
    column tells a missing key (NA) from a null (False), the value column reads both as NA."""
    from tpnb.frames.schema import Schema, column

    schema = Schema(
        "thing",
        "Things",
        (
            column("has_note", "present", "note", "whether a note is there"),
            column("note", "string", "note", "the note"),
            column("note_author", "string", "meta.author|note", "who wrote it, else the note"),
        ),
    )
    frame = schema.build(
        [{"note": "a"}, {"note": None}, {}, {"note": "b", "meta": {"author": "x"}}]
    )
    assert frame["has_note"].tolist() == [True, False, pd.NA, True]
    assert frame["note"].tolist() == ["a", pd.NA, pd.NA, "b"]
    assert frame["note_author"].tolist() == ["a", pd.NA, pd.NA, "x"]
    assert frame.dtypes.tolist() == [pd.BooleanDtype(), F.STRING_DTYPE, F.STRING_DTYPE]
