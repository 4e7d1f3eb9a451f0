"""tpnb.analysis, checked against straightforward independent computations on hand-made data."""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tpnb import analysis as A
from tpnb.errors import ConfigError
from tpnb.frames import review_frame

UTC = timezone.utc
T0 = datetime(2023, 1, 1, tzinfo=UTC)


def make_reviews(
    n: int, seed: int = 7, private: bool = False
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        created = T0 + timedelta(minutes=rng.randrange(0, 600 * 24 * 60))
        reply = None
        if rng.random() < 0.5:
            reply = {
                "text": "thanks",
                "createdAt": (created + timedelta(minutes=rng.randrange(1, 5000))).isoformat(),
            }
        out.append(
            {
                "id": f"r{i}",
                "stars": rng.choice([1, 2, 3, 4, 5, None]) if i % 17 else None,
                "language": rng.choice(["en", "da", "de", None]),
                "createdAt": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "companyReply": reply,
                "countsTowardsTrustScore": rng.random() < 0.9,
            }
        )
    return out, review_frame(out, private=private)


def created(r: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(r["createdAt"].replace("Z", "+00:00"))


def month_start(t: datetime) -> pd.Timestamp:
    return pd.Timestamp(datetime(t.year, t.month, 1, tzinfo=UTC))


def week_start(t: datetime) -> pd.Timestamp:  # weeks start on Sunday ("W" = W-SUN)
    d = t.date() - timedelta(days=(t.weekday() + 1) % 7)
    return pd.Timestamp(datetime(d.year, d.month, d.day, tzinfo=UTC))


def ts_formula(items: list[tuple[float, datetime]], at: datetime) -> float:
    """The published method written out: 7 reviews of 3.5, weights halving every 182.5 days."""
    if not items:
        return 0.0
    num, den = 7 * 3.5, 7.0
    for stars, when in items:
        w = 0.5 ** ((at - when).total_seconds() / 86400 / 182.5)
        num += w * stars
        den += w
    return float(Decimal(str(num / den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


EMPTY = review_frame([])


def test_rating_distribution() -> None:
    raw, df = make_reviews(300)
    got = A.rating_distribution(df)
    counts = Counter(r["stars"] for r in raw if r["stars"] is not None)
    assert list(got.index) == [1, 2, 3, 4, 5]
    assert got.index.name == "stars"
    assert list(got["count"]) == [counts[s] for s in range(1, 6)]
    assert got["share"].sum() == pytest.approx(1.0)
    assert (got.dtypes.astype(str).tolist()) == ["int64", "float64"]
    empty = A.rating_distribution(EMPTY)
    assert list(empty["count"]) == [0] * 5
    assert list(empty["share"]) == [0.0] * 5


@pytest.mark.parametrize(("freq", "start"), [("MS", month_start), ("W", week_start)])
def test_ratings_over_time(freq: str, start: Any) -> None:
    raw, df = make_reviews(400)
    got = A.ratings_over_time(df, freq=freq)
    groups: dict[pd.Timestamp, list[Any]] = defaultdict(list)
    for r in raw:
        groups[start(created(r))].append(r["stars"])
    assert got.index.name == "period"
    starts = A.period_starts(got.index)
    assert str(starts.dtype) == "datetime64[us, UTC]"
    assert starts[0] == min(groups)
    assert starts[-1] == max(groups)
    assert not got["partial"].any()  # the data ends in 2024: every period is over
    for (label, row), period in zip(got.iterrows(), starts, strict=True):
        assert label == (f"{period:%Y-%m}" if freq == "MS" else f"{period:%Y-%m-%d}")
        stars = groups.get(period, [])
        rated = [s for s in stars if s is not None]
        assert row["count"] == len(stars)
        if rated:
            assert row["mean_stars"] == pytest.approx(statistics.mean(rated))
            assert row["share_1_star"] == pytest.approx(rated.count(1) / len(rated))
            assert row["share_5_star"] == pytest.approx(rated.count(5) / len(rated))
        else:
            assert np.isnan(row["mean_stars"])
    assert got["count"].sum() == len(raw)


@pytest.mark.parametrize("freq", ["bogus", "M", "", 5, None])
def test_bad_freq_is_a_clear_error(freq: Any) -> None:
    _, df = make_reviews(10)
    for fn in (A.ratings_over_time, A.trustscore_history, A.reply_stats):
        with pytest.raises(ConfigError, match="freq"):
            fn(df, freq=freq)


def test_trustscore_hand_made_cases() -> None:
    at = datetime(2024, 6, 1, tzinfo=UTC)
    half = at - timedelta(days=182.5)
    year = at - timedelta(days=365)
    reviews = [
        {"stars": 5, "createdAt": at.isoformat()},
        {"stars": 5, "createdAt": half.isoformat()},
        {"stars": 4, "createdAt": year.strftime("%Y-%m-%dT%H:%M:%S")},
        {"stars": 5, "createdAt": year.isoformat(), "countsTowardsTrustScore": False},
        {"stars": 1, "createdAt": (at + timedelta(days=1)).isoformat()},  # after `at`
    ]
    df = review_frame(reviews)
    # weights 1, 1/2, 1/4 for the three counting reviews up to `at`
    expected = ts_formula([(5, at), (5, half), (4, year)], at)
    by_hand = float(
        Decimal(str((24.5 + 5 + 2.5 + 1) / (7 + 1.75))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    )
    assert expected == by_hand == 3.8  # 33 / 8.75 = 3.77
    assert A.trustscore(df, at=at) == expected
    assert A.trustscore(df, at=pd.Timestamp(at)) == expected
    assert A.trustscore(df, at=at.replace(tzinfo=None)) == expected  # naive = UTC
    # default `at` = the newest counting review
    latest = at + timedelta(days=1)
    assert A.trustscore(df) == ts_formula([(5, at), (5, half), (4, year), (1, latest)], latest)
    assert A.trustscore(EMPTY) == 0.0
    only_excluded = review_frame([reviews[3]])
    assert A.trustscore(only_excluded) == 0.0


def test_trustscore_matches_formula_on_random_data() -> None:
    raw, df = make_reviews(500, seed=3)
    at = T0 + timedelta(days=400)
    items = [
        (r["stars"], created(r))
        for r in raw
        if r["stars"] is not None and r["countsTowardsTrustScore"] and created(r) <= at
    ]
    assert A.trustscore(df, at=at) == ts_formula(items, at)
    with pytest.raises(ConfigError, match="at must be a timestamp"):
        A.trustscore(df, at=12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "score", [0.0, 1.0, 1.2, 1.25, 2.3, 2.74, 2.75, 3.8, 4.2, 4.24, 4.25, 4.6, 4.76, 5.0]
)
def test_trustscore_stars(score: float) -> None:
    if score == 0:
        expected = 0.0
    else:
        doubled = Decimal(str(score)) * 2
        expected = float(doubled.quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2)
        expected = min(5.0, max(1.0, expected))
    assert A.trustscore_stars(score) == expected


@pytest.mark.parametrize("bad", [-0.1, 5.5, float("nan"), "4", True])
def test_trustscore_stars_rejects_bad_scores(bad: Any) -> None:
    with pytest.raises(ConfigError, match="score must"):
        A.trustscore_stars(bad)


def test_trustscore_history() -> None:
    raw, df = make_reviews(200, seed=11)
    got = A.trustscore_history(df, freq="MS")
    counting = [
        (r["stars"], created(r))
        for r in raw
        if r["stars"] is not None and r["countsTowardsTrustScore"]
    ]
    starts = A.period_starts(got.index)
    assert starts[0] == month_start(min(t for _, t in counting))
    for (_label, row), start in zip(got.iterrows(), starts, strict=True):
        end = (start + pd.offsets.MonthBegin()).to_pydatetime()
        before = [(s, t) for s, t in counting if t < end]
        assert row["reviews"] == len(before)
        assert row["trust_score"] == ts_formula(before, end)
        assert row["stars"] == A.trustscore_stars(row["trust_score"])
    empty = A.trustscore_history(EMPTY)
    assert list(empty.columns) == ["trust_score", "stars", "reviews", "partial"]
    assert len(empty) == 0


def test_reply_stats() -> None:
    raw, df = make_reviews(300, seed=5)
    got = A.reply_stats(df, freq="MS")
    groups: dict[pd.Timestamp, list[dict[str, Any]]] = defaultdict(list)
    for r in raw:
        groups[month_start(created(r))].append(r)
    for (_label, row), start in zip(got.iterrows(), A.period_starts(got.index), strict=True):
        rs = groups.get(start, [])
        replied = [r for r in rs if r["companyReply"]]
        assert row["reviews"] == len(rs)
        assert row["replied"] == len(replied)
        if rs:
            assert row["reply_rate"] == pytest.approx(len(replied) / len(rs))
        if replied:
            hours = [
                (
                    datetime.fromisoformat(r["companyReply"]["createdAt"]) - created(r)
                ).total_seconds()
                / 3600
                for r in replied
            ]
            assert row["median_reply_hours"] == pytest.approx(statistics.median(hours))
        else:
            assert np.isnan(row["median_reply_hours"])


def test_language_mix() -> None:
    raw, df = make_reviews(300, seed=9)
    got = A.language_mix(df)
    langs = Counter(r["language"] for r in raw if r["language"])
    assert got.index.name == "language"
    assert dict(zip(got.index, got["count"], strict=True)) == dict(langs)
    assert list(got["count"]) == sorted(got["count"], reverse=True)
    assert got["share"].sum() == pytest.approx(1.0)
    for lang, row in got.iterrows():
        stars = [r["stars"] for r in raw if r["language"] == lang and r["stars"] is not None]
        assert row["mean_stars"] == pytest.approx(statistics.mean(stars))
    assert len(A.language_mix(EMPTY)) == 0


def test_compare() -> None:
    raw_a, a = make_reviews(120, seed=1)
    raw_b, b = make_reviews(80, seed=2, private=True)
    got = A.compare({"a.example": a, "b.example": b, "none.example": EMPTY})
    assert list(got.index) == ["a.example", "b.example", "none.example"]
    assert got.index.name == "unit"
    for unit, raw, df in [("a.example", raw_a, a), ("b.example", raw_b, b)]:
        row = got.loc[unit]
        rated = [r["stars"] for r in raw if r["stars"] is not None]
        assert row["reviews"] == len(raw)
        assert row["mean_stars"] == pytest.approx(statistics.mean(rated))
        assert row["share_5_star"] == pytest.approx(rated.count(5) / len(rated))
        assert row["share_1_star"] == pytest.approx(rated.count(1) / len(rated))
        assert row["reply_rate"] == pytest.approx(
            sum(1 for r in raw if r["companyReply"]) / len(raw)
        )
        assert row["trust_score"] == A.trustscore(df)
        assert row["first_review"] == pd.Timestamp(min(created(r) for r in raw))
        assert row["last_review"] == pd.Timestamp(max(created(r) for r in raw))
    none = got.loc["none.example"]
    assert none["reviews"] == 0
    assert none["trust_score"] == 0.0
    assert pd.isna(none["first_review"])
    assert len(A.compare({})) == 0
    assert list(A.compare({}).columns) == list(got.columns)


def test_empty_frames_everywhere() -> None:
    for fn in (A.ratings_over_time, A.reply_stats, A.trustscore_history):
        out = fn(EMPTY)
        assert len(out) == 0
        assert out.index.name == "period"
        assert str(out.index.dtype) == "string"
        assert str(A.period_starts(out.index).dtype) == "datetime64[us, UTC]"
        assert out["partial"].dtype == bool
        full = fn(make_reviews(30)[1])
        assert full.dtypes.to_dict() == out.dtypes.to_dict()


def test_wrong_input_types() -> None:
    with pytest.raises(ConfigError, match="review DataFrame"):
        A.rating_distribution([{"stars": 5}])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="lacks column"):
        A.ratings_over_time(pd.DataFrame({"stars": [5]}))
    with pytest.raises(ConfigError, match="frames_by_unit"):
        A.compare([EMPTY])  # type: ignore[arg-type]


# --- partial periods and labels ------------------------------------------------------------------
PERIOD_FUNCTIONS = (A.ratings_over_time, A.trustscore_history, A.reply_stats)


def reviews_between(first: str, last: str, n: int = 40) -> pd.DataFrame:
    """``n`` reviews spread evenly from ``first`` to ``last`` (UTC timestamps)."""
    times = pd.date_range(first, last, periods=n, tz="UTC")
    return review_frame(
        [
            {"id": f"r{i}", "stars": 1 + i % 5, "createdAt": t.isoformat()}
            for i, t in enumerate(times)
        ]
    )


def covers(period: pd.Period, since: pd.Timestamp | None, until: pd.Timestamp) -> bool:
    """Whether [since, until) holds the whole period (independent of tpnb: pandas Periods)."""
    start = period.start_time.tz_localize("UTC")
    end = (period + 1).start_time.tz_localize("UTC")
    return (since is None or since <= start) and end <= until


@pytest.mark.parametrize("fn", PERIOD_FUNCTIONS)
@pytest.mark.parametrize(("freq", "code"), [("MS", "M"), ("QS", "Q"), ("YS", "Y")])
@pytest.mark.parametrize(
    ("since", "until"),
    [
        (None, "2026-10-21T08:00:00Z"),  # a quarter (and year) holding only October so far
        (None, "2026-11-01T00:00:00Z"),  # October complete; the quarter is not
        (None, "2027-01-01T00:00:00Z"),  # everything complete
        (None, "2026-12-31T23:59:59Z"),  # one second short of the year
        ("2025-03-15T00:00:00Z", "2027-01-01T00:00:00Z"),  # the range starts mid-March
        ("2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    ],
)
def test_a_period_is_partial_exactly_when_the_range_does_not_cover_it(
    fn: Any, freq: str, code: str, since: str | None, until: str
) -> None:
    df = reviews_between("2025-03-20T10:00:00Z", "2026-10-20T18:00:00Z")
    got = fn(df, freq, since=since, until=until)
    assert len(got) > 0
    for (label, row), start in zip(got.iterrows(), A.period_starts(got.index), strict=True):
        period = pd.Period(start.tz_localize(None), freq=code)
        expected = not covers(period, pd.Timestamp(since) if since else None, pd.Timestamp(until))
        assert bool(row["partial"]) == expected, (label, since, until)


def test_a_partial_quarter_is_flagged_and_labelled() -> None:
    df = reviews_between("2026-01-05T00:00:00Z", "2026-10-20T00:00:00Z")
    got = A.ratings_over_time(df, "QS", until="2026-10-21T00:00:00Z")
    assert list(got.index) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert list(got["partial"]) == [False, False, False, True]
    # by default the range ends now: a period still in progress is partial
    current = pd.Timestamp.now(tz="UTC").floor("D") - pd.Timedelta(days=1)
    recent = reviews_between((current - pd.Timedelta(days=90)).isoformat(), current.isoformat())
    now_months = A.ratings_over_time(recent, "MS")
    assert list(now_months["partial"]) == [False] * (len(now_months) - 1) + [True]


@pytest.mark.parametrize(
    ("freq", "first", "labels"),
    [
        ("MS", "2026-04-10", ["2026-04", "2026-05"]),
        ("QS", "2026-04-10", ["2026-Q2"]),
        ("YS", "2026-04-10", ["2026"]),
        ("W", "2026-04-10", ["2026-04-05", "2026-04-12"]),
        ("D", "2026-04-10", ["2026-04-10", "2026-04-11"]),
        ("6h", "2026-04-10", ["2026-04-10 00:00", "2026-04-10 06:00"]),
    ],
)
def test_period_labels_read_as_periods(freq: str, first: str, labels: list[str]) -> None:
    span = {"MS": "35D", "QS": "35D", "YS": "35D", "W": "7D", "D": "1D", "6h": "6h"}[freq]
    start = pd.Timestamp(first, tz="UTC") + pd.Timedelta(hours=1)
    df = reviews_between(start.isoformat(), (start + pd.Timedelta(span)).isoformat(), n=5)
    got = A.ratings_over_time(df, freq, until="2030-01-01")
    assert list(got.index) == labels
    assert "00:00:00" not in got.to_string()
    # labels read back into the periods' starts: the first holds the first review
    starts = A.period_starts(got.index)
    assert A.period_labels(starts, freq) == labels
    assert starts[0] <= start < starts[0] + pd.tseries.frequencies.to_offset(freq)


def test_period_starts_rejects_other_text() -> None:
    with pytest.raises(ConfigError, match="not a period label"):
        A.period_starts(["2026-Q5"])


def test_a_partial_last_period_is_scored_at_until() -> None:
    df = reviews_between("2026-01-05T00:00:00Z", "2026-10-20T00:00:00Z")
    until = pd.Timestamp("2026-10-21T00:00:00Z")
    got = A.trustscore_history(df, "QS", until=until)
    assert got["partial"].iloc[-1]
    assert got["trust_score"].iloc[-1] == A.trustscore(df, at=until)
    assert got["reviews"].iloc[-1] == len(df)


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (None, "yesterday-ish", "until must be a timestamp"),
        (5, None, "since must be a timestamp"),
        ("2026-05-01", "2026-04-01", "since must be before until"),
    ],
)
def test_bad_coverage_bounds_are_clear_errors(since: Any, until: Any, message: str) -> None:
    df = reviews_between("2026-01-05T00:00:00Z", "2026-03-20T00:00:00Z")
    for fn in PERIOD_FUNCTIONS:
        with pytest.raises(ConfigError, match=message):
            fn(df, "MS", since=since, until=until)
