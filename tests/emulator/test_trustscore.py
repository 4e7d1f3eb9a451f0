"""TrustScore helpers: half-up rounding, stars from score, weights halving every 182.5 days."""

from __future__ import annotations

import numpy as np
import pytest

from tpnb.emulator.data.trustscore import (
    review_weights,
    round_half_up,
    stars_for_score,
    trust_score,
)

NOW = 1_800_000_000


@pytest.mark.parametrize(("value", "digits", "expected"),
                         [(4.45, 1, 4.5), (4.44, 1, 4.4), (2.25, 1, 2.3), (8.5, 0, 9.0), (9.0, 0, 9.0)])  # fmt: skip
def test_round_half_up(value: float, digits: int, expected: float) -> None:
    assert round_half_up(value, digits) == expected


@pytest.mark.parametrize(("score", "stars"),
                         [(0.0, 0.0), (1.1, 1.0), (1.3, 1.5), (4.6, 4.5), (4.7, 4.5), (4.8, 5.0), (4.2, 4.0),
                          (4.3, 4.5), (0.4, 1.0)])  # fmt: skip
def test_stars_for_score(score: float, stars: float) -> None:
    assert stars_for_score(score) == stars


def test_weight_halves_every_182_5_days_and_is_capped_at_one() -> None:
    ages = np.array([0, 182.5, 365, -30]) * 86400
    weights = review_weights((NOW - ages).astype(np.int64), NOW)
    assert weights == pytest.approx([1.0, 0.5, 0.25, 1.0])


def test_trust_score_blends_seven_imaginary_3_5_star_reviews() -> None:
    assert trust_score(np.array([], dtype=np.int8), np.array([], dtype=np.int64), NOW) == 0.0
    five = np.full(7, 5, dtype=np.int8)
    assert trust_score(five, np.full(7, NOW, dtype=np.int64), NOW) == 4.3  # (24.5 + 35) / 14 = 4.25
    old = np.full(7, NOW - 10 * 365 * 86400, dtype=np.int64)
    assert trust_score(five, old, NOW) == 3.5
