"""Client-side pacing: stay within Trustpilot's call-rate guidance by waiting, not by failing.

A :class:`Pacer` holds sliding windows (``(calls, seconds)`` pairs, by default 833 per 5 minutes
and 10,000 per hour). :meth:`Pacer.acquire` is called just before a request goes on the wire (cache
hits never reach it); when a window is full it sleeps until the oldest call leaves the window.
Windows are stretched by :data:`MARGIN` (1%) so that the server, which counts calls when they
arrive, never sees more than the limit because of network jitter.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

__all__ = ["MARGIN", "Pacer"]

MARGIN = 0.01


class Pacer:
    """Thread-safe sliding-window limiter that blocks instead of exceeding a limit.

    Args:
        limits: ``(calls, seconds)`` windows; every one of them is respected.
        clock: Monotonic clock (injectable for tests).
        sleep: Sleep function (injectable for tests).
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for calls, seconds in limits:
            if calls < 1 or seconds <= 0:
                raise ValueError(
                    f"a pace limit needs calls >= 1 and seconds > 0, got {calls}/{seconds}"
                )
        self.limits = tuple((int(c), float(s)) for c, s in limits)
        self._windows = tuple((calls, seconds * (1 + MARGIN)) for calls, seconds in self.limits)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sent: list[deque[float]] = [deque() for _ in self.limits]

    def delay(self) -> float:
        """Seconds the next call would have to wait now (0 when it may go)."""
        with self._lock:
            return self._delay(self._clock())

    def _delay(self, now: float) -> float:
        wait = 0.0
        for (calls, seconds), sent in zip(self._windows, self._sent, strict=True):
            while sent and sent[0] <= now - seconds:
                sent.popleft()
            if len(sent) >= calls:
                wait = max(wait, sent[len(sent) - calls] + seconds - now)
        return wait

    def acquire(self) -> float:
        """Wait until a call is allowed, record it, and return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._delay(now)
                if wait <= 0:
                    for sent in self._sent:
                        sent.append(now)
                    return waited
            self._sleep(wait)
            waited += wait
