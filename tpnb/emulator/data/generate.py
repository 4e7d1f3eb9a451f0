"""Vectorised generation of the data set's reviews, consumers and product reviews.

Every random draw comes from one ``numpy.random.Generator(PCG64(seed))`` in a fixed order, so the
same seed gives the same columns. The rows of one business unit are contiguous and sorted by
``created`` (strictly increasing within a unit), which gives the per-unit index for free.
Review text is not stored: titles and texts are rendered from phrase banks on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data import specs as U

Array = npt.NDArray[Any]
DAY = 86400

# dtype and fill value of every review column (the fill is used for appended rows' defaults)
REVIEW_COLUMNS: dict[str, tuple[type[np.generic], int]] = {
    "bu": (np.int16, -1),
    "consumer": (np.int32, -1),
    "created": (np.int64, 0),
    "experienced": (np.int64, 0),
    "updated": (np.int64, -1),
    "stars": (np.int8, 0),
    "lang": (np.int8, 0),
    "source": (np.int8, 0),
    "level": (np.int8, 0),  # 0 notVerified, 1 verified, 2 invited
    "reply_at": (np.int64, -1),
    "reply_upd": (np.int64, -1),
    "reply_author": (np.int16, -1),
    "likes": (np.int16, 0),
    "location": (np.int16, -1),
    "tagset": (np.int16, -1),  # index into TAG_SETS; -1 none; -2 custom (override dict)
    "reported": (np.int8, -1),  # index into REPORT_REASONS; -1 not reported
    "ref_num": (np.int64, -1),
    "find_state": (np.int8, 0),  # 0 not contacted, 1 contacted (pending), 2 contacted (answered)
    "deleted": (np.bool_, 0),
}
LEVELS = ("notVerified", "verified", "invited")
DIURNAL = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.8, 4, 4.2, 4, 3.8, 3.8, 4, 4.3, 4.8,
                    5.2, 5.5, 5, 3.5, 2], dtype=np.float64)  # fmt: skip
DIURNAL /= DIURNAL.sum()
DIURNAL_CDF = np.cumsum(DIURNAL)
DIURNAL_CDF[-1] = 1.0
INVITED_SHIFT = np.array([0.45, 0.6, 0.85, 1.1, 1.35])
NEIGHBOUR = {"DK": "sv", "SE": "da", "DE": "nl", "NL": "de", "FR": "es", "ES": "fr", "IT": "fr",
             "PL": "de", "GB": "pl", "US": "es"}  # fmt: skip


@dataclass
class Generated:
    """The generated columns: reviews, consumers, product reviews and per-unit offsets."""

    reviews: dict[str, Array]
    offsets: npt.NDArray[np.int64]  # unit u's rows are offsets[u]:offsets[u+1]
    consumers: dict[str, Array]
    product_reviews: dict[str, Array]


def epoch(moment: datetime) -> int:
    """Epoch seconds of an aware datetime."""
    return int(moment.timestamp())


def _language_probs(spec: U.UnitSpec) -> npt.NDArray[np.float64]:
    probs = np.zeros(len(U.LANGUAGES))
    primary = U.COUNTRY_LANGUAGE[spec.country]
    neighbour = NEIGHBOUR[spec.country]
    if primary == "en":
        probs[U.LANGUAGES.index("en")] = 0.96
    else:
        probs[U.LANGUAGES.index(primary)] = 0.88
        probs[U.LANGUAGES.index("en")] = 0.09
    probs[U.LANGUAGES.index(neighbour)] += 1.0 - probs.sum()
    return probs


def _timestamps(rng: np.random.Generator, spec: U.UnitSpec, n: int, now_s: int) -> Array:
    start = epoch(datetime(*spec.since, 1, tzinfo=U.UTC))
    end = now_s - 2 * 3600
    days = np.arange(start // DAY, end // DAY)
    years = (days - days[0]) / 365.25
    intensity = spec.growth**years
    if spec.seasonal:
        d64 = days.astype("datetime64[D]")
        month = d64.astype("datetime64[M]").astype(np.int64) % 12 + 1
        dom = (d64 - d64.astype("datetime64[M]")).astype(np.int64) + 1
        bump = 0.35 * (month == 11) + 0.6 * ((month == 12) & (dom <= 24)) + 0.15 * (month == 1)
        bump = bump + 0.9 * ((month == 11) & (dom >= 22))
        intensity = intensity * (1.0 + spec.seasonal * bump)
    weeks = (days - days[0]) // 7
    intensity = intensity * np.exp(rng.normal(0.0, 0.15, int(weeks[-1]) + 1))[weeks]
    if spec.domain == U.INCIDENT_UNIT:
        window = (days * DAY >= epoch(U.INCIDENT_START)) & (days * DAY < epoch(U.INCIDENT_END))
        intensity = np.where(window, intensity * 3.0, intensity)
    per_day = rng.multinomial(n, intensity / intensity.sum())
    hour = np.searchsorted(DIURNAL_CDF, rng.random(n), side="right")
    second = np.repeat(days * DAY, per_day) + hour * 3600 + rng.integers(0, 3600, n)
    created = np.sort(second, kind="stable")  # already sorted by day: cheap
    steps = np.arange(n, dtype=np.int64)
    return np.maximum.accumulate(created - steps) + steps  # strictly increasing


def _stars(rng: np.random.Generator, spec: U.UnitSpec, invited: Array, incident: Array) -> Array:
    base = np.array(U.PROFILES[spec.profile])
    inv = base * INVITED_SHIFT
    bad = np.array(U.PROFILES["incident"])
    table = np.stack([base, inv / inv.sum(), bad, bad])
    cdf = np.cumsum(table, axis=1)
    kind = invited.astype(np.int64) + 2 * incident.astype(np.int64)
    draws = rng.random(invited.size)
    stars: Array = (1 + (draws[:, None] > cdf[kind]).sum(axis=1)).astype(np.int8)
    return stars


def _unit_reviews(
    rng: np.random.Generator, u: int, n: int, now_s: int, loc_offset: int, authors: Array
) -> dict[str, Array]:
    spec = U.UNITS[u]
    created = _timestamps(rng, spec, n, now_s)
    invited = rng.random(n) < spec.invited
    incident = np.zeros(n, dtype=bool)
    if spec.domain == U.INCIDENT_UNIT:
        incident = (created >= epoch(U.INCIDENT_START)) & (created < epoch(U.INCIDENT_END))
    stars = _stars(rng, spec, invited, incident)
    lang = rng.choice(len(U.LANGUAGES), size=n, p=_language_probs(spec)).astype(np.int8)
    source = np.where(invited, rng.choice([1, 2, 3, 4], size=n, p=[0.45, 0.3, 0.15, 0.1]), 0)
    level = np.where(invited, 2, np.where(rng.random(n) < 0.07, 1, 0))
    # company replies: negative reviews get more, with a log-normal delay of hours to days
    rate = spec.reply_rate * np.where(stars <= 2, 1.15, np.where(stars == 3, 1.0, 0.85))
    if spec.domain == U.REPLY_START_UNIT:
        rate = np.where(created >= epoch(U.REPLY_START), rate, 0.0)
    delay = np.maximum(rng.lognormal(np.log(spec.reply_hours * 3600), 0.9, n), 1200).astype(
        np.int64
    )
    reply_at = created + delay
    has_reply = (rng.random(n) < np.minimum(rate, 0.98)) & (reply_at < now_s - 60)
    reply_upd = reply_at + rng.integers(3600, 20 * DAY, n)
    reply_upd = np.where(has_reply & (rng.random(n) < 0.04) & (reply_upd < now_s), reply_upd, -1)
    reply_author = np.where(has_reply, authors[rng.integers(0, authors.size, n)], -1)
    updated = created + rng.integers(3600, 30 * DAY, n)
    updated = np.where((rng.random(n) < 0.04) & (updated < now_s), updated, -1)
    experienced = (created // DAY - rng.geometric(0.25, n) + 1) * DAY
    likes = np.where(rng.random(n) < 0.18, rng.geometric(0.45, n), 0)
    location = np.full(n, -1, dtype=np.int64)
    if spec.locations:
        k = len(spec.locations)
        weights = np.linspace(2.0, 1.0, k)
        pick = rng.choice(k, size=n, p=weights / weights.sum()) + loc_offset
        location = np.where(rng.random(n) < 0.65, pick, -1)
    tagset = np.full(n, -1, dtype=np.int64)
    if spec.tags:
        pick = rng.choice(len(U.TAG_SETS), size=n, p=[0.4, 0.15, 0.2, 0.1, 0.1, 0.05])
        tagset = np.where(rng.random(n) < 0.6, pick, -1)
        tagset = np.where((tagset == 5) & (stars > 2), 0, tagset)  # escalations are complaints
    report_p = np.where(stars <= 2, 0.012, 0.0015)
    reported = np.where(rng.random(n) < report_p, rng.integers(0, len(U.REPORT_REASONS), n), -1)
    ref_num = 100_000 + np.cumsum(rng.integers(1, 40, n))
    ref_num = np.where(invited, ref_num, -1)
    draw = rng.random(n)
    find_state = np.where(invited, 0, np.where(draw < 0.03, 1, np.where(draw < 0.045, 2, 0)))
    return {
        "bu": np.full(n, u), "created": created, "experienced": experienced,
        "updated": updated, "stars": stars, "lang": lang, "source": source, "level": level,
        "reply_at": np.where(has_reply, reply_at, -1), "reply_upd": reply_upd,
        "reply_author": reply_author, "likes": likes, "location": location, "tagset": tagset,
        "reported": reported, "ref_num": ref_num, "find_state": find_state,
    }  # fmt: skip


def _consumers(
    rng: np.random.Generator, cols: dict[str, Array], us_units: Array
) -> dict[str, Array]:
    """Assign a consumer to every review: most write once, a pool per language writes several."""
    lang = cols["lang"]
    total = lang.size
    repeat = rng.random(total) < 0.14
    consumer = np.full(total, -1, dtype=np.int64)
    pool_lang: list[Array] = []
    start = 0
    draws = rng.random(total)
    for code in range(len(U.LANGUAGES)):
        in_lang = lang == code
        size = max(1, int(0.035 * int(in_lang.sum())))
        pick = repeat & in_lang
        consumer[pick] = start + (size * draws[pick] ** 1.8).astype(np.int64)
        pool_lang.append(np.full(size, code))
        start += size
    single = ~repeat
    consumer[single] = start + np.arange(int(single.sum()))
    c_lang = np.concatenate([*pool_lang, lang[single].astype(np.int64)])
    count = c_lang.size
    c_country = c_lang.copy()  # index into CONSUMER_COUNTRIES (language order, then US)
    us = np.zeros(count, dtype=bool)
    us[start:] = np.isin(cols["bu"][single], us_units)
    us[:start] = (c_lang[:start] == 0) & (rng.random(start) < 0.45)
    c_country = np.where(us & (c_lang == 0), len(U.LANGUAGES), c_country)
    first_seen = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(first_seen, consumer, cols["created"])
    unseen = first_seen == np.iinfo(np.int64).max
    first_seen = np.where(unseen, int(cols["created"].min()), first_seen)
    created = first_seen - rng.integers(DAY, 400 * DAY, count)
    return {
        "lang": c_lang.astype(np.int8), "country": c_country.astype(np.int8),
        "first": rng.integers(0, 24, count).astype(np.int8),
        "last": rng.integers(0, 16, count).astype(np.int8),
        "style": rng.choice(3, size=count, p=[0.45, 0.35, 0.2]).astype(np.int8),
        "city": np.where(rng.random(count) < 0.7, rng.integers(0, 10, count), -1).astype(np.int8),
        "image": rng.random(count) < 0.3, "created": created,
        "assigned": consumer,
    }  # fmt: skip


def _product_reviews(
    rng: np.random.Generator, cols: dict[str, Array], offsets: Array, scale: float
) -> dict[str, Array]:
    parts: list[dict[str, Array]] = []
    for u, spec in enumerate(U.UNITS):
        n = int(offsets[u + 1] - offsets[u])
        if not spec.products or n == 0:
            continue
        m = max(1, int(n * 0.05))
        rows = np.sort(rng.choice(n, size=m, replace=False)) + int(offsets[u])
        stars = np.clip(cols["stars"][rows] + rng.choice([-1, 0, 0, 0, 1], size=m), 1, 5)
        parts.append({
            "bu": np.full(m, u), "review": rows, "created": cols["created"][rows] + rng.integers(60, 7200, m),
            "stars": stars, "sku": rng.choice(len(spec.products), size=m),
        })  # fmt: skip
    keys = ("bu", "review", "created", "stars", "sku")
    if not parts:
        return {k: np.zeros(0, dtype=np.int64) for k in keys}
    out = {k: np.concatenate([p[k] for p in parts]) for k in keys}
    out["stars"] = out["stars"].astype(np.int8)
    out["bu"] = out["bu"].astype(np.int16)
    return out


def generate(seed: int, now_s: int, scale: float, unit_users: Sequence[Array]) -> Generated:
    """Generate every column. ``unit_users[u]`` are the business-user indexes that reply for unit u."""
    rng = np.random.Generator(np.random.PCG64(seed))
    loc_counts = [len(s.locations) for s in U.UNITS]
    loc_offset = np.concatenate([[0], np.cumsum(loc_counts)]).astype(np.int64)
    parts: list[dict[str, Array]] = []
    sizes: list[int] = []
    for u, spec in enumerate(U.UNITS):
        n = 0 if spec.reviews == 0 else max(1, round(spec.reviews * scale))
        sizes.append(n)
        if n:
            parts.append(_unit_reviews(rng, u, n, now_s, int(loc_offset[u]), unit_users[u]))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    reviews: dict[str, Array] = {}
    for name, (dtype, fill) in REVIEW_COLUMNS.items():
        if name in ("consumer", "deleted"):
            reviews[name] = np.full(int(offsets[-1]), fill, dtype=dtype)
            continue
        reviews[name] = np.concatenate([p[name] for p in parts]).astype(dtype)
    us_units = np.array([u for u, s in enumerate(U.UNITS) if s.country == "US"])
    consumers = _consumers(rng, reviews, us_units)
    reviews["consumer"] = consumers.pop("assigned").astype(np.int32)
    products = _product_reviews(rng, reviews, offsets, scale)
    return Generated(reviews, offsets, consumers, products)
