"""The data set's review texts have topic structure: sector topics, praise and complaints tied to
stars, the incident's billing errors and outages, Pennant Bank's unanswered complaints; and the
generator's own topic plan (``Dataset.review_topics``) is what the texts say."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import numpy as np
import pytest

from tpnb.emulator.data import specs
from tpnb.emulator.data.dataset import Dataset, build_dataset
from tpnb.emulator.data.phrases import BANKS

BASE = "http://emulator.test"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return build_dataset()


def unit_rows(ds: Dataset, domain: str) -> np.ndarray:
    bu = ds.find_business_unit(domain)
    assert bu is not None
    return ds.query_reviews(business_unit_id=bu, include_reported=True)


def sector_of(domain: str) -> specs.Weights:
    spec = next(s for s in specs.UNITS if s.domain == domain)
    return specs.SECTOR_TOPICS[specs.SECTOR_BY_CATEGORY.get(spec.category, "shop")]


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def test_every_sector_topic_is_written_in_every_language() -> None:
    topics = {name for weights in specs.SECTOR_TOPICS.values() for name, _low, _high in weights}
    assert {"delivery", "sizing", "refund", "billing", "outage", "app", "fees", "login"} <= topics
    for language in specs.LANGUAGES:
        for topic in topics:
            sentences = BANKS[language][topic]
            assert len(sentences) == 3, (language, topic)
            assert len(set(sentences)) == 3, (language, topic)


def test_texts_say_what_the_plan_says(ds: Dataset) -> None:
    seen_languages: set[str] = set()
    for spec in specs.UNITS:
        if spec.reviews == 0:
            continue
        rows = unit_rows(ds, spec.domain)
        sector = [name for name, _low, _high in sector_of(spec.domain)]
        for row in rows[:: max(1, rows.size // 60)]:
            review = ds.review_json(int(row), BASE)
            planned = ds.review_topics(int(row))
            assert planned is not None
            assert len(planned) <= 2
            assert set(planned) <= set(sector)
            body = review["text"].lower()
            bank = BANKS[review["language"]]
            named = {t for t in sector if any(s.lower() in body for s in bank[t])}
            assert named == set(planned), (spec.domain, review["text"], planned)
            seen_languages.add(review["language"])
    assert seen_languages == set(specs.LANGUAGES)


def test_each_unit_talks_about_its_sector(ds: Dataset) -> None:
    for domain, expected in (
        ("northwind-outdoor.example", {"delivery", "sizing", "refund"}),
        ("moda-milano.example", {"delivery", "sizing", "refund"}),
        ("bayside-energy.example", {"billing", "outage", "service"}),
        ("pennant-bank.example", {"app", "fees", "login"}),
        ("tulp-telecom.example", {"outage", "billing"}),
    ):
        rows = unit_rows(ds, domain)
        counts = Counter(t for row in rows[:3000] for t in ds.review_topics(int(row)) or ())
        assert expected <= set(counts), domain
        assert set(counts) == {name for name, _low, _high in sector_of(domain)}, domain


def test_complaints_and_praise_are_about_different_things(ds: Dataset) -> None:
    rows = unit_rows(ds, "bayside-energy.example")
    created = ds.review_created_at(rows)
    rows = rows[created < epoch(specs.INCIDENT_START)]  # the steady state
    stars = np.array([ds.review_json(int(r), BASE)["stars"] for r in rows])

    def share(selected: np.ndarray, topic: str) -> float:
        return float(np.mean([topic in (ds.review_topics(int(r)) or ()) for r in selected]))

    low, high = rows[stars <= 2], rows[stars >= 4]
    assert low.size > 300
    assert high.size > 300
    assert share(low, "billing") > 2 * share(high, "billing")
    assert share(high, "price") > share(low, "price")


def test_the_incident_is_about_billing_errors_and_outages(ds: Dataset) -> None:
    rows = unit_rows(ds, "bayside-energy.example")
    created = ds.review_created_at(rows)
    stars = np.array([ds.review_json(int(r), BASE)["stars"] for r in rows])
    incident = (created >= epoch(specs.INCIDENT_START)) & (created < epoch(specs.INCIDENT_END))
    names = {name for name, _share in specs.INCIDENT_TOPICS}

    def share(selected: np.ndarray) -> float:
        return float(np.mean([bool(names & set(ds.review_topics(int(r)) or ())) for r in selected]))

    during = rows[incident & (stars <= 2)]
    before = rows[(created < epoch(specs.INCIDENT_START)) & (stars <= 2)]
    assert during.size > 500
    assert share(during) > 0.8  # INCIDENT_TOPICS' 80% plus the usual draws
    assert share(during) > share(before) + 0.2


def test_pennant_complaints_said_nobody_answers_until_it_replied(ds: Dataset) -> None:
    rows = unit_rows(ds, "pennant-bank.example")
    created = ds.review_created_at(rows)
    reviews = [ds.review_json(int(r), BASE) for r in rows]
    low = np.array([r["stars"] <= 2 for r in reviews])
    english = np.array([r["language"] == "en" for r in reviews])
    unanswered = BANKS["en"][specs.UNANSWERED_TOPIC][0].lower()  # "... never answered my emails."
    says = np.array([unanswered in r["text"].lower() for r in reviews])
    start = epoch(specs.REPLY_START)
    before = low & english & (created < start)
    after = low & english & (created >= start)
    assert before.sum() > 300
    assert after.sum() > 300
    assert says[before].mean() > 1.7 * says[after].mean()


def test_topics_are_deterministic_and_gone_once_the_text_is_edited() -> None:
    first, second = build_dataset(seed=7, scale=0.02), build_dataset(seed=7, scale=0.02)
    other = build_dataset(seed=8, scale=0.02)
    rows = range(0, 2000, 7)
    assert [first.review_topics(r) for r in rows] == [second.review_topics(r) for r in rows]
    assert [first.review_topics(r) for r in rows] != [other.review_topics(r) for r in rows]
    review_id = first.review_id(3)
    assert first.review_topics(3) is not None
    first.update_review(review_id, text="Nothing about any topic.")
    assert first.review_topics(3) is None
    served = first.review_json(5, BASE, private=True)
    assert not any("topic" in key.lower() for key in served)  # ground truth, never served
