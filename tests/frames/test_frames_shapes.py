"""Both shapes wherever the evidence about Trustpilot's JSON is split (docs §7): the frames
built from either are the same."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tpnb import frames

UNIT = "5ba191806a3199b24fe0e9d9"


def _categories(nested: bool, top_level: str | None) -> dict[str, Any]:
    rows = []
    for n, (category, position, cardinality) in enumerate(
        [("bank", 3, 120), ("insurance_agency", 17, 80)]
    ):
        row: dict[str, Any] = {
            "categoryId": category,
            "displayName": category.title(),
            "name": category,
            "isPrimary": n == 0,
            "relevance": 1.0 - n / 2,
            "source": "user",
        }
        if nested:
            row["ranking"] = {"position": position, "cardinality": cardinality}
        else:
            row["rankingPosition"] = position
            row["rankingCardinality"] = cardinality
        if top_level is None:
            row["predictedTopCategory"] = n == 0
        rows.append(row)
    body: dict[str, Any] = {"categories": rows}
    if top_level is not None:
        body["predictedTopCategory"] = top_level
    return body


def test_category_shapes_give_one_frame() -> None:
    flat = frames.business_unit_category_frame(_categories(False, None), business_unit_id=UNIT)
    assert flat["ranking_position"].tolist() == [3, 17]
    assert flat["ranking_cardinality"].tolist() == [120, 80]
    assert flat["predicted_top_category"].tolist() == [True, False]
    for nested, top in [(True, "bank"), (True, None), (False, "bank")]:
        other = frames.business_unit_category_frame(_categories(nested, top), business_unit_id=UNIT)
        pd.testing.assert_frame_equal(other, flat)
    as_object = _categories(True, None)
    as_object["predictedTopCategory"] = {"categoryId": "bank", "displayName": "Bank"}
    for row in as_object["categories"]:
        del row["predictedTopCategory"]
    pd.testing.assert_frame_equal(
        frames.business_unit_category_frame(as_object, business_unit_id=UNIT), flat
    )


def _review(**changes: Any) -> dict[str, Any]:
    review: dict[str, Any] = {
        "id": "6ad0cfdda01ef83055abafe7",
        "stars": 4,
        "title": "Fine",
        "text": "Fine service",
        "language": "en",
        "createdAt": "2024-05-01T10:20:30.000Z",
        "consumer": {"id": "6ad0cfdda01ef83055abafe8", "displayName": "Ann"},
        "businessUnit": {"id": UNIT},
        "reportData": {"reasons": ["sensitiveInformation", "consumerIsCompetitor"]},
        "businessUnitHistory": [
            {
                "businessUnitId": "5ba191806a3199b24fe0e9d0",
                "identifyingName": "old.example",
                "displayName": "Old",
                "changeDate": "2023-01-01T00:00:00Z",
            }
        ],
        "referralEmail": "ann@example.com",
    }
    review.update(changes)
    return review


def test_review_shapes_give_one_frame() -> None:
    base = frames.review_frame([_review()], private=True)
    assert base.loc[0, "report_reasons"] == ["sensitiveInformation", "consumerIsCompetitor"]
    assert base.loc[0, "business_unit_history"][0]["identifyingName"] == "old.example"
    assert base.loc[0, "consumer_name"] == "Ann"
    assert base.loc[0, "referral_email"] == "ann@example.com"
    variants = [
        {"createdAt": "2024-05-01T10:20:30Z"},
        {"createdAt": "2024-05-01T10:20:30"},
        {"createdAt": "2024-05-01T10:20:30.000"},
        {"consumer": {"id": "6ad0cfdda01ef83055abafe8", "name": "Ann"}},
        {
            "reportData": {
                "reasons": [{"reason": "sensitiveInformation"}, {"name": "consumerIsCompetitor"}]
            }
        },
    ]
    for change in variants:
        pd.testing.assert_frame_equal(frames.review_frame([_review(**change)], private=True), base)
    moved = _review(
        consumer={
            "id": "6ad0cfdda01ef83055abafe8",
            "displayName": "Ann",
            "email": "ann@example.com",
        }
    )
    del moved["referralEmail"]
    pd.testing.assert_frame_equal(frames.review_frame([moved], private=True), base)


def test_review_frame_has_history_column_when_absent() -> None:
    review = _review()
    del review["businessUnitHistory"]
    frame = frames.review_frame([review])
    assert "business_unit_history" in frame.columns
    assert frame.loc[0, "business_unit_history"] is None


def test_report_reason_object_without_text_is_refused() -> None:
    with pytest.raises(ValueError, match="list of str"):
        frames.review_frame([_review(reportData={"reasons": [{"weight": 3}]})])


def test_consumer_name_or_display_name() -> None:
    a = frames.consumer_frame([{"id": "c1", "displayName": "Ann"}])
    b = frames.consumer_frame([{"id": "c1", "name": "Ann"}])
    pd.testing.assert_frame_equal(a, b)
