"""Benchmark: review_frame vs pandas.json_normalize on the same synthetic public reviews.

Run: ``.venv/bin/python tests/benchmarks/bench_frames.py [N]`` (default 20,000 reviews).
Prints time and deep memory (bytes per review) of both, and their ratios, measured in one run.
Issue 9's target: review_frame uses at most half the memory of json_normalize.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from tpnb.frames import review_frame

_START = datetime(2020, 1, 1, tzinfo=timezone.utc)
_WORDS = [
    "good",
    "bad",
    "slow",
    "fast",
    "friendly",
    "rude",
    "parcel",
    "delivery",
    "price",
    "quality",
    "service",
    "again",
]


def _ts(rng: random.Random) -> str:
    t = _START + timedelta(seconds=rng.randrange(0, 6 * 365 * 86400))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def synthetic_reviews(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` public reviews shaped like the API's §3.2 example (links included)."""
    rng = random.Random(seed)
    base = "http://127.0.0.1:8765/v1"
    out = []
    for i in range(n):
        rid = f"{i:024x}"
        cid = f"{rng.randrange(16**24):024x}"
        replied = rng.random() < 0.4
        out.append(
            {
                "links": [{"href": f"{base}/reviews/{rid}", "method": "GET", "rel": "reviews"}],
                "id": rid,
                "consumer": {
                    "links": [
                        {"href": f"{base}/consumers/{cid}", "method": "GET", "rel": "consumers"}
                    ],
                    "id": cid,
                    "displayName": f"Consumer {rng.randrange(10**6)}",
                    "displayLocation": rng.choice(["London, GB", "Aarhus, DK", None]),
                    "numberOfReviews": rng.randrange(1, 50),
                },
                "businessUnit": {
                    "id": "5f0c" + "0" * 20,
                    "identifyingName": "a.example",
                    "displayName": "A",
                },
                "stars": rng.randrange(1, 6),
                "title": " ".join(rng.choices(_WORDS, k=3)),
                "text": " ".join(rng.choices(_WORDS, k=rng.randrange(5, 60))),
                "language": rng.choice(["en", "da", "de", "fr"]),
                "createdAt": _ts(rng),
                "experiencedAt": _ts(rng),
                "updatedAt": _ts(rng) if rng.random() < 0.1 else None,
                "companyReply": {"text": "Thanks!", "createdAt": _ts(rng), "updatedAt": None}
                if replied
                else None,
                "isVerified": rng.random() < 0.5,
                "reviewVerificationLevel": rng.choice(["invited", "verified", "notVerified"]),
                "numberOfLikes": rng.randrange(0, 5),
                "status": "active",
                "location": None,
                "countsTowardsTrustScore": True,
                "countsTowardsLocationTrustScore": None,
                "reportData": None,
                "complianceLabels": [],
                "invitation": None,
            }
        )
    return out


def main() -> None:
    """Time and measure both conversions and print the ratios."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    reviews = synthetic_reviews(n)
    t0 = time.perf_counter()
    ours = review_frame(reviews)
    t1 = time.perf_counter()
    norm = pd.json_normalize(reviews)
    t2 = time.perf_counter()
    mem_ours = int(ours.memory_usage(deep=True).sum())
    mem_norm = int(norm.memory_usage(deep=True).sum())
    print(f"{n} reviews, pandas {pd.__version__}")
    print(f"{'':16}{'seconds':>10}{'bytes/review':>14}{'columns':>9}")
    print(f"{'review_frame':16}{t1 - t0:10.3f}{mem_ours / n:14.0f}{ours.shape[1]:9d}")
    print(f"{'json_normalize':16}{t2 - t1:10.3f}{mem_norm / n:14.0f}{norm.shape[1]:9d}")
    print(
        f"ratio ours/json_normalize: time {(t1 - t0) / (t2 - t1):.2f}, memory {mem_ours / mem_norm:.2f}"
    )


if __name__ == "__main__":
    main()
