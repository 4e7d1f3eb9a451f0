"""Sample data the tests build from: API payloads shaped like the docs' examples, review frames.

* :data:`BUSINESS_UNIT`, :data:`REVIEW`, :data:`PRIVATE_EXTRA`: the API docs' examples (docs §3),
  the payloads of the converter tests and their property tests.
* :func:`make_reviews`: a seeded review frame of any size, for the widget tests and the explorer
  benchmark. The reviews are built as API JSON and converted by :func:`tpnb.frames.review_frame`,
  so they have exactly the columns and dtypes the client returns.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from tpnb.frames import review_frame

UTC = timezone.utc
LINKS = [{"href": "https://api.trustpilot.com/v1/x", "method": "GET", "rel": "self"}]

# §3.1, the docs example
BUSINESS_UNIT = {
    "links": LINKS,
    "id": "46d6a890000064000500e0c3",
    "displayName": "Trustpilot",
    "name": {
        "identifying": "trustpilot.com",
        "referring": ["trustpilot.com", "www.trustpilot.com"],
    },
    "websiteUrl": "http://www.trustpilot.com",
    "country": "DK",
    "numberOfReviews": {
        "total": 14,
        "usedForTrustScoreCalculation": 12,
        "oneStar": 2,
        "twoStars": 3,
        "threeStars": 2,
        "fourStars": 5,
        "fiveStars": 2,
    },
    "status": "active",
    "score": {"trustScore": 4.6, "stars": 4.5},
    "badFit": True,
}

# §3.2, the union of the docs examples; createdAt in each real format in the variants below
REVIEW: dict[str, Any] = {
    "links": LINKS,
    "id": "507f191e810c19729de860ea",
    "consumer": {
        "links": LINKS,
        "id": "507f191e810c19729de860eb",
        "displayName": "John Doe",
        "displayLocation": "London, GB",
        "numberOfReviews": 3,
    },
    "businessUnit": {
        "links": LINKS,
        "id": "46d6a890000064000500e0c3",
        "identifyingName": "trustpilot.com",
        "displayName": "Trustpilot",
    },
    "stars": 4,
    "title": "Great service",
    "text": "Quick delivery — would buy again. 😀",
    "language": "en",
    "createdAt": "2013-09-07T13:37:00Z",
    "experiencedAt": "2013-09-01T00:00:00.000Z",
    "updatedAt": None,
    "companyReply": {"text": "Thanks!", "createdAt": "2013-09-08T10:00:00.123Z", "updatedAt": None},
    "isVerified": True,
    "reviewVerificationLevel": "invited",
    "numberOfLikes": 2,
    "status": "active",
    "location": {
        "id": "a3b7c8d2-0000-4000-8000-000000000001",
        "name": "Copenhagen",
        "urlFormattedName": "copenhagen",
    },
    "countsTowardsTrustScore": True,
    "countsTowardsLocationTrustScore": False,
    "reportData": {
        "source": "Trustpilot",
        "publicComment": None,
        "createdAt": "2013-09-09T08:00:00",
        "reasons": ["sensitiveInformation", "consumerIsCompetitor"],
        "reason": "consumer_is_competitor",
        "reviewVisibility": "hidden",
    },
    "complianceLabels": ["label-a"],
    "invitation": {"businessUnitId": "46d6a890000064000500e0c3"},
    "businessUnitHistory": [],
}

PRIVATE_EXTRA: dict[str, Any] = {
    "referralEmail": "john@example.com",
    "referenceId": "order-42",
    "source": "InvitationApi",
    "tags": [{"group": "generic", "value": "Test"}, {"group": "campaign", "value": "a:b"}],
    "findReviewer": {"isEligible": True, "requests": [{"id": "r1", "status": "pending"}]},
}

LANGUAGES = ("en", "en", "en", "de", "de", "fr", "da", "es")
WORDS = tuple(
    [
        "delivery",
        "fast",
        "slow",
        "parcel",
        "refund",
        "support",
        "friendly",
        "rude",
        "order",
        "price",
        "quality",
        "broken",
        "perfect",
        "late",
        "great",
        "terrible",
        "service",
        "website",
        "checkout",
        "return",
        "helpful",
        "again",
        "never",
        "recommend",
    ]
)
NAMES = ("Anna Schmidt", "Ben Carter", "Chloé Martin", "Dagny Holm", "Elena Ruiz", "Finn O'Neil")


def review_json(rng: random.Random, i: int, start: datetime) -> dict[str, Any]:
    """One review as the public API returns it."""
    stars = rng.choices((1, 2, 3, 4, 5), weights=(12, 5, 8, 20, 55))[0]
    created = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 730))
    length = rng.choice((6, 20, 60, 120))
    review: dict[str, Any] = {
        "id": f"{i:024x}",
        "businessUnit": {"id": "5f0c1e2d3a4b5c6d7e8f9a0b"},
        "stars": stars,
        "title": " ".join(rng.choices(WORDS, k=4)).capitalize(),
        "text": " ".join(rng.choices(WORDS, k=length)).capitalize() + ".",
        "language": rng.choice(LANGUAGES),
        "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "experiencedAt": (created - timedelta(days=3)).strftime("%Y-%m-%dT00:00:00.000Z"),
        "consumer": {"id": f"c{i:023x}", "displayName": rng.choice(NAMES), "displayLocation": "DK"},
        "isVerified": rng.random() < 0.6,
        "reviewVerificationLevel": "verified",
        "numberOfLikes": rng.randrange(0, 9),
        "status": "active",
        "countsTowardsTrustScore": True,
    }
    if rng.random() < 0.4:
        review["companyReply"] = {
            "text": "Thank you for your feedback!",
            "createdAt": (created + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    return review


def make_reviews(n: int, *, seed: int = 7) -> pd.DataFrame:
    """``n`` reviews spread over two years, as a typed review frame."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    return review_frame([review_json(rng, i, start) for i in range(n)])
