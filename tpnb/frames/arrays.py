"""Typed pandas arrays from the values of one JSON column (the last step of ``Schema.build``).

Each column kind fixes one pandas dtype (:data:`DTYPES`); :func:`typed` turns the list of values
walked out of the JSON into an array of that dtype. Why lists are ``object`` columns of Python lists
and why no column is categorical: see :mod:`tpnb.frames.schema`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any, Literal

import numpy as np
import pandas as pd

try:  # pandas' own string dtype uses pyarrow when present
    import pyarrow as _pa
except ImportError:  # pragma: no cover - pyarrow ships with the test and parquet extras
    _pa = None

Kind = Literal[
    "string",
    "int8",
    "int32",
    "int64",
    "float",
    "boolean",
    "datetime",
    "list",
    "tags",
    "objects",
    "present",
]

STRING_DTYPE = pd.StringDtype()
DATETIME_DTYPE = pd.DatetimeTZDtype(unit="us", tz="UTC")

DTYPES: dict[str, Any] = {
    "string": STRING_DTYPE,
    "int8": pd.Int8Dtype(),
    "int32": pd.Int32Dtype(),
    "int64": pd.Int64Dtype(),
    "float": pd.Float64Dtype(),
    "boolean": pd.BooleanDtype(),
    "present": pd.BooleanDtype(),
    "datetime": DATETIME_DTYPE,
    "list": np.dtype(object),
    "tags": np.dtype(object),
    "objects": np.dtype(object),
}
DTYPE_NAMES: dict[str, str] = {
    "string": "string",
    "int8": "Int8",
    "int32": "Int32",
    "int64": "Int64",
    "float": "Float64",
    "boolean": "boolean",
    "present": "boolean",
    "datetime": "datetime64[us, UTC]",
    "list": "object (list of str)",
    "tags": "object (list of dicts)",
    "objects": "object (list of dicts)",
}
MISSING: Any = object()


def parse_timestamp(value: object) -> pd.Timestamp | None:
    """Parse one API timestamp into a timezone-aware UTC :class:`pandas.Timestamp`.

    Accepts ``"2024-05-01T10:20:30Z"``, zone-less ``"2024-05-01T10:20:30"`` (taken as UTC),
    milliseconds ``"2024-05-01T10:20:30.123Z"``, offsets ``"+02:00"``/``"+0000"``, a date
    ``"2024-05-01"``, and :class:`datetime`/:class:`date`/:class:`pandas.Timestamp` objects
    (naive = UTC).

    Args:
        value: The value to parse; ``None`` and NA give ``None``.

    Returns:
        The UTC timestamp (microsecond unit), or ``None`` for a null.

    Raises:
        ValueError: If the value is not a timestamp in one of the accepted forms.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (str, datetime, date)) and not isinstance(value, bool):
        try:
            ts: Any = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(
                f"not a timestamp: {value!r}; expected ISO 8601 such as "
                "'2024-05-01T10:20:30Z', '2024-05-01T10:20:30.123Z', '2024-05-01T10:20:30' "
                "(UTC) or '2024-05-01T12:20:30+02:00'"
            ) from exc
        if ts is pd.NaT:
            return None
        ts = ts.tz_localize(timezone.utc) if ts.tzinfo is None else ts.tz_convert(timezone.utc)
        out: pd.Timestamp = ts.as_unit("us")
        return out
    raise ValueError(
        f"not a timestamp: {value!r} ({type(value).__name__}); expected an ISO 8601 string, "
        "a datetime or a date"
    )


#: the Arrow type of :data:`DATETIME_DTYPE`
_ARROW_UTC_US = _pa.timestamp("us", tz="UTC") if _pa is not None else None


def _datetime_array(values: list[Any]) -> Any:
    """A ``datetime64[us, UTC]`` array of ISO 8601 strings (or datetimes, dates, ``None``).

    Arrow's ISO 8601 parser reads the API's timestamps (``...Z``, offsets, up to microseconds)
    about 10x faster than ``pd.to_datetime``. It refuses what it cannot read exactly (no zone,
    nanoseconds, other forms); those columns go to pandas' ISO 8601 parser, which treats a
    zone-less time as UTC, and then value by value, so an error names the bad value. Where Arrow
    reads a value, pandas reads the same instant (tested on both).
    """
    if all(v is None or v.__class__ is str for v in values):
        if _ARROW_UTC_US is not None:
            try:
                parsed = _pa.array(values, type=_pa.large_string()).cast(_ARROW_UTC_US)
            except (_pa.ArrowException, TypeError, ValueError):
                pass  # not all in the form Arrow reads: pandas below
            else:
                stamps = parsed.to_numpy(zero_copy_only=False)  # datetime64[us], NaT for null
                return pd.array(stamps, dtype=DATETIME_DTYPE)  # UTC wall times: the same instants
        try:
            idx = pd.to_datetime(values, utc=True, format="ISO8601")
            return idx.as_unit("us").array
        except (ValueError, TypeError, OverflowError):
            pass  # fall through to the per-value parser, which names the bad value
    parsed = [parse_timestamp(v) for v in values]
    return pd.array([pd.NaT if p is None else p for p in parsed], dtype=DATETIME_DTYPE)


def _list_array(kind: str, values: list[Any]) -> Any:
    """An object array of Python lists (``None`` stays ``None``); see the module docstring.

    Valid JSON lists are stored as they are, not copied: a copy per row costs little itself, but
    that many new container objects set off a full garbage collection over the caller's JSON
    (up to +30% conversion time on 100,000 reviews). A tuple becomes a list; tags are rebuilt
    only when they carry keys other than ``group`` and ``value``.
    """
    out = np.empty(len(values), dtype=object)  # filled with None
    for i, v in enumerate(values):
        if v is None:
            continue
        if v.__class__ is not list:
            if not isinstance(v, (list, tuple)):
                raise ValueError(f"expected a JSON list, got {type(v).__name__} {v!r:.60}")
            v = list(v)
        if kind == "list":
            if not all(item is None or item.__class__ is str for item in v):
                v = [_list_text(item, v) for item in v]
        elif kind == "tags" and v:
            v = _tags(v)
        out[i] = v
    return out


#: keys whose text stands for an object in a list of str (``reportData.reasons`` may hold
#: ``{"reason": ...}`` objects where the docs show strings)
_TEXT_KEYS = ("reason", "name", "value", "code", "type", "id")


def _list_text(item: Any, whole: list[Any]) -> str | None:
    """One item of a list-of-str column: a str, or the text an object carries."""
    if item is None or isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        for key in _TEXT_KEYS:
            text = item.get(key)
            if isinstance(text, str):
                return text
    raise ValueError(f"expected a list of str, got item {item!r:.60} in {whole!r:.60}")


def _tags(tags: list[Any]) -> list[Any]:
    """Check a list of ``{"group", "value"}`` tags; rebuild it if a tag has other keys."""
    exact = True
    for tag in tags:
        if not isinstance(tag, Mapping):
            raise ValueError(f'expected a tag {{"group": str, "value": str}}, got {tag!r:.60}')
        group, value = tag.get("group"), tag.get("value")
        if not (group is None or isinstance(group, str)) or not (
            value is None or isinstance(value, str)
        ):
            raise ValueError(f'expected a tag {{"group": str, "value": str}}, got {tag!r:.60}')
        exact = (
            exact and tag.__class__ is dict and len(tag) == 2 and "group" in tag and "value" in tag
        )
    if exact:
        return tags
    return [{"group": t.get("group"), "value": t.get("value")} for t in tags]


def _present_array(values: list[Any]) -> Any:
    return pd.array(
        [None if v is MISSING else v is not None for v in values], dtype=pd.BooleanDtype()
    )


def _string_array(values: list[Any], dtype: pd.StringDtype = STRING_DTYPE) -> Any:
    if _pa is not None and dtype.storage == "pyarrow":
        try:  # ~5x faster than pd.array for a list of str/None
            return pd.array(_pa.array(values, type=_pa.large_string()), dtype=dtype)
        except (_pa.ArrowException, TypeError, ValueError):
            pass  # not all str: pandas converts scalars with str()
    return pd.array(values, dtype=dtype)


def typed(kind: str, values: list[Any]) -> Any:
    """One column's values (from the JSON) as a pandas array of ``kind``'s dtype."""
    if kind == "string":
        return _string_array(values)
    if kind == "datetime":
        return _datetime_array(values)
    if kind in ("list", "tags", "objects"):
        return _list_array(kind, values)
    if kind == "present":
        return _present_array(values)
    return pd.array(values, dtype=DTYPES[kind])
