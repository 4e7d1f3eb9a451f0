"""The emulator's settings: one frozen :class:`EmulatorOptions`, its defaults as ``DEFAULT_*``.

::

    serve(options=EmulatorOptions(scale=0.05, record_cap=500))
    serve(scale=0.05, record_cap=500)        # the same: keyword arguments build the one object

Every setting is checked when the object is built: a bad value is a ``ValueError`` naming the
setting and what is allowed, an unknown name (through :meth:`EmulatorOptions.replace`, which
``serve`` uses) a ``TypeError`` listing the known ones. The options are the *initial* values: the
admin API (``server.admin``) changes token lifetime, rate limits and faults while running.

Defaults ([I] where Trustpilot documents no number): access tokens live 100 hours (documented);
at most 5 refreshes per minute per identity; 833 calls per 5 minutes and 10,000 per hour per api
key (Trustpilot's guidance); list depth capped at 100,000 records (documented); cache lifetimes
per resource kind in :data:`DEFAULT_MAX_AGE`; webhook POSTs time out after 5 s.

This module imports only the standard library: both halves of the emulator (``data/`` and
``api/``) take their defaults from here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

DEFAULT_SEED: int = 20261127
#: the data set's "present" (every generated review is before it)
DATASET_NOW: datetime = datetime(2026, 11, 1, tzinfo=timezone.utc)
#: the earliest allowed "present" (the data set's stories end before it)
EARLIEST_NOW: datetime = datetime(2026, 3, 1, tzinfo=timezone.utc)
DEFAULT_SCALE = 1.0
DEFAULT_HOST = "127.0.0.1"
DEFAULT_TOKEN_LIFETIME = 360_000.0  # 100 hours
DEFAULT_REFRESH_LIMIT: tuple[int, float] = (5, 60.0)
DEFAULT_RATE_LIMITS: tuple[tuple[int, float], ...] = ((833, 300.0), (10_000, 3_600.0))
#: the API's depth cap: a page-numbered list reaches at most this many records
DEFAULT_RECORD_CAP = 100_000
DEFAULT_WEBHOOK_TIMEOUT = 5.0
#: resource kind -> max-age in seconds (Trustpilot's guidance: ids forever, scores ~daily)
DEFAULT_MAX_AGE: Mapping[str, int] = MappingProxyType(
    {
        "resources": 604_800,  # star images/strings, locales, countries: static
        "categories": 86_400,  # category tree and category lookups
        "business-unit-static": 86_400,  # profileinfo, web-links, images, BU categories
        "business-unit": 3_600,  # find / get / all / search: carry score and counts
        "consumer": 3_600,  # consumer, profile, web-links, bulk profiles
        "review": 300,  # a single review, its likes and web-links
        "product-summary": 3_600,  # product review summaries
        "review-list": 60,  # review lists (BU, consumer, all-reviews, latest, product)
    }
)


def check_dataset_settings(seed: object, now: object, scale: object) -> None:
    """Check the three settings that define a data set.

    Raises:
        ValueError: for a seed that is not a non-negative int, a naive ``now`` or one before
            :data:`EARLIEST_NOW`, or a scale that is not a finite number > 0.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError(f"now must be a timezone-aware datetime, got {now!r}")
    if now < EARLIEST_NOW:
        raise ValueError(f"now must be on or after {EARLIEST_NOW:%Y-%m-%d} (the stories end then)")
    if (
        isinstance(scale, bool)
        or not isinstance(scale, (int, float))
        or not math.isfinite(scale)
        or scale <= 0
    ):
        raise ValueError(f"scale must be a finite number > 0, got {scale!r}")


def checked_rate_limits(limits: Iterable[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
    """``limits`` as ``((calls, seconds), ...)``.

    Raises:
        ValueError: for a window with fewer than 0 calls or a length that is not > 0 seconds.
    """
    out = []
    for count, window in limits:
        if int(count) < 0 or float(window) <= 0:
            raise ValueError(
                f"rate limit ({count!r}, {window!r}) invalid: need count >= 0, window > 0 s"
            )
        out.append((int(count), float(window)))
    return tuple(out)


def checked_token_lifetime(seconds: float) -> float:
    """``seconds`` as a float.

    Raises:
        ValueError: unless it is > 0.
    """
    if not seconds > 0:
        raise ValueError(f"token_lifetime must be > 0 seconds, got {seconds!r}")
    return float(seconds)


@dataclass(frozen=True)
class EmulatorOptions:
    """Every setting of an emulator: its data set, its server and its API's behaviour.

    Attributes:
        seed: Data-set seed (the same seed, ``now`` and ``scale`` give the same bytes).
        scale: Multiplies every unit's review count (tests use small values for speed).
        now: The data set's "present" (timezone-aware, on or after :data:`EARLIEST_NOW`).
        host: Interface to bind (loopback unless told otherwise).
        port: TCP port; 0 picks a free one.
        log_requests: Print a redacted access log to stderr.
        token_lifetime: Lifetime of access tokens, in seconds.
        refresh_limit: ``(count, seconds)``: more refreshes per identity in the window are 429.
        rate_limits: ``((calls, seconds), ...)`` per api key; a call over any window is 429.
        record_cap: How deep a page-numbered review list reaches (pages beyond are empty).
        max_age: ``Cache-Control: max-age`` per resource kind; the keys given override
            :data:`DEFAULT_MAX_AGE` (the attribute is the whole table).
        fault_seed: Seed of the fault injector's random draws.
        cloudfront_mode: On (the default): a missing apikey on a public route gets the CDN's
            403 HTML page, as the real edge sent it (python-trustpilot #27, 2023; W6W, 2026),
            and responses carry CloudFront headers. Off: a missing apikey gets the gateway's
            401 JSON fault instead, and no CloudFront headers. A wrong key is the 401 fault
            either way.
        webhook_timeout: Seconds a webhook POST may take.
    """

    seed: int = DEFAULT_SEED
    scale: float = DEFAULT_SCALE
    now: datetime = DATASET_NOW
    host: str = DEFAULT_HOST
    port: int = 0
    log_requests: bool = False
    token_lifetime: float = DEFAULT_TOKEN_LIFETIME
    refresh_limit: tuple[int, float] = DEFAULT_REFRESH_LIMIT
    rate_limits: tuple[tuple[int, float], ...] = DEFAULT_RATE_LIMITS
    record_cap: int = DEFAULT_RECORD_CAP
    max_age: Mapping[str, int] = field(default_factory=lambda: DEFAULT_MAX_AGE)
    fault_seed: int = 0
    cloudfront_mode: bool = True
    webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT

    def __post_init__(self) -> None:
        check_dataset_settings(self.seed, self.now, self.scale)
        if not isinstance(self.port, int) or not 0 <= self.port <= 65_535:
            raise ValueError(f"port must be an int from 0 to 65535, got {self.port!r}")
        count, window = self.refresh_limit
        if int(count) < 0 or float(window) <= 0:
            raise ValueError(
                f"refresh_limit ({count!r}, {window!r}) invalid: need count >= 0, window > 0 s"
            )
        if isinstance(self.record_cap, bool) or not isinstance(self.record_cap, int):
            raise ValueError(f"record_cap must be an int >= 1, got {self.record_cap!r}")
        if self.record_cap < 1:
            raise ValueError(f"record_cap must be an int >= 1, got {self.record_cap!r}")
        unknown = set(self.max_age) - set(DEFAULT_MAX_AGE)
        if unknown:
            raise ValueError(
                f"unknown max_age keys {sorted(unknown)}; allowed: {sorted(DEFAULT_MAX_AGE)}"
            )
        if not self.webhook_timeout > 0:
            raise ValueError(f"webhook_timeout must be > 0 seconds, got {self.webhook_timeout!r}")
        # normalised copies (a frozen dataclass sets its own fields this way)
        object.__setattr__(self, "scale", float(self.scale))
        object.__setattr__(self, "token_lifetime", checked_token_lifetime(self.token_lifetime))
        object.__setattr__(self, "refresh_limit", (int(count), float(window)))
        object.__setattr__(self, "rate_limits", checked_rate_limits(self.rate_limits))
        table = MappingProxyType({**DEFAULT_MAX_AGE, **self.max_age})
        object.__setattr__(self, "max_age", table)

    def replace(self, **changes: Any) -> EmulatorOptions:
        """A copy with some settings changed (checked like the constructor's).

        Raises:
            TypeError: for a name that is not a setting (the message lists the settings).
            ValueError: for a bad value.
        """
        names = [f.name for f in dataclasses.fields(self)]
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise TypeError(f"unknown emulator option(s) {unknown}; allowed: {', '.join(names)}")
        if "max_age" in changes:  # keys given override the defaults, not the current table
            changes["max_age"] = dict(changes["max_age"] or {})
        return dataclasses.replace(self, **changes)
