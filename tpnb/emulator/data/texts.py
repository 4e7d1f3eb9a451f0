"""Review titles, texts and company replies composed from the phrase banks.

A text's sentiment follows its stars (1-2 negative, 3 mixed, 4-5 positive). What it is about is
its *topic plan* (:func:`plan_topics`): none, one or two of its business unit's sector topics
(:data:`~.specs.SECTOR_TOPICS`), drawn with the sector's complaint weights for a negative review
and its praise weights for a positive one, bent by the data set's stories (the incident's billing
errors and outages, Pennant Bank's unanswered complaints before it replied). The plan is the
generator's ground truth of what a review is about (:meth:`~.reviews.Reviews.topics_of`); the API
never serves it.

Everything is chosen by 64-bit hashes of the seed and the review's row, so texts are not stored and
cost no random draw (the data set's other columns do not depend on them). Noise, as in real
reviews: some texts name no topic, a second topic is sometimes any of the unit's topics, a
positive review may mention a small annoyance, and a few texts are written in lower case.
"""

from __future__ import annotations

from tpnb.emulator.data import specs
from tpnb.emulator.data.ids import mix64
from tpnb.emulator.data.phrases import BANKS

NO_TOPIC = 0.08  # share of texts that name no topic at all
SECOND_TOPIC = 0.35  # share of texts that name a second topic
RANDOM_SECOND = 0.3  # of those, the share whose second topic ignores the weights
ANNOYANCE = 0.15  # of positive texts with two topics, the share whose second is a mild complaint
LOWER_CASE = 0.04  # share of texts written all in lower case
_TOPIC_SALT = 0x5DEECE66D
_INCIDENT_START = int(specs.INCIDENT_START.timestamp())
_INCIDENT_END = int(specs.INCIDENT_END.timestamp())
_REPLY_START = int(specs.REPLY_START.timestamp())


def sentiment(stars: int) -> int:
    """0 negative (1-2 stars), 1 mixed (3), 2 positive (4-5)."""
    return 0 if stars <= 2 else (1 if stars == 3 else 2)


def _unit_draw(h: int, part: int) -> float:
    """A number in [0, 1) from the 16-bit slice ``part`` (0-3) of ``h``."""
    return ((h >> (16 * part)) & 0xFFFF) / 65536.0


def _weighted(topics: specs.Weights, weights: list[float], u: float) -> str:
    target = u * sum(weights)
    for (name, _low, _high), weight in zip(topics, weights, strict=True):
        if target < weight:
            return name
        target -= weight
    return topics[-1][0]


def _weights(topics: specs.Weights, s: int, domain: str, created_s: int) -> list[float]:
    weights = [low if s == 0 else high if s == 2 else (low + high) / 2 for _n, low, high in topics]
    if s == 0 and domain == specs.REPLY_START_UNIT and created_s < _REPLY_START:
        weights = [
            w * specs.UNANSWERED_BOOST if name == specs.UNANSWERED_TOPIC else w
            for (name, _low, _high), w in zip(topics, weights, strict=True)
        ]
    return weights


def plan_topics(
    topics: specs.Weights, stars: int, created_s: int, domain: str, h: int
) -> tuple[str, ...]:
    """The topics a generated review names, in order (at most two; see the module docs).

    Args:
        topics: the unit's sector topics with their complaint and praise weights.
        stars: the review's rating.
        created_s: when it was written (epoch seconds): the stories depend on it.
        domain: the unit's domain (the stories belong to units).
        h: the review's 64-bit text hash.
    """
    g = mix64(h ^ _TOPIC_SALT)
    if _unit_draw(g, 0) < NO_TOPIC:
        return ()
    s = sentiment(stars)
    weights = _weights(topics, s, domain, created_s)
    first = _weighted(topics, weights, _unit_draw(g, 1))
    if s == 0 and domain == specs.INCIDENT_UNIT and _INCIDENT_START <= created_s < _INCIDENT_END:
        u = _unit_draw(g, 3)
        for name, share in specs.INCIDENT_TOPICS:
            if u < share:
                first = name
                break
            u -= share
    if _unit_draw(g, 2) >= SECOND_TOPIC:
        return (first,)
    g2 = mix64(g)
    if _unit_draw(g2, 0) < RANDOM_SECOND:
        second = topics[int(_unit_draw(g2, 1) * len(topics))][0]
    else:
        second = _weighted(topics, weights, _unit_draw(g2, 1))
    return (first,) if second == first else (first, second)


def compose_review(language: str, stars: int, topics: tuple[str, ...], h: int) -> tuple[str, str]:
    """A (title, text) whose sentiment matches ``stars``, naming ``topics`` (a
    :func:`plan_topics` plan), its wording chosen by the 64-bit hash ``h``."""
    bank = BANKS[language]
    s = sentiment(stars)
    title = bank[f"t{s}"][h % len(bank[f"t{s}"])]
    parts = [bank[f"o{s}"][(h >> 8) % len(bank[f"o{s}"])]]
    if len(topics) == 2 and s == 1:  # mixed: one good thing, one bad thing
        parts += [bank[topics[0]][2], bank[topics[1]][0]]
    elif topics:
        parts.append(bank[topics[0]][s])
        if len(topics) == 2:
            annoyed = s == 2 and _unit_draw(mix64(h), 0) < ANNOYANCE
            parts.append(bank[topics[1]][1 if annoyed else s])
    if (h >> 40) % 4 != 0 or not topics:
        parts.append(bank[f"c{s}"][(h >> 44) % len(bank[f"c{s}"])])
    text = " ".join(parts)
    if _unit_draw(mix64(h), 1) < LOWER_CASE:
        text = text.lower()
    return title, text


def compose_reply(language: str, stars: int, h: int, name: str, company: str, domain: str) -> str:
    """A company reply in ``language`` fitting the review's sentiment."""
    options = BANKS[language][f"r{sentiment(stars)}"]
    return options[(h >> 48) % len(options)].format(name=name, company=company, domain=domain)
