"""tpnb.widgets.filtering: filters, sort orders and pages, checked against plain pandas."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest
from kit.samples import make_reviews

from tpnb.errors import ConfigError
from tpnb.widgets.filtering import (
    ReviewFilter,
    ReviewIndex,
    filter_reviews,
    language_counts,
    paginate,
)


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return make_reviews(600)


@pytest.fixture(scope="module")
def index(reviews: pd.DataFrame) -> ReviewIndex:
    return ReviewIndex(reviews)


def test_no_filter_keeps_everything_newest_first(reviews: pd.DataFrame, index: ReviewIndex) -> None:
    out = index.frame(ReviewFilter())
    assert len(out) == len(reviews)
    assert out["created_at"].is_monotonic_decreasing


def test_stars_and_language(reviews: pd.DataFrame, index: ReviewIndex) -> None:
    out = index.frame(ReviewFilter(stars={1}, languages={"de"}))
    expected = reviews[(reviews["stars"] == 1) & (reviews["language"] == "de")]
    assert len(out) > 0
    assert set(out["id"]) == set(expected["id"])


def test_several_stars(reviews: pd.DataFrame, index: ReviewIndex) -> None:
    out = index.frame(ReviewFilter(stars={4, 5}))
    assert set(out["id"]) == set(reviews.loc[reviews["stars"] >= 4, "id"])


def test_date_range_is_whole_days_in_the_viewer_timezone(
    reviews: pd.DataFrame, index: ReviewIndex
) -> None:
    flt = ReviewFilter(since=date(2024, 3, 1), until=date(2024, 3, 31), tz="America/New_York")
    out = index.frame(flt)
    local = reviews["created_at"].dt.tz_convert("America/New_York")
    expected = reviews[(local.dt.date >= date(2024, 3, 1)) & (local.dt.date <= date(2024, 3, 31))]
    assert len(out) > 0
    assert set(out["id"]) == set(expected["id"])


def test_moments_are_exclusive_at_the_end(reviews: pd.DataFrame, index: ReviewIndex) -> None:
    moment = reviews["created_at"].iloc[0]
    out = index.frame(ReviewFilter(until=moment.to_pydatetime()))
    assert moment not in set(out["created_at"])
    assert (out["created_at"] < moment).all()


def test_text_search_is_case_insensitive_over_title_text_and_reviewer(
    reviews: pd.DataFrame, index: ReviewIndex
) -> None:
    out = index.frame(ReviewFilter(text="  REFUND "))
    hay = (reviews["title"] + " " + reviews["text"] + " " + reviews["consumer_name"]).str.lower()
    assert set(out["id"]) == set(reviews.loc[hay.str.contains("refund", regex=False), "id"])
    out2 = index.frame(ReviewFilter(text="o'neil"))
    assert set(out2["id"]) == set(reviews.loc[reviews["consumer_name"] == "Finn O'Neil", "id"])


def test_replied_and_verified(reviews: pd.DataFrame, index: ReviewIndex) -> None:
    replied = index.frame(ReviewFilter(replied=True))
    not_replied = index.frame(ReviewFilter(replied=False))
    assert replied["reply_text"].notna().all()
    assert not_replied["reply_text"].isna().all()
    assert len(replied) + len(not_replied) == len(reviews)
    verified = index.frame(ReviewFilter(verified=True))
    assert set(verified["id"]) == set(reviews.loc[reviews["is_verified"].fillna(False), "id"])
    assert len(index.frame(ReviewFilter(verified=False))) == len(reviews) - len(verified)


@pytest.mark.parametrize(
    ("sort", "column", "ascending"),
    [
        ("oldest", "created_at", True),
        ("highest", "stars", False),
        ("lowest", "stars", True),
        ("most_liked", "number_of_likes", False),
    ],
)
def test_sort_orders(index: ReviewIndex, sort: str, column: str, ascending: bool) -> None:
    out = index.frame(ReviewFilter(sort=sort))  # type: ignore[arg-type]
    values = out[column].astype("float64" if column != "created_at" else out[column].dtype)
    assert values.is_monotonic_increasing if ascending else values.is_monotonic_decreasing
    if sort in ("highest", "lowest"):  # ties newest first
        for _stars, group in out.groupby("stars", sort=False):
            assert group["created_at"].is_monotonic_decreasing


def test_filter_reviews_and_empty_frames(reviews: pd.DataFrame) -> None:
    assert len(filter_reviews(reviews, ReviewFilter(stars={2}))) == int(
        (reviews["stars"] == 2).sum()
    )
    empty = reviews.iloc[:0]
    assert filter_reviews(empty, ReviewFilter(stars={1}, text="x")).empty
    assert list(filter_reviews(empty).columns) == list(reviews.columns)


def test_language_counts(reviews: pd.DataFrame) -> None:
    counts = language_counts(reviews)
    expected = reviews["language"].astype("string").value_counts()
    assert dict(counts) == {k: int(v) for k, v in expected.items()}
    assert [n for _code, n in counts] == sorted((n for _code, n in counts), reverse=True)
    assert language_counts(reviews.iloc[:0]) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stars": {0}}, "star rating 1..5"),
        ({"stars": {6}}, "star rating 1..5"),
        ({"stars": 6}, "star rating 1..5"),
        ({"stars": "5"}, "stars must be"),
        ({"stars": {True}}, "stars must be"),
        ({"stars": 4.5}, "stars must be"),
        ({"languages": 7}, "languages must be"),
        ({"sort": "best"}, "unknown sort order"),
        ({"since": date(2024, 5, 2), "until": date(2024, 5, 1)}, "after"),
        ({"since": date(2024, 5, 2), "tz": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_filters_raise_clear_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ReviewFilter(**kwargs)  # type: ignore[arg-type]


def test_one_star_rating_or_language_may_be_given_alone() -> None:
    assert ReviewFilter(stars=5).stars == frozenset({5})  # type: ignore[arg-type]
    assert ReviewFilter(languages="en").languages == frozenset({"en"})  # type: ignore[arg-type]
    assert ReviewFilter(stars=[4, 5]).stars == frozenset({4, 5})  # type: ignore[arg-type]


def test_same_day_range_is_allowed() -> None:
    flt = ReviewFilter(since=date(2024, 5, 1), until=date(2024, 5, 1))
    start, stop = flt.bounds()
    assert start == pd.Timestamp(datetime(2024, 5, 1, tzinfo=timezone.utc))
    assert stop is not None
    assert start is not None
    assert (stop - start) == pd.Timedelta(days=1)


def test_paginate() -> None:
    page = paginate(45, 3, 20)
    assert (page.number, page.count, page.first, page.last) == (3, 3, 41, 45)
    assert page.rows == slice(40, 45)
    assert paginate(45, 99, 20).number == 3
    assert paginate(45, -1, 20).number == 1
    empty = paginate(0, 1, 20)
    assert (empty.count, empty.first, empty.last) == (1, 0, 0)
    with pytest.raises(ValueError, match="page size"):
        paginate(10, 1, 0)
    with pytest.raises(ValueError, match="total"):
        paginate(-1, 1, 10)


def test_missing_dates_come_last_newest_first_and_first_oldest_first(reviews: pd.DataFrame) -> None:
    frame = reviews.head(20).copy()
    frame.loc[frame.index[3], "created_at"] = pd.NaT
    index = ReviewIndex(frame)
    newest = index.frame(ReviewFilter(sort="newest"))
    assert pd.isna(newest["created_at"].iloc[-1])
    assert newest["created_at"].iloc[:-1].is_monotonic_decreasing
    assert pd.isna(index.frame(ReviewFilter(sort="oldest"))["created_at"].iloc[0])
    assert len(index.frame(ReviewFilter(since=date(2020, 1, 1)))) == 19


def test_the_whole_frame_newest_first_is_not_copied(index: ReviewIndex) -> None:
    assert index.frame(ReviewFilter()) is index.ordered
    assert index.frame(ReviewFilter()) is index.frame(ReviewFilter())


@pytest.mark.parametrize("dtype", ["category", "string[pyarrow]", "object"])
def test_stars_and_languages_select_the_same_rows_for_every_column_dtype(
    reviews: pd.DataFrame, dtype: str
) -> None:
    frame = reviews.copy()
    frame.loc[frame.index[::7], "language"] = pd.NA  # a review without a language
    frame.loc[frame.index[::11], "stars"] = pd.NA  # and one without a rating
    frame["language"] = frame["language"].astype(dtype)
    index = ReviewIndex(frame)
    language = frame["language"].astype("string")
    for stars, languages in [({1}, {"de"}), ({2, 5}, {"en", "da", "xx"}), (set(), {"en"})]:
        out = index.frame(ReviewFilter(stars=stars, languages=languages))
        keep = language.isin(languages).fillna(False)
        if stars:
            keep &= frame["stars"].isin(stars).fillna(False)
        assert len(out) > 0
        assert set(out["id"]) == set(frame.loc[keep, "id"])
    counts = dict(index.language_counts(ReviewFilter(stars={1})))
    assert counts == language[frame["stars"] == 1].value_counts().to_dict()
