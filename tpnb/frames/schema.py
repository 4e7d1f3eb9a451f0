"""Column schemas and the engine that turns JSON objects into typed DataFrames.

A :class:`Schema` lists its :class:`Column` objects once: name, kind (which fixes the pandas
dtype), the source path(s) in the JSON and a one-line description. The same object drives the
converter (:meth:`Schema.build`), the documentation (:meth:`Schema.to_markdown`) and the tests
(:meth:`Schema.dtypes`, :meth:`Schema.empty`).

Order of operations in :meth:`Schema.build`:

1. normalise the input to a list of dicts (an envelope such as ``{"reviews": [...]}`` is unwrapped,
   a single object becomes one row, anything else raises :class:`TypeError` naming the item);
2. read the JSON level by level (the item, then ``consumer``, ``companyReply``...): each level's
   objects are read once, row by row, for every key a column reads there (:class:`_Reader`); a
   null, a missing key or a non-object on the way gives ``None``; then, per column,
   ``|``-separated alternative paths fill what the first left empty and caller-supplied
   defaults fill what is still empty;
3. turn each column's list into one typed pandas array (no per-row Series, no json_normalize).

List columns (``report_reasons``, ``compliance_labels``, ``referring_names``, ``tags``, ``links``...)
are plain ``object`` columns holding Python lists (``None`` where the API sends null or nothing;
the JSON's own list objects, not copies); ``tags`` holds ``{"group": str, "value": str}`` dicts.
This is a deliberate choice over Arrow-backed ``pd.ArrowDtype(pa.list_(...))`` columns, measured
with pandas 3.1 and pyarrow 26:

* Arrow lists cannot be read back by plain pandas: ``df.to_parquet(p)`` records their dtype as
  ``list<item: string>[pyarrow]`` in the file's pandas metadata and ``pd.read_parquet(p)`` then
  raises ``TypeError: data type ... not understood`` (pandas parses only flat Arrow type names;
  the writer takes the name from the dtype, so no converter can fix it). Object columns of lists
  are written as Parquet lists too and read back by every reader (as NumPy arrays in pandas);
  they also pickle without pyarrow, export to CSV as their repr and to JSON as arrays, and keep
  their dtype in ``pd.concat``.
* The price is memory: an empty list costs 64 bytes a row (pointer + list object), ``None`` 24,
  against ~4 for an Arrow list. On 30,000 reviews of the emulator's largest unit,
  ``compliance_labels`` and ``business_unit_history`` (``[]`` in almost every review) take 128 of
  the review frame's 705 bytes a review (``None`` for ``[]`` would save 80 but lose the data).

No column is categorical: enumeration-like fields (``language``, ``verification_level``,
``status``, ``country``, ``locale``, ``source``, names and locations...) have the same ``string``
dtype as the other text, so every frame of one schema has exactly :meth:`Schema.dtypes` whatever
its rows (empty, all null, one row, many) and ``pd.concat`` of any of them keeps those dtypes
(``category`` columns got per-frame category sets, and a concat of two units' frames, or with an
empty one, fell back to ``str``). Measured with pandas 3.1 and pyarrow 26, the alternatives fail:

* A fixed category set per column: the API documents no closed set for these fields
  (``reviewVerificationLevel``'s values are [U] in the API notes, ``status`` shows only
  ``"active"``), so it needs a rule for a value outside the set, and NA loses data while widening
  the set changes the dtype. Even ISO code sets (languages, countries) as fixed categories make
  ``value_counts()`` list every unused code with 0.
* ``pd.ArrowDtype(pa.dictionary(...))`` concatenates, but plain ``pd.read_parquet`` cannot read it
  back (``TypeError: data type 'dictionary<...>[pyarrow]' not understood``, the trap of Arrow lists
  above) and ``.str`` fails on it.

The price is memory: on 30,000 reviews of the emulator's largest unit the review frame takes 705
bytes a review instead of 591 with categories, 0.59x instead of 0.50x what ``json_normalize``
takes (per page, then concatenated: 1,187).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from tpnb.frames.arrays import (
    DATETIME_DTYPE,
    DTYPE_NAMES,
    DTYPES,
    MISSING,
    STRING_DTYPE,
    Kind,
    parse_timestamp,
    typed,
)

__all__ = [
    "DATETIME_DTYPE",
    "STRING_DTYPE",
    "Column",
    "Kind",
    "Schema",
    "column",
    "parse_timestamp",
]

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One DataFrame column: its name, kind, JSON source and meaning.

    Attributes:
        name: The snake_case column name.
        kind: One of ``string, int8, int32, int64, float, boolean, datetime, list, tags,
            objects, present``: ``list`` = Python lists of str, ``tags`` = lists of
            ``{"group", "value"}`` dicts, ``objects`` = lists of dicts as sent (all three in
            ``object`` columns), ``present`` = a boolean telling whether the source object is
            non-null.
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
        return DTYPES[self.kind]

    @property
    def dtype_name(self) -> str:
        """A readable dtype name for the docs."""
        return DTYPE_NAMES[self.kind]

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

    @cached_property
    def _reads(self) -> dict[tuple[str, ...], LevelKeys]:
        """The keys :meth:`build` reads at each level of the JSON (:func:`_read_plan`)."""
        return _read_plan(self.columns)

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
        reader = _Reader(rows, self._reads)
        data: dict[str, Any] = {}
        for c in self.columns:
            values = _column_values(c, reader, len(rows))
            default = defaults.get(c.name)
            if default is not None and None in values:
                values = [default if v is None else v for v in values]
            try:
                data[c.name] = typed(c.kind, values)
            except (ValueError, TypeError, OverflowError) as exc:
                raise ValueError(
                    f"{self.name} column {c.name!r} (from {c.source or 'caller'}), "
                    f"expected {c.dtype_name}: {exc}"
                ) from exc
        return pd.DataFrame(data, index=pd.RangeIndex(len(rows)), copy=False)


_EMPTY: dict[str, Any] = {}  # stands in for a null/non-object parent; never mutated

#: the keys read at one object level of the JSON, each with what a missing key gives
LevelKeys = tuple[tuple[str, Any], ...]


def _read_plan(columns: Sequence[Column]) -> dict[tuple[str, ...], LevelKeys]:
    """For each object level the columns read (``()``: the item itself, ``("consumer",)``...),
    the keys read there and what a missing key gives: :data:`MISSING` where a ``present`` column
    must tell a missing key from a null one, ``None`` elsewhere."""
    plan: dict[tuple[str, ...], dict[str, Any]] = {}
    for c in columns:
        for path in c.paths:
            for depth, key in enumerate(path):
                keys = plan.setdefault(path[:depth], {})
                wants_missing = c.kind == "present" and depth == len(path) - 1
                if wants_missing or key not in keys:
                    keys[key] = MISSING if wants_missing else keys.get(key)
    return {prefix: tuple(keys.items()) for prefix, keys in plan.items()}


class _Reader:
    """The values of one build's rows, read level by level (see :meth:`Schema.build`).

    A level's keys are all read in one pass over its objects, row by row: each object is read
    while it is in the CPU's cache. Reading column by column (``map(dict.get, rows, ...)`` per
    column) walked all the objects once per column, each read missing the cache: on a full pull
    (124,000 reviews, 34 columns) 0.95 s of reading against 0.55 s row by row.
    """

    def __init__(self, rows: list[Row], plan: dict[tuple[str, ...], LevelKeys]) -> None:
        self._plan = plan
        self._objects: dict[tuple[str, ...], list[Row]] = {(): rows}
        self._values: dict[tuple[str, ...], list[Any]] = {}

    def values(self, path: tuple[str, ...]) -> list[Any]:
        """The value at ``path`` of every row (``None``, or :data:`MISSING` where the plan asks
        for it, when a key or an object on the way is missing)."""
        got = self._values.get(path)
        if got is None:
            self._read_level(path[:-1])
            got = self._values[path]
        return got

    def missing_at(self, path: tuple[str, ...]) -> bool:
        """Whether a missing key at ``path`` reads as :data:`MISSING` (not ``None``)."""
        return any(key == path[-1] and d is MISSING for key, d in self._plan.get(path[:-1], ()))

    def _read_level(self, prefix: tuple[str, ...]) -> None:
        objects = self._objects.get(prefix)
        if objects is None:
            parents = self.values(prefix)
            objects = [v if isinstance(v, dict) else _EMPTY for v in parents]
            self._objects[prefix] = objects
        keys = self._plan[prefix]
        columns: list[list[Any]] = [[] for _ in keys]
        reads = tuple(
            (column.append, key, default)
            for column, (key, default) in zip(columns, keys, strict=True)
        )
        for obj in objects:
            get = obj.get
            for append, key, default in reads:
                append(get(key, default))
        for (key, _), column in zip(keys, columns, strict=True):
            self._values[(*prefix, key)] = column


def _column_values(column: Column, reader: _Reader, n: int) -> list[Any]:
    paths = column.paths
    if not paths:
        return [None] * n
    present = column.kind == "present"
    values: list[Any] | None = None
    for path in paths:
        if values is not None and None not in values and MISSING not in values:
            break  # every row has a value: the alternatives would change nothing
        got = reader.values(path)
        if not present and reader.missing_at(path):  # the key is read for a presence column too
            got = [None if v is MISSING else v for v in got]
        if values is not None and column.kind not in ("list", "tags", "objects", "present"):
            # an alternative such as numberOfReviews (for numberOfReviews.total) may be an object
            got = [None if isinstance(v, dict) else v for v in got]
        if values is None or values.count(None) == len(values):
            values = got
        elif None in values or MISSING in values:
            values = [
                a if a is not None and a is not MISSING else b
                for a, b in zip(values, got, strict=True)
            ]
    assert values is not None
    return values


def column(name: str, kind: Kind, source: str, description: str) -> Column:
    """Shorthand constructor used by the schema declarations."""
    return Column(name, kind, source, description)
