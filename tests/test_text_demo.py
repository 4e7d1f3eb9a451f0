"""tpnb.text finds the stories of the emulator's data set: what Bayside Energy's 1-star reviewers
of Q1 2025 wrote about, and that it rose in that quarter and not before.

Ground truth is the generator's own topic plan (``Dataset.review_topics``), not a list of
strings: a phrase *belongs to* a topic when nearly every review that uses it was planned to name
that topic.
"""

from __future__ import annotations

import re
import unicodedata
from statistics import NormalDist

import pandas as pd
import pytest

from tpnb import text
from tpnb.emulator.data import specs
from tpnb.emulator.data.dataset import build_dataset
from tpnb.frames import review_frame

BASE = "http://emulator.test"
BREAKS = re.compile(r"[.,!?;:()\[\]{}\"“”„«»…•|\n]")
WORDS = re.compile(r"\w+")
INCIDENT = tuple(name for name, _share in specs.INCIDENT_TOPICS)
Q1_2025 = pd.Timestamp("2025-01-01", tz="UTC")
BELONGS = 0.9  # a phrase belongs to a topic when this share of the reviews using it name it


@pytest.fixture(scope="module")
def bayside() -> pd.DataFrame:
    """Bayside Energy's English reviews, with the generator's topics in a ``topics`` column."""
    ds = build_dataset()
    bu = ds.find_business_unit(specs.INCIDENT_UNIT)
    assert bu is not None
    rows = ds.query_reviews(business_unit_id=bu, include_reported=True, languages={"en"})
    frame = review_frame([ds.review_json(int(row), BASE) for row in rows])
    frame["topics"] = [ds.review_topics(int(row)) for row in rows]
    assert frame["topics"].notna().all()
    return frame


def pieces(title: str, body: str) -> list[str]:
    """The review's clause pieces as ' word word ' strings (normalised as tpnb.text documents)."""
    whole = unicodedata.normalize("NFKC", f"{title}\n{body}").lower()
    return [" " + " ".join(WORDS.findall(piece)) + " " for piece in BREAKS.split(whole)]


def topic_of(phrase: str, frame: pd.DataFrame) -> str | None:
    """The topic that at least BELONGS of the reviews using ``phrase`` were planned to name."""
    using = [
        set(topics)
        for title, body, topics in zip(frame["title"], frame["text"], frame["topics"], strict=True)
        if any(f" {phrase} " in piece for piece in pieces(title, body))
    ]
    assert using, phrase  # key_phrases listed it, so some review uses it
    for name in sorted({name for topics in using for name in topics}):
        if sum(name in topics for topics in using) >= BELONGS * len(using):
            return name
    return None


def test_one_star_phrases_of_the_incident_quarter_name_its_topics(bayside: pd.DataFrame) -> None:
    quarter = bayside[
        (bayside["created_at"] >= Q1_2025)
        & (bayside["created_at"] < Q1_2025 + pd.DateOffset(months=3))
    ]
    assert len(quarter) > 500
    phrases = text.key_phrases(quarter, by="stars")
    top = text.top_phrases(phrases, side="high", stars=1, n=8)
    topics = [topic_of(phrase, quarter) for phrase in top["phrase"]]
    assert set(INCIDENT) <= set(topics), list(zip(top["phrase"], topics, strict=True))


def test_the_rise_is_detected_in_the_incident_quarter_and_not_before(
    bayside: pd.DataFrame,
) -> None:
    rises = text.key_phrases(bayside, by="quarter")
    # a rise is "detected" at a one-sided 5% level, Bonferroni-corrected for every phrase and
    # quarter tested (otherwise some of the thousands of comparisons would rise by chance)
    detect_z = NormalDist().inv_cdf(1 - 0.05 / len(rises))
    assert 3.5 < detect_z < 5.5
    top = text.top_phrases(rises, side="high", period=Q1_2025, n=5, min_z=detect_z)
    topics = [topic_of(phrase, bayside) for phrase in top["phrase"]]
    assert topics, "nothing rose in Q1 2025"
    assert topics[0] in INCIDENT, list(zip(top["phrase"], topics, strict=True))
    assert set(INCIDENT) <= set(topics)
    earlier = sorted(p for p in rises["period"].unique() if p < Q1_2025)
    assert len(earlier) > 20  # 2019 to 2024
    for period in earlier:
        rose = text.top_phrases(rises, side="high", period=period, n=5, min_z=detect_z)
        named = {topic_of(phrase, bayside) for phrase in rose["phrase"]}
        assert not named & set(INCIDENT), (period, list(rose["phrase"]))
