"""Property tests (hypothesis) for the converters: documented payloads with any field null or
missing, timestamps in every real format, any unicode text: never a crash, dtypes always kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from kit.samples import BUSINESS_UNIT, PRIVATE_EXTRA, REVIEW

from tpnb import frames as F

UTC = timezone.utc
_FORMATS = {
    "Z": lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "zone-less": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S"),
    "millis Z": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z",
    "millis zone-less": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}",
    "+00:00": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
}
_OFFSETS = st.integers(-12 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))
instants = st.datetimes(datetime(2000, 1, 1), datetime(2035, 1, 1)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=UTC)
)


@st.composite
def timestamp_text(draw: st.DrawFn) -> tuple[str, datetime]:
    """A timestamp string in one of the API's formats, and the instant it denotes."""
    t = draw(instants)
    fmt = draw(st.sampled_from([*_FORMATS, "offset"]))
    if fmt == "offset":
        off = draw(_OFFSETS)
        local = t.astimezone(timezone(off))
        return local.isoformat(timespec="milliseconds"), t
    text = _FORMATS[fmt](t)
    if "millis" not in fmt:
        t = t.replace(microsecond=0)
    return text, t


def _mutate(draw: st.DrawFn, obj: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """Each key kept, nulled, dropped or (for text) replaced by arbitrary unicode; recursive."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        action = draw(
            st.sampled_from(
                ["keep", "null", "drop", "text"]
                if isinstance(value, str)
                else ["keep", "null", "drop"]
            )
        )
        if action == "drop":
            continue
        if action == "null":
            out[key] = None
        elif action == "text":
            out[key] = draw(st.text(max_size=40)) if "At" not in key else value
        elif isinstance(value, dict) and depth < 2:
            out[key] = _mutate(draw, value, depth + 1)
        else:
            out[key] = value
    return out


@st.composite
def reviews(
    draw: st.DrawFn, private: bool = False
) -> tuple[list[dict[str, Any]], list[datetime | None]]:
    base = {**REVIEW, **PRIVATE_EXTRA} if private else REVIEW
    n = draw(st.integers(0, 6))
    out, created = [], []
    for _ in range(n):
        review = _mutate(draw, base)
        if "createdAt" in review and review["createdAt"] is not None:
            text, instant = draw(timestamp_text())
            review["createdAt"] = text
            created.append(instant)
        else:
            created.append(None)
        out.append(review)
    return out, created


def _assert_schema(df: pd.DataFrame, schema: F.Schema, rows: int) -> None:
    assert len(df) == rows
    assert list(df.columns) == schema.names
    assert [str(t) for t in df.dtypes] == [str(c.dtype) for c in schema.columns]


@settings(max_examples=150, deadline=None)
@given(reviews())
def test_public_reviews_never_crash_and_keep_dtypes(
    data: tuple[list[dict[str, Any]], list[datetime | None]],
) -> None:
    payload, created = data
    df = F.review_frame(payload)
    _assert_schema(df, F.REVIEW_SCHEMA, len(payload))
    for got, want in zip(df["created_at"], created, strict=True):
        assert pd.isna(got) if want is None else got == pd.Timestamp(want)


@settings(max_examples=150, deadline=None)
@given(reviews(private=True), st.one_of(st.none(), st.text(min_size=1, max_size=30)))
def test_private_reviews_never_crash_and_keep_dtypes(
    data: tuple[list[dict[str, Any]], list[datetime | None]], bu: str | None
) -> None:
    payload, _ = data
    df = F.review_frame(payload, private=True, business_unit_id=bu)
    _assert_schema(df, F.PRIVATE_REVIEW_SCHEMA, len(payload))
    for review, text, title in zip(payload, df["text"], df["title"], strict=True):
        assert pd.isna(text) if review.get("text") is None else text == review["text"]
        assert pd.isna(title) if review.get("title") is None else title == review["title"]
    if bu is not None:
        assert df["business_unit_id"].notna().all()


@st.composite
def business_units(draw: st.DrawFn) -> list[dict[str, Any]]:
    return [_mutate(draw, BUSINESS_UNIT) for _ in range(draw(st.integers(0, 4)))]


@settings(max_examples=100, deadline=None)
@given(business_units())
def test_business_units_never_crash_and_keep_dtypes(units: list[dict[str, Any]]) -> None:
    df = F.business_unit_frame(units)
    _assert_schema(df, F.BUSINESS_UNIT_SCHEMA, len(units))


@settings(max_examples=100, deadline=None)
@given(timestamp_text())
def test_parse_timestamp_every_format(data: tuple[str, datetime]) -> None:
    text, instant = data
    assert F.parse_timestamp(text) == pd.Timestamp(instant)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(max_size=20), max_size=5),
    st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=4),
)
def test_lists_round_trip(labels: list[str], tags: list[tuple[str, str]]) -> None:
    tag_dicts = [{"group": g, "value": v} for g, v in tags]
    df = F.review_frame([{"complianceLabels": labels, "tags": tag_dicts}], private=True)
    assert df["compliance_labels"].iloc[0] == labels
    assert df["tags"].iloc[0] == tag_dicts


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), timestamp_text()), max_size=8))
def test_timestamp_columns_every_format(column: list[tuple[str, datetime] | None]) -> None:
    """A column of the API's timestamp forms (mixed, with nulls) reads as the instants they
    denote, whichever parser reads it (Arrow's for zoned forms, pandas' once a zone-less one is
    in the column)."""
    texts = [None if c is None else c[0] for c in column]
    got = F.review_frame([{"id": str(i), "createdAt": t} for i, t in enumerate(texts)])
    expected = [pd.NaT if c is None else pd.Timestamp(c[1]) for c in column]
    assert got["created_at"].tolist() == expected  # NaT is one object: equal to itself here
    assert str(got["created_at"].dtype) == "datetime64[us, UTC]"


# ISO 8601 forms beyond the API's: fractions of 1-9 digits, offsets with and without a colon
# or minutes, a space or "T", any year from 1 to 9999
_ISO_FORM = st.tuples(
    st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)),
    st.sampled_from(["T", " "]),
    st.integers(0, 9),
    st.sampled_from(["Z", "", "+00:00", "+0200", "-05", "+05:30", "-00:00"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ISO_FORM, min_size=1, max_size=5))
def test_fast_timestamp_parser_agrees_with_pandas(
    forms: list[tuple[datetime, str, int, str]],
) -> None:
    """Where Arrow's parser reads a column, it reads what pandas' ISO 8601 parser reads (a
    zone-less time as UTC, nanoseconds cut to microseconds); where it cannot, pandas does."""
    from tpnb.frames.arrays import _datetime_array

    texts = []
    for t, sep, digits, zone in forms:
        frac = f".{t.microsecond:06d}{t.microsecond % 7:03d}"[: digits + 1] if digits else ""
        texts.append(t.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + frac + zone)
    try:
        expected = pd.to_datetime(texts, utc=True, format="ISO8601").as_unit("us")
    except (ValueError, OverflowError):
        return  # pandas refuses it too (a year out of its range with an offset, say)
    got = _datetime_array(texts)
    assert list(got) == list(expected), texts


def _walk(item: dict[str, Any], source: str) -> Any:
    """A column's value read the plain way, one row at a time: the first ``|`` alternative
    whose path holds a value (a null, a missing key or a non-object on the way holds none)."""
    for path in source.split("|"):
        value: Any = item
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            return value
    return None


#: the later alternatives of the review columns that read two paths, each a key the samples lack
_ALTERNATIVES = (("locationId",), ("businessUnitId",), ("consumer", "name"))


@settings(max_examples=150, deadline=None)
@given(reviews(private=True), st.data())
def test_text_and_presence_columns_hold_what_each_row_holds(
    data: tuple[list[dict[str, Any]], list[datetime | None]], draw: st.DataObject
) -> None:
    """The converter reads a level's keys for all rows at once; read row by row, the plain way,
    every text column and every presence column holds the same values (later alternatives
    included: each row may carry them, beside or instead of the first)."""
    payload, _ = data
    for review in payload:
        for *parents, key in _ALTERNATIVES:
            holder = review
            for parent in parents:
                holder = holder.get(parent) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and draw.draw(st.booleans()):
                holder[key] = draw.draw(st.none() | st.text(max_size=10))
    df = F.review_frame(payload, private=True)
    checked = 0
    for c in F.PRIVATE_REVIEW_SCHEMA.columns:
        if c.kind not in ("string", "present") or not c.source:
            continue
        checked += 1
        got = [None if pd.isna(v) else v for v in df[c.name]]
        if c.kind == "string":
            assert got == [_walk(r, c.source) for r in payload], c.name
        else:
            parent, _, key = c.source.rpartition(".")
            holders = [_walk(r, parent) if parent else r for r in payload]
            want = [
                None if not isinstance(h, dict) or key not in h else h[key] is not None
                for h in holders
            ]
            assert got == want, c.name
    assert checked >= 20  # the text and presence columns of a private review (24 today)
