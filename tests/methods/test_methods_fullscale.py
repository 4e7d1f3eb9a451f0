"""The >100,000-review unit comes back whole, through the API's 100k depth cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import api_requests, ids_of

pytestmark = pytest.mark.slow


def _biggest(server: Any) -> str:
    ds = server.dataset
    return max(ds.business_unit_ids(), key=lambda bu: len(ds.query_reviews(business_unit_id=bu)))


def test_biggest_unit_public_whole(emulator_full: Any, tmp_path: Path) -> None:
    bu = _biggest(emulator_full)
    expected = ids_of(emulator_full, business_unit_id=bu)
    assert len(expected) > 100_000
    tp = client_for(emulator_full, tmp_path)
    try:
        before = api_requests(emulator_full)
        df = tp.reviews(bu, progress=False)
        spent = api_requests(emulator_full) - before
    finally:
        tp.close()
    assert df["id"].is_unique
    assert len(df) == len(expected)
    assert set(df["id"]) == set(expected)
    pages = -(-len(expected) // 100)
    assert pages <= spent <= pages + 10


def test_biggest_unit_private_whole(emulator_full: Any, tmp_path: Path) -> None:
    ds = emulator_full.dataset
    user = ds.user_by_username(emulator_full.credentials["username"])
    bu = max(user.business_unit_ids, key=lambda b: len(ds.query_reviews(business_unit_id=b)))
    expected = ids_of(emulator_full, business_unit_id=bu, include_reported=True)
    assert len(expected) > 100_000, (
        "the seeded full data set gives the demo user a unit over the cap"
    )
    tp = client_for(emulator_full, tmp_path)
    try:
        df = tp.private_reviews(bu, progress=False)
    finally:
        tp.close()
    assert df["id"].is_unique
    assert set(df["id"]) == set(expected)
