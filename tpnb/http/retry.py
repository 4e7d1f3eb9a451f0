"""Retries with exponential back-off and jitter; pure decisions plus a small loop.

Retried (``max_retries`` times after the first attempt):

- connection errors and time-outs, for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS);
- 500, 502, 503, 504 for idempotent methods;
- 429 for every method (a refused request was not processed).

The wait before retry ``n`` (0-based) is the server's ``Retry-After`` when it sent one, else
``backoff_factor * 2**n`` scaled by a random factor in [0.5, 1.5), capped at ``backoff_max``.
A ``Retry-After`` longer than ``retry_after_max`` (default 300 s: the 833-calls window, what tpnb's
own pacing may wait) is not waited for: the error is raised at once. A 429's wait holds every
call of the client (:meth:`tpnb.http.pacing.Pacer.hold`), not only the refused one.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests

__all__ = ["IDEMPOTENT_METHODS", "RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry and how long to wait."""

    max_retries: int = 4
    backoff_factor: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 300.0

    def should_retry_status(self, method: str, status: int) -> bool:
        """True when a response with ``status`` to ``method`` may be retried."""
        if status == 429:
            return True
        return status in RETRY_STATUSES and method.upper() in IDEMPOTENT_METHODS

    def should_retry_error(self, method: str, error: BaseException) -> bool:
        """True when a transport error on ``method`` may be retried."""
        if isinstance(error, requests.exceptions.ConnectTimeout):
            return True  # nothing reached the server
        transient = (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        )
        return isinstance(error, transient) and method.upper() in IDEMPOTENT_METHODS

    def backoff(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry ``attempt`` (0-based) when the server said nothing."""
        base = self.backoff_factor * (2.0**attempt)
        return float(min(self.backoff_max, base * (0.5 + rng())))

    def wait_for(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry ``attempt``, or None when waiting is not worth it."""
        if retry_after is not None:
            return None if retry_after > self.retry_after_max else retry_after
        return self.backoff(attempt)
