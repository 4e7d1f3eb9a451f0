"""Date bounds on filtered public pulls: exact, whatever the page size of each verification walk."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import tpnb


@pytest.fixture(scope="module")
def demo() -> Any:
    client = tpnb.connect(demo=True, cache_backend="memory")
    yield client
    client.close()


@pytest.mark.parametrize(
    ("since", "until"),
    [("2025-01-01", None), (None, "2021-06-01"), ("2023-03-15T12:00:00", "2024-02-01")],
)
def test_filtered_pull_with_date_bounds_is_exact(demo: Any, since: Any, until: Any) -> None:
    ds = demo.connection.emulator.dataset
    unit = ds.find_business_unit("northwind-outdoor.example")
    start = None if since is None else pd.Timestamp(since, tz="UTC").to_pydatetime()
    end = None if until is None else pd.Timestamp(until, tz="UTC").to_pydatetime()
    rows = ds.query_reviews(
        business_unit_id=unit, stars={1, 2}, languages={"en"}, start=start, end=end
    )
    truth = {ds.review_json(int(r), "http://x/v1")["id"] for r in rows}
    assert truth  # the case has reviews to find

    frame = demo.reviews(
        unit, stars=[1, 2], language="en", since=since, until=until, progress=False
    )

    assert set(frame["id"]) == truth
    assert frame["id"].is_unique
