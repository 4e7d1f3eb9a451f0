"""Per-api-key rate limiting with sliding windows.

Trustpilot documents only guidance ("don't exceed 833 calls per 5 minutes or 10K calls per hour")
and that going over is answered 429. The emulator enforces exactly those two windows per api key
by default ([I]); requests over budget are not counted. A 429 carries ``Retry-After`` (whole
seconds until the oldest counted call leaves the window that is full) and a JSON body
``{"message", "errorCode", "correlationId"}`` (see :mod:`~tpnb.emulator.api.responses`; the
message names the limit and the window).
Admin paths (``/_emulator/``) are never limited.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tpnb.emulator.options import DEFAULT_RATE_LIMITS, checked_rate_limits


@dataclass(frozen=True)
class Throttled:
    """The verdict for a call over budget."""

    limit: int
    window: float
    retry_after: int


class RateLimiter:
    """Sliding-window call counter per key, for several (count, seconds) windows at once."""

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = DEFAULT_RATE_LIMITS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: dict[str, deque[float]] = {}
        self.limits = checked_rate_limits(limits)

    def set_limits(self, limits: Sequence[tuple[int, float]] | None) -> None:
        """Replace the windows (``None``: the defaults); past calls keep counting."""
        with self._lock:
            self.limits = checked_rate_limits(DEFAULT_RATE_LIMITS if limits is None else limits)

    def reset(self) -> None:
        """Forget every counted call."""
        with self._lock:
            self._calls.clear()

    def hit(self, key: str) -> Throttled | None:
        """Count one call for ``key``; return a :class:`Throttled` (and do not count) if over."""
        now = self._clock()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            longest = max((w for _, w in self.limits), default=0.0)
            while calls and calls[0] <= now - longest:
                calls.popleft()
            for count, window in self.limits:
                start = now - window
                # calls is sorted: count those inside this window from the right
                inside = len(calls) - _first_after(calls, start)
                if inside >= count:
                    oldest = calls[len(calls) - count] if count else now
                    retry = max(1, math.ceil(oldest + window - now))
                    return Throttled(count, window, retry)
            calls.append(now)
            return None


def _first_after(calls: deque[float], start: float) -> int:
    """Index of the first call strictly after ``start`` (binary search on a sorted deque)."""
    lo, hi = 0, len(calls)
    while lo < hi:
        mid = (lo + hi) // 2
        if calls[mid] <= start:
            lo = mid + 1
        else:
            hi = mid
    return lo
