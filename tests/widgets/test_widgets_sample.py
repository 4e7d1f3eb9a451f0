"""Sample review frames for the widget tests and the explorer benchmark (+ checks of the sample).

The reviews are built as API JSON and converted by :func:`tpnb.frames.review_frame`, so they have
exactly the columns and dtypes the client returns. Other widget tests import :func:`make_reviews`.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from tpnb.frames import review_frame

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


def test_sample_has_the_documented_review_columns() -> None:
    frame = make_reviews(50)
    for column in (
        "id",
        "stars",
        "title",
        "text",
        "language",
        "created_at",
        "is_verified",
        "reply_text",
        "reply_created_at",
        "number_of_likes",
        "consumer_name",
    ):
        assert column in frame.columns, column
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert frame["reply_text"].isna().any()
    assert frame["reply_text"].notna().any()
