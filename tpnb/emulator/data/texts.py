"""Review titles, texts and company replies composed from the phrase banks (:mod:`~.phrases`).

A text's sentiment follows its stars (1-2 negative, 3 mixed, 4-5 positive); which phrases, and
which of its business unit's topics it names, is chosen by a 64-bit hash of the seed and the
review's row, so texts are not stored and cost no random draw.
"""

from __future__ import annotations

from tpnb.emulator.data.phrases import BANKS


def sentiment(stars: int) -> int:
    """0 negative (1-2 stars), 1 mixed (3), 2 positive (4-5)."""
    return 0 if stars <= 2 else (1 if stars == 3 else 2)


def compose_review(language: str, stars: int, topics: tuple[str, ...], h: int) -> tuple[str, str]:
    """A (title, text) whose sentiment matches ``stars``, chosen by the 64-bit hash ``h``."""
    bank = BANKS[language]
    s = sentiment(stars)
    title = bank[f"t{s}"][h % len(bank[f"t{s}"])]
    parts = [bank[f"o{s}"][(h >> 8) % len(bank[f"o{s}"])]]
    first = topics[(h >> 16) % len(topics)]
    second = topics[(h >> 24) % len(topics)]
    if s == 1 and first != second:  # mixed: one good thing, one bad thing
        parts += [bank[first][2], bank[second][0]]
    else:
        parts.append(bank[first][s])
        if first != second and (h >> 32) % 3 == 0:
            parts.append(bank[second][s])
    if (h >> 40) % 4 != 0:
        parts.append(bank[f"c{s}"][(h >> 44) % len(bank[f"c{s}"])])
    return title, " ".join(parts)


def compose_reply(language: str, stars: int, h: int, name: str, company: str, domain: str) -> str:
    """A company reply in ``language`` fitting the review's sentiment."""
    options = BANKS[language][f"r{sentiment(stars)}"]
    return options[(h >> 48) % len(options)].format(name=name, company=company, domain=domain)
