"""Every frame of one schema has the schema's dtypes, whatever its rows, and keeps them through
``pd.concat``, Parquet and pickle (issue 18, item 16).

Rows are generated from each schema's own columns (kind and source paths), so every schema in
:data:`tpnb.frames.ALL_SCHEMAS` is covered, and a column declared tomorrow too: values of the
column's kind, nulls, missing keys, null or non-object parents, empty lists, values outside any
vocabulary the docs show (a new ``reviewVerificationLevel``...) and hostile unicode (zero-width,
right-to-left, NUL, combining marks, astral characters). Frames built from separate row sets (as
two business units' frames are) must concatenate to exactly the schema's dtypes, also with an
empty frame and an all-null one.
"""

from __future__ import annotations

import io
import pickle
from datetime import datetime, timezone
from typing import Any

import pandas as pd
import pyarrow  # noqa: F401  a dependency of tpnb: Parquet must work
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpnb.frames as F

SCHEMAS = {schema.name: schema for schema in F.ALL_SCHEMAS}

#: text a hostile or merely foreign payload may carry
HOSTILE = [
    "",
    " ",
    "\u200b",  # zero-width space
    "\u202eevil",  # right-to-left override
    "a\x00b",  # NUL
    "e\u0301\u0301",  # combining marks
    "\U0001f600\U0001f1e9\U0001f1f0",  # astral: emoji, flag
    '=HYPERLINK("x")',
    "\ufeffbom",
    "line\nbreak\ttab",
    "ß\u0130\u03a3",  # case mapping that changes length
    "nan",
    "None",
    "<NA>",
]
#: values the docs show for enumeration-like fields, and some they do not
VOCABULARY = [
    "en", "da", "de", "zh-Hans", "en-GB", "GB", "DK", "active", "hidden", "invited", "verified",
    "notVerified", "Organic", "InvitationApi", "Published", "someLevelNobodyDocumented",
]  # fmt: skip

texts = st.one_of(
    st.sampled_from(HOSTILE + VOCABULARY),
    st.text(max_size=12),  # any unicode (hypothesis leaves out lone surrogates, as JSON does)
)
timestamps = st.datetimes(datetime(1970, 1, 1), datetime(2100, 1, 1)).map(
    lambda t: t.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
)
tags = st.lists(st.fixed_dictionaries({"group": texts, "value": texts}), max_size=3)
#: lists of dicts as the API sends them (an empty dict ``{}`` in a list is left out: pyarrow cannot
#: write a struct with no field to Parquet, and no documented payload holds one)
objects = st.lists(
    st.dictionaries(
        st.sampled_from(["href", "method", "rel", "displayName"]), texts, min_size=1, max_size=3
    ),
    max_size=3,
)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "string": texts,
    "int8": st.integers(-128, 127),
    "int32": st.integers(-(2**31), 2**31 - 1),
    "int64": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "boolean": st.booleans(),
    "datetime": timestamps,
    "list": st.lists(texts, max_size=3),  # [] included: it must stay []
    "tags": tags,
    "objects": objects,
    "present": st.dictionaries(st.sampled_from(["publicComment", "note"]), texts, max_size=2),
}
ABSENT = object()  # the key is left out of the JSON object


@st.composite
def records(draw: st.DrawFn, schema: F.Schema) -> dict[str, Any]:
    """One JSON object for ``schema``: each column at one of its paths, a value, null or absent."""
    record: dict[str, Any] = {}
    for col in schema.columns:
        if not col.paths:
            continue  # the caller supplies it
        path = draw(st.sampled_from(col.paths))
        value = draw(st.one_of(st.just(ABSENT), st.none(), VALUES[col.kind]))
        if value is ABSENT:
            continue
        if isinstance(value, dict):
            value = dict(value)  # other columns' keys may be added to it: leave the draw alone
        node = record
        for key in path[:-1]:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                break  # null (or a value of another column's path) where an object was expected
            node = child
        else:
            node.setdefault(path[-1], value)
    for key, value in list(record.items()):  # now and then a whole parent object is null
        if isinstance(value, dict) and draw(st.integers(0, 9)) == 0:
            record[key] = None
    return record


def row_sets(schema: F.Schema) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(records(schema), max_size=6)


def dtypes_of(frame: pd.DataFrame) -> dict[str, Any]:
    return dict(frame.dtypes.items())


def check_frame(frame: pd.DataFrame, schema: F.Schema, rows: int) -> None:
    assert list(frame.columns) == schema.names
    assert len(frame) == rows
    assert dtypes_of(frame) == schema.dtypes()
    # the same dtype objects' names, so a categorical with some categories cannot pass as another
    assert [str(t) for t in frame.dtypes] == [str(t) for t in schema.dtypes().values()]


def check_round_trips(frame: pd.DataFrame, schema: F.Schema) -> None:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    back = pd.read_parquet(io.BytesIO(buffer.getvalue()))  # plain read_parquet: what users type
    check_frame(back, schema, len(frame))
    again = pickle.loads(pickle.dumps(frame))
    check_frame(again, schema, len(frame))
    pd.testing.assert_frame_equal(again, frame)


def frame_of(schema: F.Schema, rows: list[dict[str, Any]]) -> pd.DataFrame:
    callers = {c.name: "from-caller" for c in schema.columns if not c.paths}
    return schema.build(rows, defaults=callers)


@pytest.mark.parametrize("schema", list(SCHEMAS.values()), ids=list(SCHEMAS))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_frame_of_a_schema_has_its_dtypes_and_keeps_them(
    schema: F.Schema, data: st.DataObject
) -> None:
    first_rows = data.draw(row_sets(schema), label="first")
    second_rows = data.draw(row_sets(schema), label="second")
    first, second = frame_of(schema, first_rows), frame_of(schema, second_rows)
    empty = schema.empty()
    nulls = schema.build([{}] * data.draw(st.integers(1, 3), label="null rows"))
    one = frame_of(schema, first_rows[:1])
    for frame in (first, second, empty, nulls, one):
        check_frame(frame, schema, len(frame))
    for parts in (
        [first, second],
        [second, first],
        [first, empty],
        [empty, second],
        [nulls, first],
        [one, nulls, second, empty],
    ):
        joined = pd.concat(parts, ignore_index=True)
        check_frame(joined, schema, sum(len(p) for p in parts))
    check_round_trips(pd.concat([first, second, nulls], ignore_index=True), schema)
    check_round_trips(empty, schema)


def test_unknown_vocabulary_and_hostile_text_are_kept_as_sent() -> None:
    sent = ["someLevelNobodyDocumented", *HOSTILE]
    frame = F.review_frame([{"reviewVerificationLevel": v, "language": v} for v in sent])
    assert list(frame["verification_level"]) == sent
    assert list(frame["language"]) == sent
    other = F.review_frame([{"reviewVerificationLevel": "verified", "language": "da"}])
    joined = pd.concat([frame, other, F.review_frame([])], ignore_index=True)
    assert dtypes_of(joined) == F.REVIEW_SCHEMA.dtypes()
    assert list(joined["language"]) == [*sent, "da"]


def test_no_schema_declares_a_categorical_column() -> None:
    for schema in F.ALL_SCHEMAS:
        for name, dtype in schema.dtypes().items():
            assert not isinstance(dtype, pd.CategoricalDtype), (schema.name, name)


def test_value_counts_lists_only_languages_present() -> None:
    frame = F.review_frame([{"language": "en"}, {"language": "en"}, {"language": "da"}, {}])
    counts = frame["language"].value_counts()
    assert counts.to_dict() == {"en": 2, "da": 1}  # no unused code with 0, NA left out
