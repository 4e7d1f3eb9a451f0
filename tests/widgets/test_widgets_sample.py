"""The sample review frame the widget tests use (:func:`kit.samples.make_reviews`) is review-shaped."""

from __future__ import annotations

import pandas as pd
from kit.samples import make_reviews


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
