"""The data set's stories are visible in the data: growth, Q4, the incident, the reply start."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from tpnb.emulator.data import specs
from tpnb.emulator.data.dataset import Dataset, build_dataset
from tpnb.emulator.options import DATASET_NOW

BASE = "http://127.0.0.1:9/v1"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return build_dataset()


def month_counts(ds: Dataset, domain: str) -> Counter[tuple[int, int]]:
    bu = ds.find_business_unit(domain)
    created = ds.review_created_at(ds.query_reviews(business_unit_id=bu, include_reported=True))
    months = created.astype("datetime64[s]").astype("datetime64[M]")
    return Counter((int(m.astype(int) // 12 + 1970), int(m.astype(int) % 12 + 1)) for m in months)


def test_growth_and_q4_seasonality(ds: Dataset) -> None:
    counts = month_counts(ds, "northwind-outdoor.example")
    year = lambda y: sum(n for (yy, _m), n in counts.items() if yy == y)  # noqa: E731
    assert year(2025) > 2 * year(2018)
    for y in (2022, 2023, 2024, 2025):
        q4 = counts[(y, 11)] + counts[(y, 12)]
        rest = sum(counts[(y, m)] for m in range(2, 11)) / 9
        assert q4 / 2 > 1.3 * rest, y


def test_incident_drops_the_weekly_mean_then_recovers(ds: Dataset) -> None:
    bu = ds.find_business_unit(specs.INCIDENT_UNIT)
    rows = ds.query_reviews(business_unit_id=bu, include_reported=True)
    created = ds.review_created_at(rows)
    stars = ds.table["stars"][rows].astype(float)

    def mean_between(start: datetime, end: datetime) -> float:
        mask = (created >= start.timestamp()) & (created < end.timestamp())
        return float(stars[mask].mean())

    before = mean_between(specs.INCIDENT_START - timedelta(weeks=12), specs.INCIDENT_START)
    during = mean_between(specs.INCIDENT_START, specs.INCIDENT_END)
    after = mean_between(
        specs.INCIDENT_END + timedelta(weeks=4), specs.INCIDENT_END + timedelta(weeks=16)
    )
    assert during < before - 1.5
    assert after > during + 1.5
    weeks = (created - specs.INCIDENT_START.timestamp()) // (7 * 86400)
    inside = [float(stars[weeks == w].mean()) for w in range(8)]
    assert max(inside) < before - 1.0


def test_reply_unit_starts_replying_on_its_date(ds: Dataset) -> None:
    bu = ds.find_business_unit(specs.REPLY_START_UNIT)
    replied = ds.query_reviews(business_unit_id=bu, responded=True, include_reported=True)
    assert replied.size > 1000
    first = min(ds.review_json(r, BASE)["companyReply"]["createdAt"] for r in replied[-50:])
    assert first >= specs.REPLY_START.strftime("%Y-%m-%dT%H:%M:%SZ")
    before = ds.query_reviews(business_unit_id=bu, end=specs.REPLY_START, include_reported=True)
    assert before.size > 1000
    assert ds.query_reviews(business_unit_id=bu, end=specs.REPLY_START, responded=True).size == 0
    after = ds.query_reviews(business_unit_id=bu, start=specs.REPLY_START + timedelta(days=30),
                             end=DATASET_NOW - timedelta(days=30))  # fmt: skip
    answered = ds.query_reviews(business_unit_id=bu, start=specs.REPLY_START + timedelta(days=30),
                                end=DATASET_NOW - timedelta(days=30), responded=True)  # fmt: skip
    assert answered.size > 0.6 * after.size


def test_reply_delays_range_from_hours_to_days(ds: Dataset) -> None:
    bu = ds.find_business_unit("northwind-outdoor.example")
    delays = []
    for row in ds.query_reviews(business_unit_id=bu, responded=True)[:400]:
        review = ds.review_json(row, BASE)
        parse = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        delays.append(
            (
                parse(review["companyReply"]["createdAt"]) - parse(review["createdAt"])
            ).total_seconds()
            / 3600
        )
    assert min(delays) >= 0.3
    assert 3 < float(np.median(delays)) < 72
    assert max(delays) > 48


def test_invited_reviews_skew_higher(ds: Dataset) -> None:
    invited, organic = [], []
    for bu in ds.business_unit_ids():
        rows = ds.query_reviews(business_unit_id=bu)
        if rows.size < 2000:
            continue
        for row in rows[:: rows.size // 300]:
            review = ds.review_json(row, BASE)
            (invited if review["invitation"] else organic).append(review["stars"])
    assert np.mean(invited) > np.mean(organic) + 0.3


def test_all_generated_times_are_before_now(ds: Dataset) -> None:
    now = DATASET_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = ds.query_reviews(include_reported=True)
    sample = [*rows[:: rows.size // 500], *rows[:300]]  # a spread, and the newest
    sample += [
        *ds.query_reviews(reported=True)[:300],
        *ds.query_reviews(find_reviewer="contacted")[:300],
    ]
    for row in sample:
        review = ds.review_json(row, BASE, private=True)
        stamps = [review["createdAt"], review["updatedAt"], review["experiencedAt"]]
        if review["companyReply"]:
            stamps += [review["companyReply"]["createdAt"], review["companyReply"]["updatedAt"]]
        if review["reportData"]:
            stamps.append(review["reportData"]["createdAt"])
        for request in review["findReviewer"]["requests"]:
            stamps.append(request["created"])
            if request["consumerResponse"]:
                stamps.append(request["consumerResponse"]["submittedAt"])
                assert request["consumerResponse"]["submittedAt"] > request["created"]
            assert request["created"] > review["createdAt"]
        assert all(s is None or s < now for s in stamps)
        assert review["experiencedAt"] <= review["createdAt"]
    assert DATASET_NOW.tzinfo == timezone.utc


def test_reviews_from_before_a_merge_carry_the_business_unit_history(ds: Dataset) -> None:
    spec = next(s for s in specs.UNITS if s.merged)
    assert spec.merged is not None
    old_domain, _old_name, when = spec.merged
    bu = ds.find_business_unit(old_domain)
    assert bu == ds.find_business_unit(spec.domain)
    merged_at = datetime(*when, tzinfo=timezone.utc)
    before = ds.query_reviews(business_unit_id=bu, end=merged_at)
    after = ds.query_reviews(business_unit_id=bu, start=merged_at)
    assert before.size > 0
    assert after.size > 0
    history = ds.review_json(before[0], BASE)["businessUnitHistory"]
    assert [h["identifyingName"] for h in history] == [old_domain]
    assert history[0]["businessUnitId"] != bu
    assert ds.review_json(after[-1], BASE)["businessUnitHistory"] == []
