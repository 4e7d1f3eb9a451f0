"""What people say: key phrases, rising phrases and topic groups of review texts (pure, no I/O).

Every function takes a review frame (from :func:`tpnb.frames.review_frame` or the client; only
the columns it needs must be present) and returns plain pandas objects; an empty frame gives an
empty result with the same typed columns.

A review's words are its ``title`` and ``text`` together, NFKC-normalised and lower-cased. A
*phrase* is a run of 1 to 3 consecutive words (``\\w+``, so accented letters belong to words; a
hyphen or an apostrophe separates words) that does not cross a sentence or clause mark
(``. , ! ? ; :``, brackets, quotes, a line break), and that neither starts nor ends with a stop
word of the review's language (the maintained lists of `stopwords-iso`_, through the
``stopwordsiso`` package, less the :data:`REVIEW_WORDS` reviews use for their subject, such as
"bill"), a one-character word or a number: "worth the hassle" is a phrase,
"the hassle" and "was late" are not. Languages are kept apart: each phrase row belongs to one
``language`` (reviews without a language form their own group, with no stop words removed; so
does a language stopwords-iso has no list for).

A phrase's ``count`` is the number of reviews using it at least once (not the number of times).
Its association with ratings is a smoothed log odds ratio (0.5 added to each cell of the 2x2
table, the Haldane-Anscombe correction, so a phrase used by few reviews cannot reach an extreme
value) with its z-score (Woolf's standard error: how sure the lean is); ``min_support`` keeps
phrases used by fewer reviews out altogether, and :func:`top_phrases` picks the strongest leans
with ``|z| >= 2``:

- :func:`key_phrases` ``by=None``: reviews rated 1-2 stars against 4-5 stars (``log_odds > 0``:
  the phrase leans to high ratings, ``< 0`` to low ones);
- ``by="stars"``: each star rating against the other ratings;
- ``by="week"``/``"month"``/``"quarter"``: each period against all the periods before it
  (``log_odds > 0``: more common than before); ``top_phrases(rises, side="high")`` is what rose
  in the latest period.

:func:`topic_groups` groups one language's reviews into a few topics: a non-negative matrix
factorisation (scikit-learn's NMF, seeded) of the TF-IDF matrix of their phrases, each topic
labelled with its top phrases.

Results are deterministic (row order of the input does not matter; ties are broken by the phrase
text) and fast: phrases are counted on integer codes with NumPy (a vectorised equivalent of
scikit-learn's ``CountVectorizer(binary=True, ngram_range=(1, 3))`` with the rules above, whose
Python loops take several times longer: ``tests/benchmarks/bench_text.py``), and a text shared
by several reviews is read once. scikit-learn is imported only by :func:`topic_groups`.

.. _stopwords-iso: https://github.com/stopwords-iso/stopwords-iso
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from tpnb.analysis import _bins, _check_frame, _stars, _times
from tpnb.errors import ConfigError
from tpnb.frames import DATETIME_DTYPE, STRING_DTYPE, parse_timestamp

__all__ = [
    "BY_CHOICES",
    "DEFAULT_MIN_SUPPORT",
    "HIGH_STARS",
    "LOW_STARS",
    "MAX_WORDS",
    "PERIODS",
    "PhraseFinder",
    "TopicGroups",
    "key_phrases",
    "normalise",
    "phrase_pattern",
    "stop_words",
    "top_phrases",
    "topic_groups",
    "uses_phrase",
]

#: Values ``key_phrases(by=...)`` accepts (besides None).
BY_CHOICES = ("stars", "week", "month", "quarter")
#: Period words -> the pandas offset alias of their bins (as in :mod:`tpnb.analysis`).
PERIODS: dict[str, str] = {"week": "W", "month": "MS", "quarter": "QS"}
#: Star ratings compared by ``key_phrases(by=None)``: low against high (3 stars is neither).
LOW_STARS = (1, 2)
HIGH_STARS = (4, 5)
#: Phrases used by fewer reviews than this are left out (per language, per group).
DEFAULT_MIN_SUPPORT = 5
#: The longest phrase, in words.
MAX_WORDS = 3
#: Added to each cell of a 2x2 table before its log odds ratio (Haldane-Anscombe).
SMOOTHING = 0.5
#: ``top_phrases`` leaves out phrases whose association is weaker than this |z-score|.
DEFAULT_MIN_Z = 2.0

# a word, or a mark that ends a sentence or clause; everything else (spaces, hyphens, apostrophes,
# symbols) only separates words
_TOKEN = re.compile(r"\w+|[.,!?;:()\[\]{}\"“”„«»…•|\n\x1e]")
_WORD = re.compile(r"\w+")
_DOC_BREAK = "\x1e"  # joins the reviews of a group into one string (a break token)
# a run of n words is keyed by its codes in one int64 while vocabulary size ** n stays below this;
# past it (over 1.6 million distinct tokens for 3 words), ids are built word by word
_DIRECT_KEYS = 2**62

# --- output schemas (name -> dtype), one per kind of result -------------------------------------
KEY_PHRASE_COLUMNS: dict[str, Any] = {
    "language": STRING_DTYPE,
    "phrase": STRING_DTYPE,
    "words": "int8",
    "count": "int64",
    "share": "float64",
    "mean_stars": "float64",
    "low_count": "int64",
    "low_share": "float64",
    "high_count": "int64",
    "high_share": "float64",
    "log_odds": "float64",
    "z_score": "float64",
}
STAR_PHRASE_COLUMNS: dict[str, Any] = {
    "language": STRING_DTYPE,
    "stars": "int8",
    "phrase": STRING_DTYPE,
    "words": "int8",
    "count": "int64",
    "share": "float64",
    "rest_share": "float64",
    "log_odds": "float64",
    "z_score": "float64",
}
PERIOD_PHRASE_COLUMNS: dict[str, Any] = {
    "language": STRING_DTYPE,
    "period": DATETIME_DTYPE,
    "phrase": STRING_DTYPE,
    "words": "int8",
    "count": "int64",
    "share": "float64",
    "before_count": "int64",
    "before_share": "float64",
    "mean_stars": "float64",
    "log_odds": "float64",
    "z_score": "float64",
}
TOPIC_COLUMNS: dict[str, Any] = {
    "topic": "int64",
    "label": STRING_DTYPE,
    "phrases": STRING_DTYPE,
    "reviews": "int64",
    "share": "float64",
    "mean_stars": "float64",
}
ASSIGNMENT_COLUMNS: dict[str, Any] = {
    "id": STRING_DTYPE,
    "topic": "Int64",
    "weight": "float64",
}
TOPIC_PERIOD_COLUMNS: dict[str, Any] = {
    "period": DATETIME_DTYPE,
    "topic": "int64",
    "reviews": "int64",
    "share": "float64",
    "mean_stars": "float64",
}


def _empty(columns: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


def _typed(data: dict[str, Any], columns: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame({name: data[name] for name in columns})
    return frame.astype(columns)


# --- words ---------------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """The form phrases are found in: NFKC-normalised (composed accents), lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


#: Words that stopwords-iso's long lists count as stop words but that reviews use for what they
#: are about, so they may start and end a phrase ("bill" is on the English list, from the Glasgow
#: information-retrieval list it merges, and "my bill was wrong" is a billing complaint). Only
#: words naming a subject or a fault; words that only judge ("great", "not", "never") stay stop
#: words, and ``keep_words`` lets a caller keep them.
REVIEW_WORDS: Mapping[str, frozenset[str]] = {
    "en": frozenset(
        {
            "bill",
            "call",
            "help",
            "helpful",
            "website",
            "site",
            "homepage",
            "page",
            "pages",
            "order",
            "orders",
            "ordered",
            "ordering",
            "problem",
            "problems",
            "system",
            "amount",
            "number",
            "home",
            "room",
            "rooms",
            "value",
            "information",
            "poorly",
            "promptly",
            "quickly",
            "sorry",
            "unfortunately",
            "thank",
            "thanks",
            "late",
            "early",
            "clear",
            "serious",
            "useful",
            "sent",
            "open",
            "opened",
            "miss",
            "free",
            "empty",
            "full",
            "work",
            "worked",
            "working",
            "works",
            "date",
            "fire",
            "interest",
            "line",
            "kind",
            "welcome",
        }
    ),
}


@functools.lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """The stop words of an ISO 639-1 language, normalised and split into words as reviews are.

    Args:
        language: e.g. ``"en"``, ``"de"``, ``"pl"``.

    Returns:
        The stopwords-iso list for the language (an entry such as "don't" adds "don" and "t")
        without the language's :data:`REVIEW_WORDS`, or an empty set when stopwords-iso has no
        list for it.
    """
    import stopwordsiso

    if not isinstance(language, str) or not stopwordsiso.has_lang(language):
        return frozenset()
    words: set[str] = set()
    for entry in stopwordsiso.stopwords(language):
        words.update(_WORD.findall(normalise(entry)))
    return frozenset(words - REVIEW_WORDS.get(language, frozenset()))


def _documents(frame: pd.DataFrame) -> list[str]:
    """Title and text of each review as one string (a line break between them)."""
    title = frame["title"].astype(STRING_DTYPE).fillna("")
    text = frame["text"].astype(STRING_DTYPE).fillna("")
    joined = title + "\n" + text
    return [str(doc) for doc in joined.to_numpy(dtype=object)]


@dataclass(frozen=True)
class _Uses:
    """Which review uses which phrase, in one group of reviews (one language).

    ``doc``/``phrase`` are parallel arrays, one entry per (review, phrase) pair, each pair once;
    ``phrase`` indexes ``texts`` and ``words``; only phrases used by ``min_support`` reviews or
    more are kept.
    """

    texts: np.ndarray[Any, Any]
    words: np.ndarray[Any, Any]
    doc: np.ndarray[Any, Any]
    phrase: np.ndarray[Any, Any]


def _phrase_uses(
    documents: list[str], stops: frozenset[str], max_words: int, min_support: int
) -> _Uses:
    """Find which review uses which phrase (see the module docs for what a phrase is).

    Order of operations: identical documents are handled once (weighted by how many reviews
    share them); the distinct documents are joined with a break token and the whole string is
    tokenised with one regular expression; the tokens are factorised into integer codes; for
    n = 1..max_words, the runs of n consecutive word tokens whose first and last words may edge
    a phrase are keyed by their codes (one int64, the codes as digits in base vocabulary size;
    past 2**62, ids built word by word over all runs instead) and factorised, their (document,
    id) pairs de-duplicated and counted; the phrases that reach ``min_support`` are spelled
    out, and their pairs expanded back to the reviews.
    """
    nothing = np.array([], dtype=np.int64)
    empty = _Uses(np.array([], dtype=object), np.array([], dtype=np.int8), nothing, nothing)
    if not documents:
        return empty
    review_doc, distinct = pd.factorize(np.asarray(documents, dtype=object))
    reviews_of = np.bincount(review_doc, minlength=len(distinct))  # reviews per distinct document
    n_docs = np.int64(len(distinct))
    joined = normalise(_DOC_BREAK.join(str(doc).replace(_DOC_BREAK, " ") for doc in distinct))
    tokens = np.asarray(_TOKEN.findall(joined), dtype=object)
    if tokens.size == 0:
        return empty
    codes, vocabulary = pd.factorize(tokens)
    codes = codes.astype(np.int64)
    vocabulary = np.asarray(vocabulary, dtype=object)
    size = np.int64(len(vocabulary))
    is_word = np.array([_WORD.fullmatch(token) is not None for token in vocabulary], dtype=bool)
    can_edge = np.array(
        [
            word and len(token) >= 2 and not token.isdigit() and token not in stops
            for token, word in zip(vocabulary, is_word, strict=True)
        ],
        dtype=bool,
    )
    separator = np.flatnonzero(vocabulary == _DOC_BREAK)
    # a token's document: the number of separators before it
    doc_of = np.cumsum(codes == separator[0]) if separator.size else np.zeros_like(codes)
    word_at = is_word[codes]
    edge_at = can_edge[codes]

    texts: list[np.ndarray[Any, Any]] = []
    lengths: list[np.ndarray[Any, Any]] = []
    docs: list[np.ndarray[Any, Any]] = []
    phrases: list[np.ndarray[Any, Any]] = []
    direct = int(size) ** max_words < _DIRECT_KEYS  # a run's codes fit one int64 key
    run_ids = codes.copy()  # (stepwise only) the id of the run of n words at each position
    run_ok = word_at.copy()  # whether the n tokens from each position are all words
    for n in range(1, max_words + 1):
        m = len(codes) - n + 1
        if m <= 0:
            break
        if n > 1:
            run_ok = run_ok[:m] & word_at[n - 1 :]
            if not direct:
                key = run_ids[:m] * size + codes[n - 1 :]
                run_ids = np.full(m, -1, dtype=np.int64)
                run_ids[run_ok] = pd.factorize(key[run_ok])[0]
        chosen = np.flatnonzero(run_ok & edge_at[:m] & edge_at[n - 1 :])
        if chosen.size == 0:
            continue
        if direct:
            key = codes[chosen]
            for j in range(1, n):
                key = key * size + codes[chosen + j]
            ids = pd.factorize(key)[0].astype(np.int64) if n > 1 else key
        else:
            ids = run_ids[chosen]
        pair = pd.unique(ids * n_docs + doc_of[chosen])
        pair_id, pair_doc = np.divmod(pair, n_docs)
        counts = np.bincount(pair_id, weights=reviews_of[pair_doc], minlength=int(ids.max()) + 1)
        kept = counts >= min_support
        if not kept.any():
            continue
        index_of = np.cumsum(kept) - 1  # id -> its place among the kept phrases of n words
        use = kept[pair_id]
        docs.append(pair_doc[use])
        phrases.append(index_of[pair_id[use]] + sum(len(t) for t in texts))
        # spell each kept phrase from one of its occurrences (all are spelled the same)
        where = np.zeros(len(kept), dtype=np.int64)
        where[ids] = chosen
        starts = where[kept]
        spelled = vocabulary[codes[starts]]
        for j in range(1, n):
            spelled = spelled + " " + vocabulary[codes[starts + j]]
        texts.append(spelled)
        lengths.append(np.full(len(starts), n, dtype=np.int8))
    if not texts:
        return empty
    doc = np.concatenate(docs).astype(np.int64)
    phrase = np.concatenate(phrases).astype(np.int64)
    # expand (distinct document, phrase) pairs to (review, phrase) pairs
    reviews_by_doc = np.argsort(review_doc, kind="stable")
    first_review = np.concatenate([[0], np.cumsum(reviews_of)[:-1]])
    repeats = reviews_of[doc]
    pair_of = np.repeat(np.arange(len(doc)), repeats)
    within = np.arange(len(pair_of)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    return _Uses(
        np.concatenate(texts),
        np.concatenate(lengths),
        reviews_by_doc[first_review[doc][pair_of] + within].astype(np.int64),
        phrase[pair_of],
    )


# --- which reviews use a phrase -------------------------------------------------------------------
# what may stand between two words of a phrase: anything but a word character or a clause mark
_BETWEEN = r"[^\w.,!?;:()\[\]{}\"“”„«»…•|\n\x1e]+"


def phrase_pattern(phrase: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A regular expression that finds ``phrase`` where :func:`key_phrases` sees it: its words
    whole, in a row, with only spaces, hyphens, apostrophes or symbols between them (no clause
    mark). Matched against :func:`normalise`-d text; ``ignore_case=True`` for text as written.

    Raises:
        ConfigError: ``phrase`` has no word.
    """
    words = _WORD.findall(normalise(phrase)) if isinstance(phrase, str) else []
    if not words:
        raise ConfigError(f"phrase must be a string of one or more words, got {phrase!r}")
    body = _BETWEEN.join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE if ignore_case else 0)


class PhraseFinder:
    """Which reviews use a phrase: the reviews' words are prepared once, so each look-up (a
    click in the explorer's "What people say" view) is one vectorised search.

    Args:
        reviews: a review frame with ``title`` and ``text`` (and ``language``, to look up a
            phrase of one language).

    Raises:
        ConfigError: a needed column is missing.
    """

    def __init__(self, reviews: pd.DataFrame) -> None:
        frame = _check_frame(reviews, ("title", "text"))
        title = frame["title"].astype(STRING_DTYPE).fillna("")
        body = frame["text"].astype(STRING_DTYPE).fillna("")
        self.documents = (title + "\n" + body).str.normalize("NFKC").str.lower()
        self.languages = (
            frame["language"].astype(STRING_DTYPE) if "language" in frame.columns else None
        )

    def uses(self, phrase: str, *, language: str | None = None) -> pd.Series[bool]:
        """True for each review that uses ``phrase`` (in ``language``, when given): for a
        :func:`key_phrases` row, as many as its ``count``. See :func:`uses_phrase`."""
        pattern = phrase_pattern(phrase)
        hits = np.zeros(len(self.documents), dtype=bool)
        if len(hits):
            # a plain substring search for the longest word first (fast), then the pattern on those
            longest = max(_WORD.findall(normalise(phrase)), key=len)
            has_word = self.documents.str.contains(longest, regex=False)
            where = np.flatnonzero(has_word.to_numpy(dtype=bool, na_value=False))
            matched = self.documents.iloc[where].str.contains(pattern, regex=True)
            hits[where[matched.to_numpy(dtype=bool, na_value=False)]] = True
        found = pd.Series(hits, index=self.documents.index, dtype=bool)
        if language:
            if self.languages is None:
                raise ConfigError("the review frame lacks the language column language= needs")
            found &= (self.languages == language).fillna(False).astype(bool)
        return found


def uses_phrase(
    reviews: pd.DataFrame, phrase: str, *, language: str | None = None
) -> pd.Series[bool]:
    """Which reviews use ``phrase``, as :func:`key_phrases` counts them: its words, in a row, in
    the review's title or text (normalised, within one clause); a review in another language
    than ``language`` (when given) does not count. For the phrase of a :func:`key_phrases` row
    and that row's language, the number of True values is the row's ``count``. (For many
    look-ups in the same reviews, a :class:`PhraseFinder` prepares them once.)

    Args:
        reviews: a review frame with ``title``, ``text`` (and ``language`` for ``language=``).
        phrase: one to three words (normalised as :func:`normalise`).
        language: only reviews in this language (a code such as ``"en"``); None for all.

    Returns:
        A boolean Series on ``reviews``' index.

    Raises:
        ConfigError: ``phrase`` has no word, or a needed column is missing.
    """
    return PhraseFinder(reviews).uses(phrase, language=language)


# --- arguments -----------------------------------------------------------------------------------
def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    allowed = f"an int >= {low}" if high is None else f"an int from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name} must be {allowed}, got {value!r}")
    if value < low or (high is not None and value > high):
        raise ConfigError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def _check_languages(languages: object) -> tuple[str, ...] | None:
    if languages is None:
        return None
    if isinstance(languages, str):
        return (languages,)
    if isinstance(languages, Iterable):
        chosen = tuple(languages)
        if chosen and all(isinstance(lang, str) for lang in chosen):
            return chosen
    raise ConfigError(
        f"languages must be None (all), a language code such as 'en' or a list of codes, "
        f"got {languages!r}"
    )


def _check_keep_words(words: object) -> frozenset[str]:
    if isinstance(words, str) or not isinstance(words, Iterable):
        raise ConfigError(
            f"keep_words must be a collection of words such as {{'great', 'not'}}, got {words!r}"
        )
    chosen = list(words)
    if not all(isinstance(word, str) for word in chosen):
        raise ConfigError(f"keep_words must hold only strings, got {chosen!r}")
    return frozenset(normalise(word) for word in chosen)


def _check_period(name: str, value: object) -> str:
    if value not in PERIODS:
        raise ConfigError(f"{name} must be one of {sorted(PERIODS)}, got {value!r}")
    return str(value)


def _language_groups(
    frame: pd.DataFrame, languages: tuple[str, ...] | None
) -> list[tuple[str | None, np.ndarray[Any, Any]]]:
    """(language, row positions) per language: most reviews first, then by code; NA last."""
    codes = frame["language"].astype(STRING_DTYPE)
    present = codes.dropna()
    sizes = present.value_counts()
    order = sorted(sizes.index, key=lambda lang: (-int(sizes[lang]), str(lang)))
    groups: list[tuple[str | None, np.ndarray[Any, Any]]] = []
    for lang in order:
        if languages is None or lang in languages:
            rows = np.flatnonzero((codes == lang).fillna(False).to_numpy(dtype=bool))
            groups.append((str(lang), rows))
    missing = np.flatnonzero(codes.isna().to_numpy())
    if missing.size and languages is None:
        groups.append((None, missing))
    return groups


# --- statistics ----------------------------------------------------------------------------------
def _log_odds(
    a: np.ndarray[Any, Any],
    n_a: np.ndarray[Any, Any] | float,
    b: np.ndarray[Any, Any],
    n_b: np.ndarray[Any, Any] | float,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Smoothed log odds ratio of "uses the phrase" in group A against group B, and its z-score.

    ``a`` of ``n_a`` reviews in A use the phrase, ``b`` of ``n_b`` in B. NaN where a group is
    empty.
    """
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    n_a = np.asarray(n_a, dtype="float64")
    n_b = np.asarray(n_b, dtype="float64")
    k = SMOOTHING
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.log((a + k) / (n_a - a + k)) - np.log((b + k) / (n_b - b + k))
        error = np.sqrt(1 / (a + k) + 1 / (n_a - a + k) + 1 / (b + k) + 1 / (n_b - b + k))
        z = ratio / error
    undefined = (n_a <= 0) | (n_b <= 0)
    ratio = np.where(undefined, np.nan, ratio)
    z = np.where(undefined, np.nan, z)
    return ratio, z


def _mean(total: np.ndarray[Any, Any], count: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _share(count: np.ndarray[Any, Any], total: float | np.ndarray[Any, Any]) -> Any:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(total) > 0, count / np.maximum(total, 1), np.nan)


def _overall(lang: str | None, uses: _Uses, stars: np.ndarray[Any, Any]) -> dict[str, Any]:
    """by=None: counts, shares, mean stars, low-vs-high association."""
    n_phrases = len(uses.texts)
    n_docs = len(stars)
    doc_stars = stars[uses.doc]
    rated = ~np.isnan(doc_stars)
    count = np.bincount(uses.phrase, minlength=n_phrases)
    rated_count = np.bincount(uses.phrase[rated], minlength=n_phrases)
    star_sum = np.bincount(uses.phrase[rated], weights=doc_stars[rated], minlength=n_phrases)
    low = np.isin(doc_stars, LOW_STARS)
    high = np.isin(doc_stars, HIGH_STARS)
    low_count = np.bincount(uses.phrase[low], minlength=n_phrases)
    high_count = np.bincount(uses.phrase[high], minlength=n_phrases)
    n_low = int(np.isin(stars, LOW_STARS).sum())
    n_high = int(np.isin(stars, HIGH_STARS).sum())
    log_odds, z = _log_odds(high_count, n_high, low_count, n_low)
    return {
        "language": [lang] * n_phrases,
        "phrase": uses.texts,
        "words": uses.words,
        "count": count,
        "share": _share(count, n_docs),
        "mean_stars": _mean(star_sum, rated_count),
        "low_count": low_count,
        "low_share": _share(low_count, n_low),
        "high_count": high_count,
        "high_share": _share(high_count, n_high),
        "log_odds": log_odds,
        "z_score": z,
    }


def _by_stars(
    lang: str | None, uses: _Uses, stars: np.ndarray[Any, Any], min_support: int
) -> dict[str, Any]:
    """by="stars": each star rating against the other ratings."""
    n_phrases = len(uses.texts)
    doc_stars = stars[uses.doc]
    rated = np.isin(doc_stars, [1, 2, 3, 4, 5])
    all_rated = np.bincount(uses.phrase[rated], minlength=n_phrases)
    n_rated = int(np.isin(stars, [1, 2, 3, 4, 5]).sum())
    parts: dict[str, list[Any]] = {name: [] for name in STAR_PHRASE_COLUMNS}
    for star in range(1, 6):
        mine = doc_stars == star
        count = np.bincount(uses.phrase[mine], minlength=n_phrases)
        n_star = int((stars == star).sum())
        rest = all_rated - count
        log_odds, z = _log_odds(count, n_star, rest, n_rated - n_star)
        keep = count >= min_support
        size = int(keep.sum())
        parts["language"].append([lang] * size)
        parts["stars"].append(np.full(size, star, dtype=np.int8))
        parts["phrase"].append(uses.texts[keep])
        parts["words"].append(uses.words[keep])
        parts["count"].append(count[keep])
        parts["share"].append(_share(count[keep], n_star))
        parts["rest_share"].append(_share(rest[keep], n_rated - n_star))
        parts["log_odds"].append(log_odds[keep])
        parts["z_score"].append(z[keep])
    return {name: np.concatenate([np.asarray(p, dtype=object) if name == "language" else p
                                  for p in values])
            for name, values in parts.items()}  # fmt: skip


def _by_period(
    lang: str | None,
    uses: _Uses,
    stars: np.ndarray[Any, Any],
    times: np.ndarray[Any, Any],
    freq: str,
    min_support: int,
) -> dict[str, Any]:
    """by=a period: each period against all the periods before it."""
    starts, period_of = _bins(times, freq)
    n_periods = len(starts)
    if n_periods == 0:
        return {name: [] for name in PERIOD_PHRASE_COLUMNS}
    dated = period_of >= 0
    reviews_in = np.bincount(period_of[dated], minlength=n_periods)
    reviews_before = np.concatenate([[0], np.cumsum(reviews_in)[:-1]])
    use_period = period_of[uses.doc]
    ok = use_period >= 0
    phrase = uses.phrase[ok]
    period = use_period[ok]
    doc_stars = stars[uses.doc][ok]
    table = pd.DataFrame(
        {
            "phrase": phrase,
            "period": period,
            "rated": ~np.isnan(doc_stars),
            "stars": np.nan_to_num(doc_stars, nan=0.0),
        }
    )
    grouped = table.groupby(["phrase", "period"], sort=True)
    counts = grouped.agg(
        count=("phrase", "size"), rated=("rated", "sum"), star_sum=("stars", "sum")
    ).reset_index()
    counts["before"] = counts.groupby("phrase")["count"].cumsum() - counts["count"]
    period_ids = counts["period"].to_numpy(dtype=np.int64)
    counts["n"] = reviews_in[period_ids]
    counts["n_before"] = reviews_before[period_ids]
    counts = counts[(counts["count"] >= min_support) & (counts["n_before"] > 0)]
    count = counts["count"].to_numpy(dtype=np.int64)
    before = counts["before"].to_numpy(dtype=np.int64)
    n_now = counts["n"].to_numpy(dtype=np.int64)
    n_before = counts["n_before"].to_numpy(dtype=np.int64)
    log_odds, z = _log_odds(count, n_now, before, n_before)
    ids = counts["phrase"].to_numpy(dtype=np.int64)
    return {
        "language": [lang] * len(counts),
        "period": starts[counts["period"].to_numpy(dtype=np.int64)],
        "phrase": uses.texts[ids],
        "words": uses.words[ids],
        "count": count,
        "share": _share(count, n_now),
        "before_count": before,
        "before_share": _share(before, n_before),
        "mean_stars": _mean(
            counts["star_sum"].to_numpy(dtype="float64"), counts["rated"].to_numpy(dtype="float64")
        ),
        "log_odds": log_odds,
        "z_score": z,
    }


# --- key phrases ---------------------------------------------------------------------------------
def key_phrases(
    reviews: pd.DataFrame,
    *,
    by: str | None = None,
    min_support: int = DEFAULT_MIN_SUPPORT,
    max_words: int = MAX_WORDS,
    languages: str | Sequence[str] | None = None,
    keep_words: Iterable[str] = (),
) -> pd.DataFrame:
    """The phrases of a set of reviews, per language, with how many reviews use them and how
    they lean (see the module docs for what a phrase is and how the association is measured).

    Args:
        reviews: a review frame with ``title``, ``text``, ``language`` and ``stars`` (and
            ``created_at`` for a period ``by``).
        by: None (all reviews; low against high ratings), ``"stars"`` (each rating against the
            others) or ``"week"``/``"month"``/``"quarter"`` (each period against the ones
            before it).
        min_support: the fewest reviews (of the language, and of the star rating or period for
            ``by``) that must use a phrase for it to be listed; at least 1.
        max_words: the longest phrase, 1 to 3 words.
        languages: only these languages (a code or a list of codes); None for all.
        keep_words: words that may start or end a phrase although their language's stop-word
            list has them; stopwords-iso's lists are long (English has "great", "good", "not"
            and "never"), so ``keep_words={"great", "not", "never"}`` keeps "great service"
            and "never arrived".

    Returns:
        One row per phrase and language (``by=None``), per phrase, language and star rating
        (``"stars"``) or per phrase, language and period (a period, from the second period on:
        the first has nothing before it). Columns (an empty result has them too):

        - ``by=None``: ``language``, ``phrase``, ``words`` (int8), ``count`` (reviews using it),
          ``share`` (of the language's reviews), ``mean_stars`` (of the reviews using it),
          ``low_count``/``low_share`` and ``high_count``/``high_share`` (reviews of 1-2 and of
          4-5 stars using it, and their share of all 1-2 and 4-5 star reviews), ``log_odds``
          (high against low: > 0 leans to high ratings) and ``z_score``; sorted by language
          (most reviews first), then ``count`` (descending) and ``phrase``.
        - ``by="stars"``: ``language``, ``stars``, ``phrase``, ``words``, ``count``, ``share``
          (of that rating's reviews), ``rest_share`` (of the other ratings' reviews),
          ``log_odds``, ``z_score`` (that rating against the others); sorted by language,
          ``stars``, then the strongest lean (``log_odds`` descending, then ``count``, the
          longer phrase, ``phrase``).
        - a period: ``language``, ``period`` (UTC start), ``phrase``, ``words``, ``count``,
          ``share`` (of the period's reviews), ``before_count``/``before_share`` (in all the
          periods before), ``mean_stars`` (of the period's reviews using it), ``log_odds``
          (the rise: > 0 more common than before) and ``z_score``; sorted by language,
          ``period``, then the strongest rise (as for ``"stars"``). What rose lately, without
          repeats: ``top_phrases(df, side="high")``.

    Raises:
        ConfigError: ``by``, ``min_support``, ``max_words``, ``languages`` or ``keep_words`` is
            not allowed, or a needed column is missing.
    """
    if by is not None and by not in BY_CHOICES:
        raise ConfigError(f"by must be None or one of {list(BY_CHOICES)}, got {by!r}")
    min_support = _check_int("min_support", min_support, 1)
    max_words = _check_int("max_words", max_words, 1, MAX_WORDS)
    chosen = _check_languages(languages)
    keep = _check_keep_words(keep_words)
    needed = ("title", "text", "language", "stars") + (("created_at",) if by in PERIODS else ())
    frame = _check_frame(reviews, needed)
    columns = (
        KEY_PHRASE_COLUMNS
        if by is None
        else STAR_PHRASE_COLUMNS
        if by == "stars"
        else PERIOD_PHRASE_COLUMNS
    )
    stars = _stars(frame)
    times = _times(frame, "created_at") if by in PERIODS else None
    documents = _documents(frame)
    pieces: list[pd.DataFrame] = []
    for lang, rows in _language_groups(frame, chosen):
        uses = _phrase_uses(
            [documents[i] for i in rows], stop_words(lang or "") - keep, max_words, min_support
        )
        group_stars = stars[rows]
        if by is None:
            data = _overall(lang, uses, group_stars)
        elif by == "stars":
            data = _by_stars(lang, uses, group_stars, min_support)
        else:
            assert times is not None
            data = _by_period(lang, uses, group_stars, times[rows], PERIODS[by], min_support)
        if len(data["phrase"]):
            pieces.append(_typed(data, columns))
    if not pieces:
        return _empty(columns)
    out = pd.concat(pieces, ignore_index=True)
    if by is None:
        out = _sorted(out, ["count", "phrase"], [False, True])
    elif by == "stars":
        out = _sorted(out, ["stars", *_STRONGEST], [True, *_STRONGEST_ASCENDING])
    else:
        out = _sorted(out, ["period", *_STRONGEST], [True, *_STRONGEST_ASCENDING])
    return out.reset_index(drop=True)


# strongest lean first; among equals the phrase more reviews use, then the longer phrase (it says
# more: "start to finish" before "start"), then alphabetical
_STRONGEST = ["log_odds", "count", "words", "phrase"]
_STRONGEST_ASCENDING = [False, False, False, True]


def _sorted(frame: pd.DataFrame, keys: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Sort within each language (the languages keep their order), stably, with tie-breaks."""
    order = pd.Series(pd.factorize(frame["language"].fillna("\uffff"))[0], index=frame.index)
    frame = frame.assign(_language_order=order)
    frame = frame.sort_values(
        ["_language_order", *keys], ascending=[True, *ascending], kind="mergesort"
    )
    return frame.drop(columns="_language_order")


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def _content_words(phrase: str, stops: frozenset[str]) -> set[str]:
    return {word for word in phrase.split(" ") if word not in stops}


def _distinct(phrases: Iterable[str], limit: int, stops: frozenset[str]) -> list[str]:
    """The first ``limit`` phrases, skipping any that shares a word (other than a stop word)
    with one taken: of "writing this review", "review to warn" and "warn other customers"
    only the first is kept."""
    taken: list[str] = []
    seen: set[str] = set()
    for phrase in phrases:
        if len(taken) >= limit:
            break
        words = _content_words(phrase, stops)
        if words & seen:
            continue
        taken.append(phrase)
        seen |= words
    return taken


def _label_phrases(phrases: Iterable[str], limit: int, stops: frozenset[str]) -> list[str]:
    """Like :func:`_distinct`, but a longer phrase replaces the one phrase it contains (a topic
    whose top phrases are "customer", "solved", "customer service" reads "customer service ·
    solved")."""
    taken: list[str] = []
    for phrase in phrases:
        words = _content_words(phrase, stops)
        sharing = [i for i, other in enumerate(taken) if words & _content_words(other, stops)]
        if len(sharing) == 1 and _contains(phrase, taken[sharing[0]]):
            taken[sharing[0]] = phrase
        elif not sharing and len(taken) < limit:
            taken.append(phrase)
    return taken


def top_phrases(
    phrases: pd.DataFrame,
    *,
    side: str = "low",
    n: int = 8,
    min_z: float = DEFAULT_MIN_Z,
    language: str | None = None,
    stars: int | None = None,
    period: str | datetime | pd.Timestamp | None = None,
    distinct: bool = True,
) -> pd.DataFrame:
    """The phrases that lean most one way, from a :func:`key_phrases` frame.

    What "leaning" means follows the frame's ``by``:

    - ``by=None``: ``side="low"`` picks the phrases of 1-2 star reviews, ``"high"`` of 4-5 stars;
    - ``by="stars"``: ``"high"`` picks the phrases more common in the ``stars``-star reviews than
      in the others, ``"low"`` the less common ones;
    - a period: ``"high"`` picks what rose in ``period`` against the periods before, ``"low"``
      what fell.

    Args:
        phrases: the result of :func:`key_phrases`.
        side: ``"low"`` or ``"high"``.
        n: at most this many phrases.
        min_z: leave out phrases whose ``|z_score|`` is below this (weak or noisy leans).
        language: the language to take them from; None for the frame's first (the language
            with the most reviews).
        stars: the star rating, for a ``by="stars"`` frame (required there, refused elsewhere).
        period: the period (its start), for a period frame; None for the latest one.
        distinct: skip a phrase that shares a word (other than a stop word) with one already
            taken, so "delivery", "delivery was late" and "late delivery" do not all fill the
            list (the strongest of them stays).

    Returns:
        The chosen rows of ``phrases``, strongest lean first (``log_odds``, then ``count``, then
        the longer phrase, then alphabetical).

    Raises:
        ConfigError: ``phrases`` is not a key_phrases frame, or an argument is not allowed.
    """
    kinds = (
        ("period", PERIOD_PHRASE_COLUMNS),
        ("stars", STAR_PHRASE_COLUMNS),
        (None, KEY_PHRASE_COLUMNS),
    )
    kind = next(
        (
            (name, columns)
            for name, columns in kinds
            if isinstance(phrases, pd.DataFrame) and list(phrases.columns) == list(columns)
        ),
        None,
    )
    if kind is None:
        raise ConfigError(
            "phrases must be a frame key_phrases(reviews, by=...) returns, with the columns "
            f"{list(KEY_PHRASE_COLUMNS)} (by=None), {list(STAR_PHRASE_COLUMNS)} (by='stars') or "
            f"{list(PERIOD_PHRASE_COLUMNS)} (a period)"
        )
    if side not in ("low", "high"):
        raise ConfigError(f"side must be 'low' or 'high', got {side!r}")
    n = _check_int("n", n, 1)
    if isinstance(min_z, bool) or not isinstance(min_z, (int, float)) or min_z < 0:
        raise ConfigError(f"min_z must be a number >= 0, got {min_z!r}")
    if language is None:
        codes = phrases["language"].fillna("")
        rows = phrases[codes == codes.iloc[0]] if len(phrases) else phrases
    else:
        rows = phrases[(phrases["language"] == language).fillna(False)]
    if kind[0] == "stars":
        if isinstance(stars, bool) or stars not in (1, 2, 3, 4, 5):
            raise ConfigError(
                f"stars must be 1..5 for a key_phrases(by='stars') frame, got {stars!r}"
            )
        rows = rows[rows["stars"] == stars]
    elif stars is not None:
        raise ConfigError("stars= is only for a key_phrases(by='stars') frame")
    if kind[0] == "period":
        if period is None:
            when = rows["period"].max() if len(rows) else None
        else:
            try:
                when = parse_timestamp(period) if isinstance(period, (str, datetime)) else None
            except ValueError:
                when = None
            if when is None:
                raise ConfigError(
                    f"period must be a timestamp such as '2025-01-01' (a period's start), "
                    f"got {period!r}"
                )
        rows = rows[rows["period"] == when] if when is not None else rows
    elif period is not None:
        raise ConfigError("period= is only for a frame of key_phrases(by='week'/'month'/'quarter')")
    sign = 1.0 if side == "high" else -1.0
    rows = rows.assign(_lean=sign * rows["log_odds"])
    rows = rows[(rows["_lean"] > 0) & (sign * rows["z_score"] >= min_z)]
    rows = rows.sort_values(
        ["_lean", "count", "words", "phrase"],
        ascending=[False, False, False, True],
        kind="mergesort",
    )
    stops = stop_words(str(rows["language"].iloc[0])) if len(rows) else frozenset()
    picked = (
        _distinct(rows["phrase"].tolist(), n, stops) if distinct else rows["phrase"].tolist()[:n]
    )
    rows = rows[rows["phrase"].isin(picked)].drop(columns="_lean")
    return rows.head(n)


# --- topics --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicGroups:
    """Topic groups of one language's reviews (the result of :func:`topic_groups`).

    Attributes:
        language: the language the topics were found in.
        period: the period word of ``over_time`` ("week", "month" or "quarter").
        topics: one row per topic, largest first: ``topic`` (0, 1, ...), ``label`` (its top 2-3
            distinct phrases, joined by " · "), ``phrases`` (its top phrases, comma-separated),
            ``reviews`` (assigned to it), ``share`` (of the language's reviews) and
            ``mean_stars``.
        assignments: one row per review of the language: ``id``, ``topic`` (its strongest
            topic; NA for a review with none of the topics' phrases) and ``weight`` (that
            topic's part of the review's topic weights, 0..1).
        over_time: one row per period and topic: ``period`` (UTC start), ``topic``, ``reviews``,
            ``share`` (of the period's reviews in the language) and ``mean_stars``.
    """

    language: str | None
    period: str
    topics: pd.DataFrame
    assignments: pd.DataFrame
    over_time: pd.DataFrame

    def labels(self) -> dict[int, str]:
        """Topic number -> label."""
        return {
            int(topic): str(label)
            for topic, label in zip(self.topics["topic"], self.topics["label"], strict=True)
        }


def _most_common_language(frame: pd.DataFrame) -> str | None:
    groups = _language_groups(frame, None)
    return groups[0][0] if groups else None


def topic_groups(
    reviews: pd.DataFrame,
    *,
    n_topics: int = 6,
    language: str | None = None,
    period: str = "quarter",
    seed: int = 0,
    min_support: int = DEFAULT_MIN_SUPPORT,
    max_words: int = 2,
    keep_words: Iterable[str] = (),
) -> TopicGroups:
    """Group one language's reviews into topics: NMF of the TF-IDF matrix of their phrases.

    The phrases (as in :func:`key_phrases`, used by ``min_support`` reviews or more) make a
    binary review-by-phrase matrix, weighted by scikit-learn's ``TfidfTransformer`` (smoothed
    IDF, rows L2-normalised) and factorised by ``NMF(init="nndsvda", random_state=seed)``. Each
    review goes to its strongest topic. Reviews are put in ``id`` order first, so the input's row
    order does not change the topics; the same seed gives the same topics.

    Args:
        reviews: a review frame with ``id``, ``title``, ``text``, ``language``, ``stars`` and
            ``created_at``.
        n_topics: how many topics, 2 to 30 (fewer when there are fewer reviews or phrases).
        language: the language to group; None for the language with the most reviews.
        period: the bins of ``over_time``: ``"week"``, ``"month"`` or ``"quarter"``.
        seed: the random seed of the factorisation.
        min_support: the fewest reviews a phrase must be used by to count, at least 1.
        max_words: the longest phrase, 1 to 3 words.
        keep_words: words that may edge a phrase although they are stop words (as in
            :func:`key_phrases`).

    Returns:
        A :class:`TopicGroups`; its frames are empty (with their columns) when there are no
        reviews in the language or no phrase reaches ``min_support``.

    Raises:
        ConfigError: an argument is not allowed, or a needed column is missing.
    """
    n_topics = _check_int("n_topics", n_topics, 2, 30)
    period = _check_period("period", period)
    seed = _check_int("seed", seed, 0)
    min_support = _check_int("min_support", min_support, 1)
    max_words = _check_int("max_words", max_words, 1, MAX_WORDS)
    keep = _check_keep_words(keep_words)
    if language is not None and not isinstance(language, str):
        raise ConfigError(
            f"language must be a language code such as 'en' or None, got {language!r}"
        )
    frame = _check_frame(reviews, ("id", "title", "text", "language", "stars", "created_at"))
    if language is None:
        language = _most_common_language(frame)
    codes = frame["language"].astype(STRING_DTYPE)
    mine = frame[(codes.isna() if language is None else codes == language).fillna(False).to_numpy()]
    mine = mine.assign(_id=mine["id"].astype(STRING_DTYPE).fillna(""))
    mine = mine.sort_values("_id", kind="mergesort")
    empty = TopicGroups(
        language, period, _empty(TOPIC_COLUMNS), _empty(ASSIGNMENT_COLUMNS),
        _empty(TOPIC_PERIOD_COLUMNS),
    )  # fmt: skip
    if mine.empty:
        return empty
    stops = stop_words(language or "") - keep
    uses = _phrase_uses(_documents(mine), stops, max_words, min_support)
    n_docs, n_phrases = len(mine), len(uses.texts)
    n_components = min(n_topics, n_docs, n_phrases)
    if n_components < 1:
        return empty
    weights, loadings = _factorise(uses, n_docs, n_phrases, n_components, seed)

    strongest = weights.argmax(axis=1)
    total = weights.sum(axis=1)
    has_topic = total > 0
    # topics numbered by size (largest first), ties by their top phrase
    alphabetical = np.argsort(np.argsort(uses.texts.astype(str), kind="stable"), kind="stable")
    top_words = [
        [str(phrase) for phrase in uses.texts[np.lexsort((alphabetical, -loadings[t]))[:12]]]
        for t in range(n_components)
    ]
    sizes = np.bincount(strongest[has_topic], minlength=n_components)
    order = sorted(range(n_components), key=lambda t: (-int(sizes[t]), top_words[t][0]))
    renumber = np.empty(n_components, dtype=np.int64)
    renumber[order] = np.arange(n_components)

    stars = _stars(mine)
    topic = np.where(has_topic, renumber[strongest], -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(has_topic, weights.max(axis=1) / np.where(has_topic, total, 1), 0.0)
    assignments = pd.DataFrame(
        {
            "id": mine["id"].astype(STRING_DTYPE).to_numpy(),
            "topic": pd.array(np.where(has_topic, topic, 0), dtype="Int64"),
            "weight": weight.astype("float64"),
        }
    )
    assignments.loc[~has_topic, "topic"] = pd.NA
    assignments = assignments.astype(ASSIGNMENT_COLUMNS).reset_index(drop=True)

    rows = []
    for number, t in enumerate(order):
        in_topic = topic == number
        rated = in_topic & ~np.isnan(stars)
        rows.append(
            {
                "topic": number,
                "label": " · ".join(_label_phrases(top_words[t], 3, stops)),
                "phrases": ", ".join(_label_phrases(top_words[t], 8, stops)),
                "reviews": int(in_topic.sum()),
                "share": float(in_topic.sum()) / n_docs,
                "mean_stars": float(stars[rated].mean()) if rated.any() else np.nan,
            }
        )
    topics = _typed({name: [row[name] for row in rows] for name in TOPIC_COLUMNS}, TOPIC_COLUMNS)
    over_time = _topics_over_time(topic, stars, _times(mine, "created_at"), PERIODS[period])
    return TopicGroups(language, period, topics, assignments, over_time)


def _factorise(
    uses: _Uses, n_docs: int, n_phrases: int, n_components: int, seed: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """NMF of the TF-IDF weighted review-by-phrase matrix: (review weights, topic loadings)."""
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = csr_matrix(
        (np.ones(len(uses.doc), dtype="float64"), (uses.doc, uses.phrase)),
        shape=(n_docs, n_phrases),
    )
    tfidf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True).fit_transform(counts)
    model = NMF(n_components=n_components, init="nndsvda", random_state=seed, max_iter=400)
    with warnings.catch_warnings():
        # stopping at max_iter still gives usable topics; a notebook should not show the warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(tfidf)
    return np.asarray(weights, dtype="float64"), np.asarray(model.components_, dtype="float64")


def _topics_over_time(
    topic: np.ndarray[Any, Any], stars: np.ndarray[Any, Any], times: np.ndarray[Any, Any], freq: str
) -> pd.DataFrame:
    starts, period_of = _bins(times, freq)
    if len(starts) == 0:
        return _empty(TOPIC_PERIOD_COLUMNS)
    n_periods = len(starts)
    n_topics = int(topic.max()) + 1 if topic.size else 0
    dated = period_of >= 0
    reviews_in = np.bincount(period_of[dated], minlength=n_periods)
    data: dict[str, list[Any]] = {name: [] for name in TOPIC_PERIOD_COLUMNS}
    for number in range(n_topics):
        mine = dated & (topic == number)
        rated = mine & ~np.isnan(stars)
        count = np.bincount(period_of[mine], minlength=n_periods)
        rated_count = np.bincount(period_of[rated], minlength=n_periods)
        star_sum = np.bincount(period_of[rated], weights=stars[rated], minlength=n_periods)
        data["period"].append(starts)
        data["topic"].append(np.full(n_periods, number, dtype=np.int64))
        data["reviews"].append(count)
        data["share"].append(_share(count, reviews_in))
        data["mean_stars"].append(_mean(star_sum, rated_count))
    if not data["topic"]:
        return _empty(TOPIC_PERIOD_COLUMNS)
    micros = np.concatenate([np.asarray(p.asi8) for p in data["period"]])
    joined: dict[str, Any] = {
        name: np.concatenate(data[name]) for name in ("topic", "reviews", "share", "mean_stars")
    }
    joined["period"] = pd.DatetimeIndex(micros.astype("datetime64[us]")).tz_localize("UTC")
    return _typed(joined, TOPIC_PERIOD_COLUMNS)
