"""tpnb.text: key phrases, rises and topic groups, checked against plain independent computations.

The independent checks count phrases the slow obvious way: per review, split the normalised text
at the sentence and clause marks, take its words, and look for the phrase as a whole-word
substring; or list every run of 1-3 words that obeys the documented rules with Python loops.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpnb import text
from tpnb.errors import ConfigError
from tpnb.frames import review_frame

UTC = timezone.utc
T0 = datetime(2024, 1, 1, tzinfo=UTC)
BREAKS = re.compile(r"[.,!?;:()\[\]{}\"“”„«»…•|\n]")
WORDS = re.compile(r"\w+")


# --- building review frames ----------------------------------------------------------------------
def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A review frame (the converter's dtypes) from short dicts: stars, title, text, language,
    created (a datetime) and optionally id."""
    payload = []
    for i, row in enumerate(rows):
        created = row.get("created", T0 + timedelta(hours=i))
        payload.append(
            {
                "id": row.get("id", f"{i:024x}"),
                "stars": row.get("stars"),
                "title": row.get("title"),
                "text": row.get("text"),
                "language": row.get("language", "en"),
                "createdAt": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return review_frame(payload)


# --- the independent counting --------------------------------------------------------------------
def segments(title: str | None, body: str | None) -> list[list[str]]:
    """The word lists of a review's sentence pieces, normalised as documented."""
    whole = unicodedata.normalize("NFKC", f"{title or ''}\n{body or ''}").lower()
    return [WORDS.findall(piece) for piece in BREAKS.split(whole)]


def can_edge(word: str, stops: frozenset[str]) -> bool:
    return len(word) >= 2 and not word.isdigit() and word not in stops


def phrases_of(title: str | None, body: str | None, stops: frozenset[str]) -> set[str]:
    found = set()
    for words in segments(title, body):
        for n in (1, 2, 3):
            for i in range(len(words) - n + 1):
                run = words[i : i + n]
                if can_edge(run[0], stops) and can_edge(run[-1], stops):
                    found.add(" ".join(run))
    return found


def reviews_using(reviews: pd.DataFrame, phrase: str) -> int:
    """Reviews whose normalised text holds ``phrase`` as whole words within one sentence piece."""
    count = 0
    for title, body in zip(reviews["title"], reviews["text"], strict=True):
        pieces = segments(None if pd.isna(title) else title, None if pd.isna(body) else body)
        if any(f" {phrase} " in f" {' '.join(words)} " for words in pieces):
            count += 1
    return count


def expected_counts(reviews: pd.DataFrame, min_support: int) -> dict[tuple[str, str], int]:
    counts: Counter[tuple[str, str]] = Counter()
    for title, body, lang in zip(
        reviews["title"], reviews["text"], reviews["language"], strict=True
    ):
        stops = text.stop_words(str(lang))
        for phrase in phrases_of(
            None if pd.isna(title) else title, None if pd.isna(body) else body, stops
        ):
            counts[(str(lang), phrase)] += 1
    return {key: n for key, n in counts.items() if n >= min_support}


# --- hypothesis strategies -----------------------------------------------------------------------
CONTENT = ["delivery", "late", "refund", "café", "qualität", "zürich", "staff", "lovely", "2nd"]
STOPS_EN = ["the", "and", "not", "was", "a", "i", "of", "very"]
MARKS = [" ", " ", " ", " ", ", ", ". ", "! ", "-", "'", " 42 ", "\n"]


@st.composite
def review_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(CONTENT + STOPS_EN), min_size=0, max_size=12))
    out = ""
    for word in words:
        shown = word.upper() if draw(st.booleans()) and word == "café" else word
        out += shown + draw(st.sampled_from(MARKS))
    return out


@st.composite
def review_sets(draw: st.DrawFn, languages: tuple[str, ...] = ("en",)) -> pd.DataFrame:
    n = draw(st.integers(0, 25))
    rows = [
        {
            "stars": draw(st.sampled_from([1, 2, 3, 4, 5, None])),
            "title": draw(st.one_of(st.none(), review_texts())),
            "text": draw(st.one_of(st.none(), review_texts())),
            "language": draw(st.sampled_from(languages)),
            "created": T0 + timedelta(days=draw(st.integers(0, 400))),
        }
        for _ in range(n)
    ]
    return frame(rows)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- empty input and schemas ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("by", "columns"),
    [
        (None, text.KEY_PHRASE_COLUMNS),
        ("stars", text.STAR_PHRASE_COLUMNS),
        ("week", text.PERIOD_PHRASE_COLUMNS),
        ("month", text.PERIOD_PHRASE_COLUMNS),
        ("quarter", text.PERIOD_PHRASE_COLUMNS),
    ],
)
def test_empty_input_gives_the_typed_schema(by: str | None, columns: dict[str, Any]) -> None:
    empty = frame([])
    out = text.key_phrases(empty, by=by)
    assert out.empty
    assert list(out.columns) == list(columns)
    assert {name: str(dtype) for name, dtype in out.dtypes.items()} == {
        name: str(pd.Series([], dtype=dtype).dtype) for name, dtype in columns.items()
    }


def test_reviews_without_words_give_the_typed_schema_too() -> None:
    reviews = frame([{"stars": 5, "title": "!!", "text": "42 ... 7"}] * 3)
    for by in (None, "stars", "month"):
        out = text.key_phrases(reviews, by=by, min_support=1)
        assert out.empty
        assert out.dtypes["count"] == np.int64


def test_topic_groups_of_nothing_are_empty_typed_frames() -> None:
    groups = text.topic_groups(frame([]))
    assert groups.topics.empty
    assert groups.assignments.empty
    assert groups.over_time.empty
    assert list(groups.topics.columns) == list(text.TOPIC_COLUMNS)
    assert list(groups.assignments.columns) == list(text.ASSIGNMENT_COLUMNS)
    assert list(groups.over_time.columns) == list(text.TOPIC_PERIOD_COLUMNS)
    assert str(groups.over_time["period"].dtype) == "datetime64[us, UTC]"


# --- counts against the independent counting -----------------------------------------------------
@PROPERTY
@given(review_sets(), st.integers(1, 3))
def test_counts_equal_the_plain_python_count(reviews: pd.DataFrame, min_support: int) -> None:
    out = text.key_phrases(reviews, min_support=min_support)
    got = {
        (str(lang), str(phrase)): int(count)
        for lang, phrase, count in zip(out["language"], out["phrase"], out["count"], strict=True)
    }
    assert got == expected_counts(reviews, min_support)


@PROPERTY
@given(review_sets())
def test_each_count_is_the_number_of_reviews_holding_the_phrase(reviews: pd.DataFrame) -> None:
    out = text.key_phrases(reviews, min_support=1)
    for phrase, count, words in zip(out["phrase"], out["count"], out["words"], strict=True):
        assert reviews_using(reviews, phrase) == count
        assert len(phrase.split(" ")) == words


@PROPERTY
@given(review_sets(languages=("en", "de")))
def test_uses_phrase_picks_exactly_the_reviews_holding_the_phrase(reviews: pd.DataFrame) -> None:
    out = text.key_phrases(reviews, min_support=1)
    finder = text.PhraseFinder(reviews)
    for lang, phrase, count in zip(out["language"], out["phrase"], out["count"], strict=True):
        picked = text.uses_phrase(reviews, phrase, language=lang)
        assert list(picked.index) == list(reviews.index)
        assert int(picked.sum()) == count
        assert picked.equals(finder.uses(phrase, language=lang))
        of_language = reviews[(reviews["language"] == lang).fillna(False)]
        assert reviews_using(reviews[picked], phrase) == count
        assert reviews_using(of_language, phrase) == count
    for word in CONTENT:  # any phrase, listed or not: the same as the plain count
        assert int(text.uses_phrase(reviews, word).sum()) == reviews_using(reviews, word.lower())


def test_uses_phrase_is_whole_words_within_a_clause_and_checks_its_input() -> None:
    reviews = frame(
        [
            {"title": "Happy", "text": "The App crashed."},
            {"title": "", "text": "apps, app-store and snapp"},
            {"title": "app", "text": "store"},
            {"title": "", "text": "the app. Store was shut", "language": "de"},
        ]
    )
    assert text.uses_phrase(reviews, "app").tolist() == [True, True, True, True]
    assert text.uses_phrase(reviews, "APP  store").tolist() == [False, True, False, False]
    assert text.uses_phrase(reviews, "app", language="de").tolist() == [False, False, False, True]
    assert text.uses_phrase(reviews.iloc[:0], "app").empty
    for bad in ("", " ,. ", None):
        with pytest.raises(ConfigError, match="phrase must be a string of one or more words"):
            text.uses_phrase(reviews, bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="lacks column"):
        text.uses_phrase(reviews.drop(columns="text"), "app")


@PROPERTY
@given(review_sets())
def test_shares_and_mean_stars(reviews: pd.DataFrame) -> None:
    out = text.key_phrases(reviews, min_support=1)
    stars = pd.to_numeric(reviews["stars"]).astype("float64").to_numpy()
    for row in out.itertuples():
        uses = np.array(
            [
                row.phrase in phrases_of(t if isinstance(t, str) else None,
                                         b if isinstance(b, str) else None, frozenset())
                for t, b in zip(reviews["title"], reviews["text"], strict=True)
            ]
        )  # fmt: skip
        assert row.share == pytest.approx(uses.sum() / len(reviews))
        rated = uses & ~np.isnan(stars)
        if rated.any():
            assert row.mean_stars == pytest.approx(stars[rated].mean())
        else:
            assert np.isnan(row.mean_stars)
        assert row.low_count == int((uses & np.isin(stars, [1, 2])).sum())
        assert row.high_count == int((uses & np.isin(stars, [4, 5])).sum())


def test_counts_match_scikit_learn_count_vectorizer() -> None:
    """Without clause marks, our phrase counts are CountVectorizer's binary 1-3 gram counts."""
    from sklearn.feature_extraction.text import CountVectorizer

    rng = random.Random(3)
    vocabulary = [*CONTENT, *STOPS_EN, "übergröße", "naïve", "x"]
    bodies = [" ".join(rng.choices(vocabulary, k=rng.randint(1, 15))) for _ in range(300)]
    reviews = frame([{"stars": 1 + i % 5, "title": None, "text": b} for i, b in enumerate(bodies)])
    vectorizer = CountVectorizer(
        ngram_range=(1, 3), token_pattern=r"(?u)\b\w+\b", binary=True, lowercase=True
    )
    matrix = vectorizer.fit_transform(bodies)
    totals = np.asarray(matrix.sum(axis=0)).ravel()
    stops = text.stop_words("en")
    expected = {
        feature: int(total)
        for feature, total in zip(vectorizer.get_feature_names_out(), totals, strict=True)
        if can_edge(feature.split()[0], stops) and can_edge(feature.split()[-1], stops)
        and total >= 2
    }  # fmt: skip
    out = text.key_phrases(reviews, min_support=2)
    assert dict(zip(out["phrase"], out["count"], strict=True)) == expected
    assert len(expected) > 50


@PROPERTY
@given(review_sets(languages=("en", "de")))
def test_word_by_word_ids_give_the_same_phrases(reviews: pd.DataFrame) -> None:
    """The fallback for huge vocabularies (ids built word by word) agrees with one-key ids."""
    direct = text.key_phrases(reviews, min_support=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text, "_DIRECT_KEYS", 0)
        stepwise = text.key_phrases(reviews, min_support=1)
    pd.testing.assert_frame_equal(direct, stepwise)


# --- stop words, languages, accents --------------------------------------------------------------
@PROPERTY
@given(review_sets(languages=("en", "de", "fr")))
def test_stop_words_never_edge_a_phrase(reviews: pd.DataFrame) -> None:
    out = text.key_phrases(reviews, min_support=1)
    for lang, phrase in zip(out["language"], out["phrase"], strict=True):
        stops = text.stop_words(lang)
        words = phrase.split(" ")
        assert words[0] not in stops
        assert words[-1] not in stops
        assert len(words[0]) >= 2
        assert not words[-1].isdigit()


def test_stop_word_lists_cover_the_data_sets_languages() -> None:
    for lang in ("en", "de", "fr", "es", "it", "nl", "da", "sv", "pl", "pt", "fi", "no"):
        stops = text.stop_words(lang)
        assert len(stops) > 100, lang
        assert all(WORDS.fullmatch(word) for word in stops), lang
    assert {"the", "and", "not"} <= text.stop_words("en")
    assert {"und", "nicht"} <= text.stop_words("de")
    assert text.stop_words("xx") == frozenset()


NINE = {
    "en": "the delivery was late",
    "de": "die lieferung war verspätet",
    "fr": "la livraison était en retard",
    "es": "la entrega llegó tarde",
    "it": "la consegna è arrivata tardi",
    "nl": "de levering was te laat",
    "da": "leveringen var forsinket",
    "sv": "leveransen var försenad",
    "pl": "dostawa była opóźniona",
}


def test_nine_languages_are_kept_apart_with_their_own_stop_words() -> None:
    rows = [
        {"stars": 1 + i % 5, "title": None, "text": body, "language": lang}
        for lang, body in NINE.items()
        for i in range(4 + len(lang) + list(NINE).index(lang))
    ]
    out = text.key_phrases(frame(rows), min_support=1)
    assert set(out["language"]) == set(NINE)
    sizes = Counter(row["language"] for row in rows)
    # languages ordered by reviews (most first), ties by code
    assert list(dict.fromkeys(out["language"])) == sorted(sizes, key=lambda k: (-sizes[k], k))
    for lang, group in out.groupby("language", sort=False):
        assert (group["count"] == sizes[lang]).all()
        assert (group["share"] == 1.0).all()
        for phrase in group["phrase"]:
            assert phrase.split(" ")[0] not in text.stop_words(lang)
    german = set(out.loc[out["language"] == "de", "phrase"])
    assert "lieferung" in german
    assert "die" not in german
    assert "verspätet" in german
    only_pl = text.key_phrases(frame(rows), min_support=1, languages="pl")
    assert set(only_pl["language"]) == {"pl"}
    assert "opóźniona" in set(only_pl["phrase"])


def test_one_language_and_reviews_without_one() -> None:
    rows = [{"stars": 5, "text": "Lovely staff", "language": None}] * 3
    rows += [{"stars": 5, "text": "Lovely staff", "language": "en"}] * 2
    out = text.key_phrases(frame(rows), min_support=1)
    assert list(out["language"].fillna("?")) == ["en", "en", "en", "?", "?", "?"]
    assert out.loc[out["language"].isna(), "count"].tolist() == [3, 3, 3]


def test_accented_letters_belong_to_words_in_any_normal_form() -> None:
    composed = "Très bonne qualité, équipe sympathique"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    rows = [{"stars": 5, "text": composed, "language": "fr"}] * 2
    rows += [{"stars": 5, "text": decomposed, "language": "fr"}] * 2
    out = text.key_phrases(frame(rows), min_support=1)
    counts = dict(zip(out["phrase"], out["count"], strict=True))
    assert counts["qualité"] == 4
    assert counts["équipe sympathique"] == 4
    assert not any(phrase.endswith("qualit") for phrase in counts)


def test_phrases_do_not_cross_clause_marks_or_reviews() -> None:
    rows = [
        {"stars": 1, "title": "Parcel lost", "text": "Refund slow. Staff rude"},
        {"stars": 1, "title": "Parcel", "text": "lost refund"},
    ]
    out = text.key_phrases(frame(rows), min_support=1)
    phrases = set(out["phrase"])
    assert "parcel lost" in phrases  # review 2: the title ends, the text begins (a line break)
    assert dict(zip(out["phrase"], out["count"], strict=True))["parcel lost"] == 1
    assert "lost refund" in phrases
    assert "slow staff" not in phrases
    assert "lost refund slow" not in phrases


def test_words_reviews_are_about_are_not_stop_words() -> None:
    """stopwords-iso's English list has "bill" and "website": reviews use them as subjects."""
    listed = set()
    import stopwordsiso

    for entry in stopwordsiso.stopwords("en"):
        listed.update(WORDS.findall(entry.lower()))
    assert {"bill", "website", "call"} <= listed  # the list itself has them ...
    assert not text.REVIEW_WORDS["en"] & text.stop_words("en")  # ... tpnb does not
    assert {"great", "not", "never"} <= text.stop_words("en")  # judging words stay stop words
    rows = [{"stars": 1, "text": "My bill was wrong. The website kept crashing."}] * 3
    phrases = set(text.key_phrases(frame(rows), min_support=1)["phrase"])
    assert {"bill", "bill was wrong", "website", "website kept crashing"} <= phrases
    assert "was wrong" not in phrases


def test_keep_words_let_listed_stop_words_edge_phrases() -> None:
    rows = [{"stars": 5, "text": "Great service, never late"}] * 3
    plain = set(text.key_phrases(frame(rows), min_support=1)["phrase"])
    kept = set(
        text.key_phrases(frame(rows), min_support=1, keep_words={"Great", "never"})["phrase"]
    )
    assert "great service" not in plain
    assert "great service" in kept
    assert "never late" in kept
    assert "service" in plain


# --- order, determinism --------------------------------------------------------------------------
@PROPERTY
@given(review_sets(languages=("en", "da")), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(reviews: pd.DataFrame, rnd: random.Random) -> None:
    order = list(range(len(reviews)))
    rnd.shuffle(order)
    shuffled = reviews.iloc[order]
    for by in (None, "stars", "month"):
        pd.testing.assert_frame_equal(
            text.key_phrases(reviews, by=by, min_support=1),
            text.key_phrases(shuffled, by=by, min_support=1),
        )


def story(n: int = 600, seed: int = 1) -> pd.DataFrame:
    """Two years of reviews: complaints about a broken zipper are 1-2 stars, praise of the lovely
    staff 4-5 stars, "parcel never arrived" appears only in the last quarter (1 star)."""
    rng = random.Random(seed)
    rows = []
    for _i in range(n):
        day = rng.randrange(0, 730)
        created = T0 + timedelta(days=day)
        last_quarter = created >= datetime(2025, 10, 1, tzinfo=UTC)
        kind = rng.random()
        if last_quarter and kind < 0.3:
            rows.append({"stars": 1, "title": "Parcel never arrived", "text": "Waited weeks."})
        elif kind < 0.35:
            rows.append({"stars": rng.choice([1, 2]), "title": "Broken zipper",
                         "text": "The jacket zipper broke after one week. Poor quality."})  # fmt: skip
        elif kind < 0.8:
            rows.append({"stars": rng.choice([4, 5]), "title": "Lovely staff",
                         "text": "The staff were lovely and the jacket is warm."})  # fmt: skip
        else:
            rows.append({"stars": 3, "title": "Average jacket", "text": "The jacket is warm."})
        rows[-1]["created"] = created
    return frame(rows)


def test_low_and_high_association_signs() -> None:
    out = text.key_phrases(story())
    by_phrase = out.set_index("phrase")
    assert by_phrase.loc["broken zipper", "log_odds"] < -3
    assert by_phrase.loc["broken zipper", "z_score"] < -2
    assert by_phrase.loc["lovely staff", "log_odds"] > 3
    assert by_phrase.loc["broken zipper", "high_count"] == 0
    assert by_phrase.loc["lovely staff", "low_count"] == 0
    assert abs(by_phrase.loc["jacket", "log_odds"]) < abs(by_phrase.loc["lovely staff", "log_odds"])
    low = text.top_phrases(out, side="low", n=3)
    high = text.top_phrases(out, side="high", n=3)
    assert (low["log_odds"] < 0).all()
    assert (high["log_odds"] > 0).all()
    assert (low["high_count"] == 0).all()
    assert (high["low_count"] == 0).all()
    assert any("zipper" in phrase for phrase in low["phrase"])
    assert any("lovely" in phrase or "staff" in phrase for phrase in high["phrase"])
    # distinct: no two chosen phrases share a word
    words = [set(p.split()) for p in low["phrase"]]
    assert all(not (a & b) for i, a in enumerate(words) for b in words[i + 1 :])


def test_by_stars_compares_each_rating_with_the_others() -> None:
    out = text.key_phrases(story(), by="stars")
    assert set(out["stars"]) <= {1, 2, 3, 4, 5}
    top_of = {int(s): g.iloc[0] for s, g in out.groupby("stars")}
    assert top_of[3]["phrase"] == "average jacket"
    assert top_of[3]["rest_share"] == 0
    assert top_of[3]["log_odds"] > 0
    assert top_of[1]["phrase"] in {"parcel never arrived", "parcel", "arrived", "waited weeks",
                                   "waited", "weeks"}  # fmt: skip
    assert (out["count"] >= text.DEFAULT_MIN_SUPPORT).all()


def test_a_phrase_of_the_last_quarter_rises() -> None:
    reviews = story()
    out = text.key_phrases(reviews, by="quarter")
    last = out[out["period"] == out["period"].max()]
    assert last["period"].iloc[0] == pd.Timestamp("2025-10-01", tz="UTC")
    top = last.iloc[0]
    assert top["phrase"] in {"parcel never arrived", "parcel", "arrived", "waited weeks"}
    assert top["before_count"] == 0
    assert top["log_odds"] > 2
    assert top["z_score"] > 2
    rising = last[last["log_odds"] > 1]
    assert "broken zipper" not in set(rising["phrase"])
    assert "parcel" not in set(out.loc[out["period"] < last["period"].iloc[0], "phrase"])
    # the first quarter has nothing before it: not listed
    assert out["period"].min() > pd.Timestamp("2024-01-01", tz="UTC")
    # the latest quarter's share is against that quarter's reviews
    quarter = reviews[reviews["created_at"] >= pd.Timestamp("2025-10-01", tz="UTC")]
    assert top["count"] == reviews_using(quarter, top["phrase"])
    assert top["share"] == pytest.approx(top["count"] / len(quarter))


def test_weeks_and_months_bin_like_tpnb_analysis() -> None:
    from tpnb import analysis

    reviews = story(300)
    for by, freq in (("week", "W"), ("month", "MS")):
        out = text.key_phrases(reviews, by=by, min_support=1)
        starts = set(analysis.period_starts(analysis.ratings_over_time(reviews, freq=freq).index))
        assert set(out["period"]) <= starts


def topical(n: int = 240, seed: int = 2) -> pd.DataFrame:
    rng = random.Random(seed)
    topics = {
        "delivery": ["parcel", "courier", "tracking", "delivered", "shipping"],
        "sizes": ["sizes", "fit", "small", "large", "measurements"],
        "payment": ["invoice", "payment", "card", "charged", "klarna"],
    }
    rows = []
    for i in range(n):
        name = list(topics)[i % 3]
        words = rng.sample(topics[name], 3)
        rows.append({"id": f"{i:024x}", "stars": 1 + (i % 3) * 2, "title": None,
                     "text": f"The {words[0]} and the {words[1]}, {words[2]}!",
                     "created": T0 + timedelta(days=i)})  # fmt: skip
    return frame(rows)


def test_topic_groups_find_planted_topics() -> None:
    reviews = topical()
    groups = text.topic_groups(reviews, n_topics=3, period="month", min_support=3, max_words=1)
    assert groups.language == "en"
    assert len(groups.topics) == 3
    assert groups.topics["reviews"].sum() == len(reviews)
    assert (groups.topics["reviews"] == 80).all()
    assigned = groups.assignments.set_index("id")["topic"]
    truth = pd.Series([i % 3 for i in range(len(reviews))], index=reviews["id"].to_numpy())
    for planted in range(3):
        found = set(assigned[truth[truth == planted].index])
        assert len(found) == 1, "one planted topic was split"
    by_topic = groups.topics.set_index("topic")
    stars = {int(t): float(by_topic.loc[t, "mean_stars"]) for t in by_topic.index}
    assert sorted(stars.values()) == [1.0, 3.0, 5.0]
    labels = groups.labels()
    assert all(1 <= len(label.split(" · ")) <= 3 for label in labels.values())
    # over time: each month's topic shares add up to the assigned share of that month
    month = groups.over_time.groupby("period")
    assert month["share"].sum().between(0.999, 1.001).all()
    assert groups.over_time["reviews"].sum() == len(reviews)


def test_topic_groups_are_deterministic_and_ignore_row_order() -> None:
    reviews = story(400)
    first = text.topic_groups(reviews, n_topics=4, seed=3)
    again = text.topic_groups(reviews.iloc[::-1], n_topics=4, seed=3)
    pd.testing.assert_frame_equal(first.topics, again.topics)
    pd.testing.assert_frame_equal(first.over_time, again.over_time)
    pd.testing.assert_frame_equal(
        first.assignments.sort_values("id").reset_index(drop=True),
        again.assignments.sort_values("id").reset_index(drop=True),
    )


def test_topic_groups_pick_the_main_language_or_the_asked_one() -> None:
    rows = [{"stars": 5, "text": "Schnelle Lieferung, tolle Qualität", "language": "de"}] * 6
    rows += [{"stars": 4, "text": "Fast delivery", "language": "en"}] * 4
    reviews = frame([{**row, "id": f"{i:024x}"} for i, row in enumerate(rows)])
    assert text.topic_groups(reviews, n_topics=2, min_support=1).language == "de"
    english = text.topic_groups(reviews, n_topics=2, min_support=1, language="en")
    assert english.language == "en"
    assert len(english.assignments) == 4
    assert text.topic_groups(reviews, language="fr").topics.empty


# --- arguments -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"by": "year"}, r"by must be None or one of \['stars', 'week', 'month', 'quarter'\]"),
        ({"by": "MS"}, "got 'MS'"),
        ({"min_support": 0}, "min_support must be an int >= 1, got 0"),
        ({"min_support": 2.5}, "min_support must be an int >= 1"),
        ({"min_support": True}, "min_support must be an int >= 1"),
        ({"max_words": 4}, "max_words must be an int from 1 to 3, got 4"),
        ({"languages": 3}, "languages must be None"),
        ({"languages": ["en", 3]}, "languages must be None"),
        ({"keep_words": "great"}, "keep_words must be a collection of words"),
        ({"keep_words": [1]}, "keep_words must hold only strings"),
    ],
)
def test_bad_arguments_raise_config_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        text.key_phrases(story(20), **kwargs)


def test_missing_columns_are_named() -> None:
    reviews = story(20)
    with pytest.raises(ConfigError, match=r"lacks column\(s\) \['text'\]"):
        text.key_phrases(reviews.drop(columns="text"))
    with pytest.raises(ConfigError, match=r"\['created_at'\]"):
        text.key_phrases(reviews.drop(columns="created_at"), by="month")
    text.key_phrases(reviews.drop(columns="created_at"))  # not needed without a period
    with pytest.raises(ConfigError, match="expected a review DataFrame"):
        text.key_phrases([{"text": "hello"}])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"\['id'\]"):
        text.topic_groups(reviews.drop(columns="id"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_topics": 1}, "n_topics must be an int from 2 to 30, got 1"),
        ({"period": "year"}, r"period must be one of \['month', 'quarter', 'week'\], got 'year'"),
        ({"seed": -1}, "seed must be an int >= 0"),
        ({"language": 5}, "language must be a language code"),
    ],
)
def test_bad_topic_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        text.topic_groups(story(20), **kwargs)


def test_top_phrases_of_a_star_rating_and_of_a_period() -> None:
    reviews = story()
    by_stars = text.key_phrases(reviews, by="stars")
    three = text.top_phrases(by_stars, side="high", stars=3, n=2)
    assert three["phrase"].iloc[0] == "average jacket"
    assert (three["stars"] == 3).all()
    rises = text.key_phrases(reviews, by="quarter")
    latest = text.top_phrases(rises, side="high", n=3)  # the latest period by default
    assert (latest["period"] == rises["period"].max()).all()
    assert any("parcel" in phrase or "arrived" in phrase for phrase in latest["phrase"])
    assert (latest["log_odds"] > 0).all()
    earlier = text.top_phrases(rises, side="high", period="2025-01-01")
    assert (earlier["period"] == pd.Timestamp("2025-01-01", tz="UTC")).all()
    assert not any("parcel" in phrase for phrase in earlier["phrase"])
    fell = text.top_phrases(rises, side="low", min_z=0)
    assert (fell["log_odds"] < 0).all()


def test_top_phrases_checks_its_arguments() -> None:
    phrases = text.key_phrases(story(100))
    with pytest.raises(ConfigError, match="side must be 'low' or 'high', got 'up'"):
        text.top_phrases(phrases, side="up")
    with pytest.raises(ConfigError, match="phrases must be a frame key_phrases"):
        text.top_phrases(phrases.drop(columns="z_score"))
    with pytest.raises(ConfigError, match="min_z must be a number >= 0"):
        text.top_phrases(phrases, min_z=-1)
    with pytest.raises(ConfigError, match=r"stars must be 1\.\.5 for a key_phrases\(by='stars'\)"):
        text.top_phrases(text.key_phrases(story(100), by="stars"))
    with pytest.raises(ConfigError, match="stars= is only for"):
        text.top_phrases(phrases, stars=1)
    with pytest.raises(ConfigError, match="period= is only for"):
        text.top_phrases(phrases, period="2025-01-01")
    with pytest.raises(ConfigError, match="period must be a timestamp such as '2025-01-01'"):
        text.top_phrases(text.key_phrases(story(100), by="month"), period="last")
    assert text.top_phrases(phrases.iloc[:0]).empty
    assert text.top_phrases(text.key_phrases(frame([]), by="month")).empty


# --- import cost ---------------------------------------------------------------------------------
def test_tpnb_text_stays_light() -> None:
    """Importing tpnb.text and counting phrases load neither scikit-learn nor matplotlib."""
    code = (
        "import sys, tpnb.text as t, tpnb.frames as f\n"
        "r = f.review_frame([{'id': 'a', 'stars': 5, 'text': 'fast delivery', 'language': 'en',"
        " 'createdAt': '2024-01-01T00:00:00Z'}])\n"
        "t.key_phrases(r, min_support=1)\n"
        "print(','.join(m for m in ('sklearn', 'scipy', 'matplotlib', 'ipywidgets')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""
