"""Column schemas and the engine that turns JSON objects into typed DataFrames.

A :class:`Schema` lists its :class:`Column` objects once: name, kind (which fixes the pandas
dtype), the source path(s) in the JSON and a one-line description. The same object drives the
converter (:meth:`Schema.build`), the documentation (:meth:`Schema.to_markdown`) and the tests
(:meth:`Schema.dtypes`, :meth:`Schema.empty`).

Order of operations in :meth:`Schema.build`:

1. normalise the input to a list of dicts (an envelope such as ``{"reviews": [...]}`` is unwrapped,
   a single object becomes one row, anything else raises :class:`TypeError` naming the item);
2. for each column, walk its source path with one list comprehension per path level (a parent
   level such as ``consumer`` is walked once and shared by all its columns); a null, a missing key
   or a non-object on the way gives ``None``; ``|``-separated alternative paths fill what the first
   left empty; caller-supplied defaults fill what is still empty;
3. turn each column's list into one typed pandas array (no per-row Series, no json_normalize).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from itertools import repeat
from typing import Any, Literal

import numpy as np
import pandas as pd

try:  # pandas' own string dtype uses pyarrow when present; list columns do too
    import pyarrow as _pa
except ImportError:  # pragma: no cover - pyarrow ships with the test and parquet extras
    _pa = None

Kind = Literal[
    "string",
    "category",
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

_DTYPES: dict[str, Any] = {
    "string": STRING_DTYPE,
    "category": pd.CategoricalDtype(),
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
_ARROW_LISTS: dict[str, Any] = {}
if _pa is not None:
    _ARROW_LISTS = {
        "list": _pa.list_(_pa.string()),
        "tags": _pa.list_(_pa.struct([("group", _pa.string()), ("value", _pa.string())])),
    }
    for _kind, _type in _ARROW_LISTS.items():
        _DTYPES[_kind] = pd.ArrowDtype(_type)
_DTYPE_NAMES: dict[str, str] = {
    "string": "string",
    "category": "category",
    "int8": "Int8",
    "int32": "Int32",
    "int64": "Int64",
    "float": "Float64",
    "boolean": "boolean",
    "present": "boolean",
    "datetime": "datetime64[us, UTC]",
    "list": "list[str]",
    "tags": 'list[{"group": str, "value": str}]',
    "objects": "object (list of dicts)",
}
_MISSING: Any = object()
Row = dict[str, Any]


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


def _datetime_array(values: list[Any]) -> Any:
    if all(v is None or v.__class__ is str for v in values):
        try:
            idx = pd.to_datetime(values, utc=True, format="ISO8601")
            return idx.as_unit("us").array
        except (ValueError, TypeError, OverflowError):
            pass  # fall through to the per-value parser, which names the bad value
    parsed = [parse_timestamp(v) for v in values]
    return pd.array([pd.NaT if p is None else p for p in parsed], dtype=DATETIME_DTYPE)


def _list_array(kind: str, values: list[Any]) -> Any:
    for v in values:
        if v is not None and v.__class__ is not list and not isinstance(v, (list, tuple)):
            raise ValueError(f"expected a JSON list, got {type(v).__name__} {v!r:.60}")
    arrow_type = _ARROW_LISTS.get(kind)
    if arrow_type is not None:  # compact: ~4 bytes per empty list instead of ~64
        return pd.array(_pa.array(values, type=arrow_type), dtype=_DTYPES[kind])
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = None if v is None else list(v)
    return out


def _present_array(values: list[Any]) -> Any:
    return pd.array(
        [None if v is _MISSING else v is not None for v in values], dtype=pd.BooleanDtype()
    )


def _string_array(values: list[Any]) -> Any:
    if _pa is not None and STRING_DTYPE.storage == "pyarrow":
        try:  # ~5x faster than pd.array for a list of str/None
            return pd.array(_pa.array(values, type=_pa.large_string()), dtype=STRING_DTYPE)
        except (_pa.ArrowException, TypeError, ValueError):
            pass  # not all str: pandas converts scalars with str()
    return pd.array(values, dtype=STRING_DTYPE)


def _typed(kind: str, values: list[Any]) -> Any:
    if kind == "string":
        return _string_array(values)
    if kind == "category":
        return _string_array(values).astype("category")
    if kind == "datetime":
        return _datetime_array(values)
    if kind in ("list", "tags", "objects"):
        return _list_array(kind, values)
    if kind == "present":
        return _present_array(values)
    return pd.array(values, dtype=_DTYPES[kind])


@dataclass(frozen=True)
class Column:
    """One DataFrame column: its name, kind, JSON source and meaning.

    Attributes:
        name: The snake_case column name.
        kind: One of ``string, category, int8, int32, int64, float, boolean, datetime, list,
            present`` (``present`` = a boolean telling whether the source object is non-null).
        source: Dotted JSON path; ``|`` separates alternatives tried in order (the first non-null
            wins); an empty string means the caller supplies the value (e.g. a parent id).
        description: One line for the docs.
    """

    name: str
    kind: Kind
    source: str
    description: str

    @property
    def dtype(self) -> Any:
        """The pandas dtype of the column."""
        return _DTYPES[self.kind]

    @property
    def dtype_name(self) -> str:
        """A readable dtype name for the docs."""
        return _DTYPE_NAMES[self.kind]

    @property
    def paths(self) -> tuple[tuple[str, ...], ...]:
        """The alternative source paths, each split into keys."""
        return tuple(tuple(p.split(".")) for p in self.source.split("|") if p)


@dataclass(frozen=True)
class Schema:
    """The columns of one entity's DataFrame, declared once.

    Attributes:
        name: Entity name used in messages and docs (e.g. ``"review"``).
        title: Heading for the docs.
        columns: The columns, in frame order.
        envelopes: Keys under which list responses carry the entities (``"reviews"``...).
        inherited: How many leading columns come from a base schema (the docs list only the rest).
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    envelopes: tuple[str, ...] = ()
    inherited: int = 0

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"schema {self.name!r} declares a column twice")

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.columns]

    def dtypes(self) -> dict[str, Any]:
        """Column name -> pandas dtype."""
        return {c.name: c.dtype for c in self.columns}

    def __getitem__(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"schema {self.name!r} has no column {name!r}; columns: {self.names}")

    def extend(self, name: str, title: str, columns: Sequence[Column]) -> Schema:
        """A new schema with extra columns appended (e.g. private review fields)."""
        return Schema(name, title, (*self.columns, *columns), self.envelopes, len(self.columns))

    def empty(self) -> pd.DataFrame:
        """A zero-row frame with exactly this schema's columns and dtypes."""
        return self.build([])

    def to_markdown(self) -> str:
        """The column table (Markdown) for the README."""
        lines = [
            f"### {self.title}",
            "",
            "| column | dtype | JSON source | description |",
            "|---|---|---|---|",
        ]
        for c in self.columns[self.inherited :]:
            src = " or ".join(f"`{p}`" for p in c.source.split("|")) if c.source else "(caller)"
            lines.append(f"| `{c.name}` | {c.dtype_name} | {src} | {c.description} |")
        return "\n".join(lines) + "\n"

    def rows(self, records: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> list[Row]:
        """Normalise converter input into a list of dicts (see the module docstring)."""
        if isinstance(records, Mapping):
            for key in self.envelopes:
                inner = records.get(key)
                if isinstance(inner, list):
                    return self.rows(inner)
            return [dict(records)]
        if isinstance(records, (str, bytes)) or not isinstance(records, Iterable):
            raise TypeError(
                f"{self.name} data must be an iterable of JSON objects (dicts) or one dict, "
                f"got {type(records).__name__}"
            )
        rows: list[Any] = list(records)
        for i, r in enumerate(rows):
            if not isinstance(r, dict):
                if isinstance(r, Mapping):
                    rows[i] = dict(r)
                else:
                    raise TypeError(
                        f"{self.name} item {i} is a {type(r).__name__}, expected a dict "
                        f"(one JSON object per {self.name})"
                    )
        return rows

    def build(
        self,
        records: Iterable[Mapping[str, Any]] | Mapping[str, Any],
        *,
        defaults: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Convert JSON objects to a typed DataFrame with exactly this schema.

        Args:
            records: The JSON objects, an envelope holding them, or one object.
            defaults: Column name -> value used where the JSON gives none (e.g. the business
                unit id a caller asked for).

        Returns:
            One row per object, the schema's columns and dtypes (also when empty).

        Raises:
            TypeError: If the input is not JSON objects.
            ValueError: If a value cannot be converted to its column's type (the message names
                the column, its source and the value).
        """
        rows = self.rows(records)
        defaults = dict(defaults or {})
        unknown = set(defaults) - set(self.names)
        if unknown:
            raise ValueError(f"no such {self.name} column(s) {sorted(unknown)}")
        levels: dict[tuple[str, ...], list[Any]] = {(): rows}
        data: dict[str, Any] = {}
        for c in self.columns:
            values = _column_values(c, rows, levels)
            default = defaults.get(c.name)
            if default is not None:
                values = [default if v is None else v for v in values]
            try:
                data[c.name] = _typed(c.kind, values)
            except (ValueError, TypeError, OverflowError) as exc:
                raise ValueError(
                    f"{self.name} column {c.name!r} (from {c.source or 'caller'}), "
                    f"expected {c.dtype_name}: {exc}"
                ) from exc
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows)), copy=False)


_EMPTY: dict[str, Any] = {}  # stands in for a null/non-object parent; never mutated


def _level(
    rows: list[Row], prefix: tuple[str, ...], levels: dict[tuple[str, ...], list[Any]]
) -> list[Row]:
    """The objects at ``prefix`` (one per row; ``_EMPTY`` where null, missing or not an object)."""
    got = levels.get(prefix)
    if got is None:
        parent = _level(rows, prefix[:-1], levels)
        values = map(dict.get, parent, repeat(prefix[-1]))
        got = [v if isinstance(v, dict) else _EMPTY for v in values]
        levels[prefix] = got
    return got


def _column_values(
    column: Column, rows: list[Row], levels: dict[tuple[str, ...], list[Any]]
) -> list[Any]:
    paths = column.paths
    if not paths:
        return [None] * len(rows)
    missing = _MISSING if column.kind == "present" else None
    values: list[Any] | None = None
    for path in paths:
        parent = _level(rows, path[:-1], levels)
        # map(dict.get, ...) runs the whole column in C: the hot loop of the converter
        got = list(map(dict.get, parent, repeat(path[-1]), repeat(missing)))
        if values is not None and column.kind not in ("list", "tags", "objects", "present"):
            # an alternative such as numberOfReviews (for numberOfReviews.total) may be an object
            got = [None if isinstance(v, dict) else v for v in got]
        if values is None or values.count(None) == len(values):
            values = got
        elif None in values or _MISSING in values:
            values = [
                a if a is not None and a is not _MISSING else b
                for a, b in zip(values, got, strict=True)
            ]
    assert values is not None
    return values


def column(name: str, kind: Kind, source: str, description: str) -> Column:
    """Shorthand constructor used by the schema declarations."""
    return Column(name, kind, source, description)
