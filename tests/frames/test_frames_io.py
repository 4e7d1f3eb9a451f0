"""Every frame tpnb returns survives the usual exports: Parquet, pickle, CSV, JSON and pd.concat.

The frames are generated from the schemas themselves: one row with a value in every column (built
from each column's kind and source path) and one row of nulls, so a new column is covered the day
it is declared.
"""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow  # noqa: F401  a dependency of tpnb: a broken install must fail here
import pytest

import tpnb.frames as F

VALUES: dict[str, Any] = {
    "string": "text é",
    "int8": 3,
    "int32": 70_000,
    "int64": 2**40,
    "float": 4.5,
    "boolean": True,
    "datetime": "2024-05-01T10:20:30.123Z",
    "list": ["a", "b"],
    "tags": [{"group": "generic", "value": "Test"}, {"group": "campaign", "value": "a:b"}],
    "objects": [{"href": "https://x.example/1", "method": "GET", "rel": "self"}],
    "present": {"anything": 1},
}
SCHEMAS = {s.name: s for s in F.ALL_SCHEMAS}


def full_record(schema: F.Schema) -> dict[str, Any]:
    """A JSON object giving every column of ``schema`` a value at its first source path."""
    record: dict[str, Any] = {}
    for col in schema.columns:
        if not col.paths:
            continue
        *parents, leaf = col.paths[0]
        node = record
        for key in parents:
            node = node.setdefault(key, {})
        node.setdefault(leaf, {} if col.kind == "present" else VALUES[col.kind])
    return record


def full_frame(schema: F.Schema) -> pd.DataFrame:
    """A value in every column (row 0) and nulls (row 1)."""
    callers = {c.name: "from-caller" for c in schema.columns if not c.paths}
    df = schema.build([full_record(schema), {}], defaults=callers)
    assert not df.iloc[0].isna().any(), "the generated record must fill every column"
    return df


def plain(value: Any) -> Any:
    """NumPy arrays (how pandas reads Parquet lists) back to Python lists, recursively."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def assert_same_data(back: pd.DataFrame, df: pd.DataFrame) -> None:
    """Same columns, dtypes and values; list columns compared as Python lists."""
    assert list(back.columns) == list(df.columns)
    assert {c: str(t) for c, t in back.dtypes.items()} == {c: str(t) for c, t in df.dtypes.items()}
    for name in df.columns:
        if df[name].dtype == object:
            assert [plain(v) for v in back[name]] == list(df[name]), name
        else:
            assert back[name].equals(df[name]), name


def frames() -> list[Any]:
    out = []
    for name, schema in SCHEMAS.items():
        out.append(pytest.param(schema, "full", id=f"{name}-full"))
        out.append(pytest.param(schema, "empty", id=f"{name}-empty"))
    return out


def build(schema: F.Schema, which: str) -> pd.DataFrame:
    return full_frame(schema) if which == "full" else schema.empty()


@pytest.mark.parametrize(("schema", "which"), frames())
def test_plain_parquet_round_trip(schema: F.Schema, which: str, tmp_path: Path) -> None:
    df = build(schema, which)
    path = tmp_path / "frame.parquet"
    df.to_parquet(path)
    back = pd.read_parquet(path)  # no dtype_backend: what users type
    assert_same_data(back, df)
    lists = [c.name for c in schema.columns if c.kind in ("list", "tags", "objects")]
    if which == "full" and not lists:
        assert back.equals(df)


@pytest.mark.parametrize(("schema", "which"), frames())
def test_pickle_csv_and_json_exports(schema: F.Schema, which: str) -> None:
    df = build(schema, which)
    again = pickle.loads(pickle.dumps(df))
    assert again.equals(df)
    assert list(again.dtypes) == list(df.dtypes)
    csv = pd.read_csv(io.StringIO(df.to_csv(index=False)))
    assert list(csv.columns) == list(df.columns)
    assert len(csv) == len(df)
    records = json.loads(df.to_json(orient="records", date_format="iso"))
    assert len(records) == len(df)
    for col in schema.columns:
        if col.kind in ("list", "tags", "objects") and which == "full":
            assert records[0][col.name] == df[col.name].iloc[0]  # lists are JSON arrays


@pytest.mark.parametrize("schema", list(SCHEMAS.values()), ids=list(SCHEMAS))
def test_concat_keeps_dtypes(schema: F.Schema) -> None:
    df = full_frame(schema)
    for parts in ([df, df], [df.iloc[:1], df.iloc[1:]], [df, df.iloc[:0]]):
        both = pd.concat(parts, ignore_index=True)
        assert both.dtypes.to_dict() == df.dtypes.to_dict()
        assert len(both) == sum(len(p) for p in parts)
    # frames built separately (two units' frames): every dtype holds (tests/frames/test_frames_dtypes.py
    # covers random rows)
    other = schema.build([full_record(schema)])
    both = pd.concat([df, other], ignore_index=True)
    assert both.dtypes.to_dict() == df.dtypes.to_dict()


def test_all_null_text_columns_keep_the_string_dtype_through_parquet(tmp_path: Path) -> None:
    df = F.review_frame([{"id": "r1", "language": None}])
    assert df["language"].dtype == F.STRING_DTYPE
    df.to_parquet(tmp_path / "r.parquet")
    back = pd.read_parquet(tmp_path / "r.parquet")
    assert back["language"].dtype == F.STRING_DTYPE
    assert back["language"].isna().all()


def test_list_columns_hold_python_lists_of_the_json() -> None:
    labels = ["label-a"]
    df = F.review_frame([{"id": "r1", "complianceLabels": labels, "reportData": None}, {}])
    assert df["compliance_labels"].dtype == object
    assert df["compliance_labels"].iloc[0] == ["label-a"]
    assert df["compliance_labels"].iloc[0] is labels  # not copied (see tpnb.frames.schema)
    assert df["report_reasons"].iloc[0] is None
    assert df["compliance_labels"].iloc[1] is None
    tupled = F.review_frame([{"complianceLabels": ("x", "y")}])
    assert tupled["compliance_labels"].iloc[0] == ["x", "y"]


def test_tags_are_group_value_dicts() -> None:
    extra = [{"group": "g", "value": "v", "createdAt": "2024-01-01"}]
    df = F.review_frame([{"tags": extra}, {"tags": []}], private=True)
    assert df["tags"].iloc[0] == [{"group": "g", "value": "v"}]
    assert df["tags"].iloc[1] == []
    assert extra[0]["createdAt"] == "2024-01-01"  # the caller's JSON is left alone


@pytest.mark.parametrize(
    ("record", "pattern"),
    [
        ({"complianceLabels": [1]}, "'compliance_labels'.*list of str"),
        ({"tags": ["generic:Test"]}, "'tags'.*expected a tag"),
        ({"tags": [{"group": 1, "value": "v"}]}, "'tags'.*expected a tag"),
    ],
)
def test_bad_list_items_raise_clear_errors(record: dict[str, Any], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        F.review_frame([record], private=True)
