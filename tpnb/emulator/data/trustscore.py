"""TrustScore by Trustpilot's published method (trustpilot-api.md §5).

``TS = (7 * 3.5 + sum(w_i * stars_i)) / (7 + sum(w_i))`` over the reviews that count towards the
TrustScore, with ``w_i = 0.5 ** (age_days_i / 182.5)`` (a review's weight halves every 6 months).
The score is rounded half-up to one decimal; ``stars`` is that score rounded half-up to the nearest
half star, clamped to [1, 5]; both are 0 for a business unit with no counting reviews.

When the score is computed follows Trustpilot's page [C]: "recalculated on every new review" for
business units with fewer than 10,000 reviews, "once per day" above. So ages are taken at the
newest counting review for a small unit, and at the start of the data set's current day for a large
one (:func:`computed_at`); a review dated after that moment has weight 1.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

PRIOR_REVIEWS = 7
PRIOR_STARS = 3.5
HALF_LIFE_DAYS = 182.5
SECONDS_PER_DAY = 86400
#: from this many reviews on, Trustpilot recalculates once a day instead of on every new review
DAILY_RECALCULATION_FROM = 10_000


def round_half_up(value: float, ndigits: int = 0) -> float:
    """Round ``value`` half away from zero (values here are positive) to ``ndigits`` decimals."""
    factor = 10**ndigits
    # the small epsilon absorbs binary noise such as 4.45 -> 4.4499999
    return float(math.floor(value * factor + 0.5 + 1e-9) / factor)


def review_weights(created_s: npt.NDArray[np.int64], now_s: int) -> npt.NDArray[np.float64]:
    """Each review's weight ``0.5 ** (age_days / 182.5)`` (age clamped at 0)."""
    age_days = np.maximum(now_s - created_s, 0) / SECONDS_PER_DAY
    return np.power(0.5, age_days / HALF_LIFE_DAYS)


def computed_at(created_s: npt.NDArray[np.int64], total_reviews: int, now_s: int) -> int:
    """When the published score was last recalculated (epoch seconds), see the module doc."""
    if total_reviews >= DAILY_RECALCULATION_FROM or created_s.size == 0:
        return now_s - now_s % SECONDS_PER_DAY
    return min(int(created_s.max()), now_s)


def trust_score(stars: npt.NDArray[np.int8], created_s: npt.NDArray[np.int64], now_s: int) -> float:
    """The TrustScore (one decimal) of the counting reviews given as parallel arrays."""
    if stars.size == 0:
        return 0.0
    weights = review_weights(created_s, now_s)
    total = PRIOR_REVIEWS * PRIOR_STARS + float(np.dot(weights, stars.astype(np.float64)))
    score = total / (PRIOR_REVIEWS + float(weights.sum()))
    return round_half_up(score, 1)


def stars_for_score(score: float) -> float:
    """The star rating shown for a TrustScore: nearest half star, in [1, 5]; 0 for no score."""
    if score <= 0:
        return 0.0
    return min(5.0, max(1.0, round_half_up(score * 2) / 2))
