"""The analyst's helpers: pure pandas on a review frame (public or private), no I/O.

Every function takes a frame from :func:`tpnb.frames.review_frame` (only the columns it needs must
be present), works on an empty frame, and returns plain pandas objects. Time series are indexed
by ``period``, a label for people (``2026-05`` for a month, ``2026-Q2`` for a quarter, ``2026`` for
a year, the start date ``2026-05-03`` for a week or a day; ``freq`` is a pandas offset alias such as
``"D"``, ``"W"`` (weeks starting Sunday), ``"MS"``, ``"QS"``, ``"YS"``), every bin between the first
and last review present (:func:`period_starts` turns labels back into UTC starts). Each row
also carries ``partial``: true when the time range the reviews cover (``since``/``until``;
``until`` defaults to now, as a frame fetched from the API holds every review up to the moment
it was fetched) does not cover the whole bin, as for the current month, or a quarter of which
only October has happened. A chart or a table should not read a partial period's low volume
as a collapse.

TrustScore (:func:`trustscore`) follows Trustpilot's published method ("TrustScore and star
rating explained", https://support.trustpilot.com/hc/en-us/articles/201748946): a Bayesian average that always includes 7 imaginary reviews of 3.5 stars,
and a time weight that halves a review's value about every 6 months. The exact weights are not
public; tpnb uses ``w = 0.5 ** (age_days / 182.5)`` (the emulator's formula), counts only reviews
whose ``counts_towards_trust_score`` is true or unknown, and rounds to one decimal, half up::

    TrustScore = (7 * 3.5 + sum(w_i * stars_i)) / (7 + sum(w_i))
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from tpnb.errors import ConfigError
from tpnb.frames import DATETIME_DTYPE, STRING_DTYPE, parse_timestamp

PRIOR_REVIEWS = 7
PRIOR_STARS = 3.5
HALF_LIFE_DAYS = 182.5
_US_PER_DAY = 86_400 * 1_000_000
_US_PER_HOUR = 3_600 * 1_000_000


# --- input checks ------------------------------------------------------------------------------
def _check_frame(reviews: object, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(reviews, pd.DataFrame):
        raise ConfigError(
            f"expected a review DataFrame (from tpnb.frames.review_frame or Client.reviews), "
            f"got {type(reviews).__name__}"
        )
    missing = [c for c in columns if c not in reviews.columns]
    if missing:
        raise ConfigError(
            f"the review frame lacks column(s) {missing}; this function needs {list(columns)} "
            "(as made by tpnb.frames.review_frame)"
        )
    return reviews


def _check_freq(freq: object) -> str:
    allowed = "a pandas offset alias such as 'D', 'W', 'MS', 'QS' or 'YS'"
    if not isinstance(freq, str) or not freq.strip():
        raise ConfigError(f"freq must be {allowed}, got {freq!r}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pd.tseries.frequencies.to_offset(freq)
    except (ValueError, TypeError, Warning) as exc:
        raise ConfigError(f"freq {freq!r} is not valid: use {allowed} ({exc})") from exc
    return freq


def _times(frame: pd.DataFrame, column: str) -> np.ndarray[Any, Any]:
    """A column as int64 microseconds since the epoch (UTC); NaT -> the int64 minimum."""
    s = frame[column]
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_datetime64_dtype(s.dtype):
            s = s.dt.tz_localize("UTC")
        else:
            s = pd.to_datetime(s, utc=True, format="ISO8601")
    us: np.ndarray[Any, Any] = (
        s.dt.tz_convert("UTC").dt.as_unit("us").to_numpy(dtype="datetime64[us]")
    )
    return us.view("int64")


_NAT = np.iinfo(np.int64).min


def _stars(frame: pd.DataFrame) -> np.ndarray[Any, Any]:
    """``stars`` as float64 with NaN for NA."""
    return pd.to_numeric(frame["stars"], errors="coerce").astype("float64").to_numpy()


def _at(at: object) -> int | None:
    if at is None:
        return None
    if isinstance(at, (str, datetime, pd.Timestamp)):
        ts = parse_timestamp(at)
        if ts is not None:
            return int(ts.value) // 1000  # Timestamp.value is in nanoseconds whatever the unit
    raise ConfigError(f"at must be a timestamp (str, datetime or pandas Timestamp), got {at!r}")


def _period_index(values: Any) -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(values, name="period")
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    return idx.as_unit("us")


def period_labels(starts: Any, freq: str) -> list[str]:
    """Labels for period starts: ``2026-05`` (months), ``2026-Q2`` (quarters), ``2026`` (years).

    Periods of another length are labelled by their start: ``2026-05-03`` (weeks, days), or
    ``2026-05-03 14:00`` when a start is not at midnight.

    Args:
        starts: The periods' UTC starts (anything :class:`pandas.DatetimeIndex` accepts).
        freq: The pandas offset alias the periods were made with.
    """
    index = _period_index(starts)
    offset = pd.tseries.frequencies.to_offset(_check_freq(freq))
    if isinstance(offset, (pd.offsets.MonthBegin, pd.offsets.MonthEnd)) and offset.n == 1:
        return [f"{t.year}-{t.month:02d}" for t in index]
    if (
        isinstance(offset, (pd.offsets.QuarterBegin, pd.offsets.QuarterEnd))
        and offset.n == 1
        and all(t.month % 3 == 1 and t.day == 1 for t in index)
    ):
        return [f"{t.year}-Q{t.quarter}" for t in index]
    if (
        isinstance(offset, (pd.offsets.YearBegin, pd.offsets.YearEnd))
        and offset.n == 1
        and all(t.month == 1 and t.day == 1 for t in index)
    ):
        return [str(t.year) for t in index]
    if all(t == t.normalize() for t in index):
        return [f"{t:%Y-%m-%d}" for t in index]
    return [f"{t:%Y-%m-%d %H:%M}" for t in index]


def _bound(value: object, name: str) -> int | None:
    """``since``/``until`` as microseconds since the epoch (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, (str, datetime, pd.Timestamp)):
        try:
            ts = parse_timestamp(value)
        except ValueError as exc:
            raise ConfigError(f"{name} must be a timestamp: {exc}") from exc
        if ts is not None:
            return int(ts.value) // 1000
    raise ConfigError(
        f"{name} must be a timestamp (str, datetime or pandas Timestamp) or None, got {value!r}"
    )


def _coverage(since: object, until: object) -> tuple[int | None, int]:
    """The covered time range in microseconds: ``since`` (or ``None``), ``until`` (default now)."""
    start = _bound(since, "since")
    end = _bound(until, "until")
    if end is None:
        end = int(pd.Timestamp.now(tz="UTC").value) // 1000
    if start is not None and start >= end:
        raise ConfigError("since must be before until (the time range the reviews cover)")
    return start, end


def _period_frame(
    data: Mapping[str, Any], starts: pd.DatetimeIndex, freq: str, since: object, until: object
) -> pd.DataFrame:
    """A period table: ``data``'s columns, then ``partial``; rows labelled by period."""
    start_us, until_us = _coverage(since, until)
    ends = (starts + pd.tseries.frequencies.to_offset(freq)).as_unit("us").asi8
    partial = ends > until_us
    if start_us is not None:
        partial |= starts.as_unit("us").asi8 < start_us
    out = pd.DataFrame(dict(data), index=_label_index(starts, freq))
    out["partial"] = np.asarray(partial, dtype=bool)
    return out


def period_starts(labels: Any) -> pd.DatetimeIndex:
    """The UTC starts of periods labelled as the period tables label them (see :func:`period_labels`).

    Args:
        labels: Period labels such as ``2026-05``, ``2026-Q2``, ``2026``, ``2026-05-03`` or
            ``2026-05-03 14:00`` (e.g. the index of :func:`ratings_over_time`).

    Raises:
        ConfigError: A label is none of these forms.
    """
    starts = []
    for label in labels:
        text = str(label)
        try:
            if len(text) == 7 and text[4:6] == "-Q" and text[6] in "1234":
                starts.append(pd.Period(f"{text[:4]}Q{text[6]}", freq="Q").start_time)
            elif len(text) == 4 and text.isdigit():
                starts.append(pd.Timestamp(int(text), 1, 1))
            else:
                starts.append(pd.Timestamp(text))
        except ValueError as exc:
            raise ConfigError(
                f"not a period label: {text!r}; expected 2026-05, 2026-Q2, 2026, 2026-05-03 "
                "or 2026-05-03 14:00"
            ) from exc
    index = _period_index(starts)
    index.name = "start"
    return index


def _label_index(starts: pd.DatetimeIndex, freq: str) -> pd.Index:
    return pd.Index(period_labels(starts, freq), dtype=STRING_DTYPE, name="period")


def _bins(
    times_us: np.ndarray[Any, Any], freq: str
) -> tuple[pd.DatetimeIndex, np.ndarray[Any, Any]]:
    """Period starts covering the times (every bin from first to last) and each time's bin."""
    valid = times_us[times_us != _NAT]
    if valid.size == 0:
        return _period_index([]), np.zeros(0, dtype=np.int64)
    t = pd.DatetimeIndex(valid.astype("datetime64[us]")).tz_localize("UTC")
    counts = pd.Series(1, index=t).resample(freq, closed="left", label="left").size()
    starts = _period_index(counts.index)
    pos = np.searchsorted(starts.asi8, times_us, side="right") - 1
    pos[times_us == _NAT] = -1
    return starts, pos


def _empty_series_frame(columns: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(
        {name: pd.Series([], dtype=dtype) for name, dtype in columns.items()},
        index=pd.Index([], dtype=STRING_DTYPE, name="period"),
    )
    out["partial"] = pd.Series([], dtype=bool)
    return out


# --- distributions ------------------------------------------------------------------------------
def rating_distribution(reviews: pd.DataFrame) -> pd.DataFrame:
    """How many reviews gave 1..5 stars.

    Returns:
        Index ``stars`` 1..5 (always all five), columns ``count`` (int64) and ``share`` (float64,
        summing to 1, or all 0 without rated reviews).
    """
    frame = _check_frame(reviews, ("stars",))
    stars = _stars(frame)
    rated = stars[np.isin(stars, [1, 2, 3, 4, 5])].astype(np.int64)
    count = np.bincount(rated, minlength=6)[1:6].astype(np.int64)
    total = count.sum()
    share = count / total if total else np.zeros(5)
    index = pd.Index(np.arange(1, 6, dtype=np.int64), name="stars")
    return pd.DataFrame({"count": count, "share": share.astype("float64")}, index=index)


def ratings_over_time(
    reviews: pd.DataFrame,
    freq: str = "MS",
    *,
    since: str | datetime | pd.Timestamp | None = None,
    until: str | datetime | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Reviews per period by ``created_at``.

    Args:
        reviews: A review frame.
        freq: The periods' pandas offset alias (``"MS"``: months).
        since: Where the time range the reviews cover starts (``None``: where the reviews start).
            A period starting before it is ``partial``.
        until: Where that range ends (default: now, UTC). A period ending after it is
            ``partial``.

    Returns:
        Index ``period`` (labels such as ``2026-05``), columns ``count`` (int64, all reviews),
        ``mean_stars``, ``share_1_star``, ``share_5_star`` (float64 over rated reviews, NaN for a
        period without any) and ``partial`` (bool).
    """
    frame = _check_frame(reviews, ("stars", "created_at"))
    freq = _check_freq(freq)
    _coverage(since, until)
    starts, pos = _bins(_times(frame, "created_at"), freq)
    if len(starts) == 0:
        return _empty_series_frame(
            {
                "count": "int64",
                "mean_stars": "float64",
                "share_1_star": "float64",
                "share_5_star": "float64",
            }
        )
    stars = _stars(frame)
    ok = pos >= 0
    n = len(starts)
    count = np.bincount(pos[ok], minlength=n)
    rated_ok = ok & ~np.isnan(stars)
    rated = np.bincount(pos[rated_ok], minlength=n).astype("float64")
    total = np.bincount(pos[rated_ok], weights=stars[rated_ok], minlength=n)
    ones = np.bincount(pos[rated_ok], weights=(stars[rated_ok] == 1), minlength=n)
    fives = np.bincount(pos[rated_ok], weights=(stars[rated_ok] == 5), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        data = {
            "count": count.astype(np.int64),
            "mean_stars": np.where(rated > 0, total / rated, np.nan),
            "share_1_star": np.where(rated > 0, ones / rated, np.nan),
            "share_5_star": np.where(rated > 0, fives / rated, np.nan),
        }
    return _period_frame(data, starts, freq, since, until)


def language_mix(reviews: pd.DataFrame) -> pd.DataFrame:
    """Reviews per language (reviews without a language are left out).

    Returns:
        Index ``language`` (most reviews first), columns ``count`` (int64), ``share`` (float64, of
        the reviews with a language) and ``mean_stars`` (float64).
    """
    frame = _check_frame(reviews, ("stars", "language"))
    lang = frame["language"].astype(STRING_DTYPE)
    data = pd.DataFrame({"language": lang.to_numpy(), "stars": _stars(frame)}).dropna(
        subset=["language"]
    )
    grouped = data.groupby("language", sort=True)["stars"]
    out = pd.DataFrame({"count": grouped.size().astype(np.int64), "mean_stars": grouped.mean()})
    total = int(out["count"].sum())
    out.insert(1, "share", (out["count"] / total).astype("float64") if total else 0.0)
    out = out.astype({"share": "float64", "mean_stars": "float64"})
    out = out.sort_values("count", ascending=False, kind="stable")
    out.index = pd.Index(out.index, dtype=STRING_DTYPE, name="language")
    return out


# --- TrustScore ---------------------------------------------------------------------------------
def _round_half_up(x: float, ndigits: int) -> float:
    scale = float(10**ndigits)
    return math.floor(x * scale + 0.5 + 1e-9) / scale


def _score(stars: np.ndarray[Any, Any], times_us: np.ndarray[Any, Any], at_us: int) -> float:
    if stars.size == 0:
        return 0.0
    age_days = (at_us - times_us) / _US_PER_DAY
    w = 0.5 ** (age_days / HALF_LIFE_DAYS)
    raw = (PRIOR_REVIEWS * PRIOR_STARS + float(np.dot(w, stars))) / (PRIOR_REVIEWS + float(w.sum()))
    return _round_half_up(raw, 1)


def _counting(frame: pd.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Stars and created_at (us) of the reviews that count, sorted by time."""
    stars = _stars(frame)
    times = _times(frame, "created_at")
    keep = ~np.isnan(stars) & (times != _NAT)
    if "counts_towards_trust_score" in frame.columns:
        counts = frame["counts_towards_trust_score"].astype("boolean").fillna(True)
        keep &= counts.to_numpy(dtype=bool)
    order = np.argsort(times[keep], kind="stable")
    return stars[keep][order], times[keep][order]


def trustscore(reviews: pd.DataFrame, at: str | datetime | pd.Timestamp | None = None) -> float:
    """The TrustScore of a set of reviews, by Trustpilot's published method (see module docs).

    Args:
        reviews: A review frame (``stars``, ``created_at``; ``counts_towards_trust_score`` used
            when present, NA counting as true).
        at: The moment to score at (naive = UTC); reviews after it are ignored. ``None`` means the
            newest counting review's time, i.e. when Trustpilot last recalculated (on every new
            review); pass ``pd.Timestamp.now(tz="UTC")`` to include today's decay.

    Returns:
        The score, 1.0..5.0 rounded to one decimal, or 0.0 without counting reviews.
    """
    frame = _check_frame(reviews, ("stars", "created_at"))
    stars, times = _counting(frame)
    at_us = _at(at)
    if at_us is None:
        return _score(stars, times, int(times[-1])) if times.size else 0.0
    n = int(np.searchsorted(times, at_us, side="right"))
    return _score(stars[:n], times[:n], at_us)


def trustscore_stars(score: float) -> float:
    """The star rating shown for a TrustScore: nearest half star, half up, within 1..5; 0 for 0."""
    if isinstance(score, bool) or not isinstance(score, (int, float)) or math.isnan(score):
        raise ConfigError(f"score must be a number 0..5, got {score!r}")
    if not 0 <= score <= 5:
        raise ConfigError(f"score must be within 0..5, got {score!r}")
    if score == 0:
        return 0.0
    return min(5.0, max(1.0, _round_half_up(score * 2, 0) / 2))


def trustscore_history(
    reviews: pd.DataFrame,
    freq: str = "MS",
    *,
    since: str | datetime | pd.Timestamp | None = None,
    until: str | datetime | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The TrustScore at the end of each period (counting the reviews written before it).

    A partial last period (one ending after ``until``) is scored at ``until``, not at its end
    in the future.

    Args:
        reviews: A review frame.
        freq: The periods' pandas offset alias (``"MS"``: months).
        since: Where the time range the reviews cover starts (``None``: where the reviews start).
            A period starting before it is ``partial``.
        until: Where that range ends (default: now, UTC). A period ending after it is
            ``partial``.

    Returns:
        Index ``period`` (labels such as ``2026-05``), columns ``trust_score`` and ``stars``
        (float64, scored at the period's end), ``reviews`` (int64, counting reviews up to the
        period's end) and ``partial`` (bool).
    """
    frame = _check_frame(reviews, ("stars", "created_at"))
    freq = _check_freq(freq)
    _start_us, until_us = _coverage(since, until)
    stars, times = _counting(frame)
    starts, _ = _bins(times, freq)
    if len(starts) == 0:
        return _empty_series_frame(
            {"trust_score": "float64", "stars": "float64", "reviews": "int64"}
        )
    ends = starts + pd.tseries.frequencies.to_offset(freq)
    scores, stars_out, counts = [], [], []
    for end in ends.as_unit("us").asi8:
        at = min(int(end), max(until_us, int(times[-1]) + 1))  # never before the newest review
        n = int(np.searchsorted(times, at, side="left"))  # created strictly before it
        score = _score(stars[:n], times[:n], at)
        scores.append(score)
        stars_out.append(trustscore_stars(score))
        counts.append(n)
    data = {
        "trust_score": np.array(scores, dtype="float64"),
        "stars": np.array(stars_out, dtype="float64"),
        "reviews": np.array(counts, dtype=np.int64),
    }
    return _period_frame(data, starts, freq, since, until)


# --- replies ------------------------------------------------------------------------------------
def _reply_hours(frame: pd.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Whether each review has a reply, and the hours to it (NaN without a reply time)."""
    has_text = frame["reply_text"].notna().to_numpy() if "reply_text" in frame else False
    replied_at = _times(frame, "reply_created_at")
    created = _times(frame, "created_at")
    replied = (replied_at != _NAT) | has_text
    ok = (replied_at != _NAT) & (created != _NAT)
    hours = np.full(len(frame), np.nan)
    hours[ok] = (replied_at[ok] - created[ok]) / _US_PER_HOUR
    return np.asarray(replied, dtype=bool), hours


def reply_stats(
    reviews: pd.DataFrame,
    freq: str = "MS",
    *,
    since: str | datetime | pd.Timestamp | None = None,
    until: str | datetime | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """How many reviews of each period (by ``created_at``) got a reply, and how fast.

    Args:
        reviews: A review frame.
        freq: The periods' pandas offset alias (``"MS"``: months).
        since: Where the time range the reviews cover starts (``None``: where the reviews start).
            A period starting before it is ``partial``.
        until: Where that range ends (default: now, UTC). A period ending after it is
            ``partial``.

    Returns:
        Index ``period`` (labels such as ``2026-05``), columns ``reviews``, ``replied`` (int64),
        ``reply_rate`` (float64, NaN for a period without reviews), ``median_reply_hours``
        (float64, NaN without replies) and ``partial`` (bool).
    """
    frame = _check_frame(reviews, ("created_at", "reply_created_at"))
    freq = _check_freq(freq)
    _coverage(since, until)
    starts, pos = _bins(_times(frame, "created_at"), freq)
    if len(starts) == 0:
        return _empty_series_frame(
            {
                "reviews": "int64",
                "replied": "int64",
                "reply_rate": "float64",
                "median_reply_hours": "float64",
            }
        )
    replied, hours = _reply_hours(frame)
    ok = pos >= 0
    n = len(starts)
    total = np.bincount(pos[ok], minlength=n).astype(np.int64)
    done = np.bincount(pos[ok & replied], minlength=n).astype(np.int64)
    timed = ok & ~np.isnan(hours)
    medians = pd.Series(hours[timed]).groupby(pos[timed]).median().reindex(range(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(total > 0, done / total, np.nan)
    data = {
        "reviews": total,
        "replied": done,
        "reply_rate": rate.astype("float64"),
        "median_reply_hours": medians.to_numpy(dtype="float64"),
    }
    return _period_frame(data, starts, freq, since, until)


# --- several units ------------------------------------------------------------------------------
def compare(
    frames_by_unit: Mapping[str, pd.DataFrame], *, at: str | datetime | pd.Timestamp | None = None
) -> pd.DataFrame:
    """One summary row per business unit.

    Args:
        frames_by_unit: Unit label (name, domain or id) -> its review frame.
        at: Passed to :func:`trustscore` for every unit (``None``: each unit's newest review).

    Returns:
        Index ``unit``, columns ``reviews`` (int64), ``mean_stars``, ``trust_score``, ``stars``,
        ``share_5_star``, ``share_1_star``, ``reply_rate``, ``median_reply_hours`` (float64, NaN
        where undefined), ``first_review``, ``last_review`` (UTC timestamps).
    """
    if not isinstance(frames_by_unit, Mapping):
        raise ConfigError(
            f"frames_by_unit must map unit names to review frames, got {type(frames_by_unit).__name__}"
        )
    rows: dict[str, list[Any]] = {k: [] for k in _COMPARE_COLUMNS}
    for reviews in frames_by_unit.values():
        frame = _check_frame(reviews, ("stars", "created_at", "reply_created_at"))
        stars = _stars(frame)
        rated = stars[~np.isnan(stars)]
        created = _times(frame, "created_at")
        created = created[created != _NAT]
        replied, hours = _reply_hours(frame)
        score = trustscore(frame, at=at)
        n = len(frame)
        values = {
            "reviews": n,
            "mean_stars": float(rated.mean()) if rated.size else np.nan,
            "trust_score": score,
            "stars": trustscore_stars(score),
            "share_5_star": float((rated == 5).mean()) if rated.size else np.nan,
            "share_1_star": float((rated == 1).mean()) if rated.size else np.nan,
            "reply_rate": float(replied.mean()) if n else np.nan,
            "median_reply_hours": float(np.nanmedian(hours))
            if (~np.isnan(hours)).any()
            else np.nan,
            "first_review": created.min() if created.size else _NAT,
            "last_review": created.max() if created.size else _NAT,
        }
        for key, value in values.items():
            rows[key].append(value)
    data: dict[str, Any] = {}
    for key, dtype in _COMPARE_COLUMNS.items():
        if dtype == "datetime":
            us = np.array(rows[key], dtype=np.int64).view("datetime64[us]")
            data[key] = pd.DatetimeIndex(us).tz_localize("UTC").astype(DATETIME_DTYPE)
        else:
            data[key] = np.array(rows[key], dtype=dtype)
    index = pd.Index([str(u) for u in frames_by_unit], dtype=STRING_DTYPE, name="unit")
    return pd.DataFrame(data, index=index)


_COMPARE_COLUMNS: dict[str, str] = {
    "reviews": "int64",
    "mean_stars": "float64",
    "trust_score": "float64",
    "stars": "float64",
    "share_5_star": "float64",
    "share_1_star": "float64",
    "reply_rate": "float64",
    "median_reply_hours": "float64",
    "first_review": "datetime",
    "last_review": "datetime",
}
