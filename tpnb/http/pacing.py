"""Client-side pacing: stay within Trustpilot's call-rate guidance by waiting, not by failing.

A :class:`Pacer` holds sliding windows (``(calls, seconds)`` pairs, by default 833 per 5 minutes
and 10,000 per hour). :meth:`Pacer.reserve` is called just before a request goes on the wire (cache
hits never reach it); when a window is full it sleeps until the oldest call leaves the window.

The server counts a call when it *arrives*, which is some time after the client sent it. So a call
is first stamped with its send time and, once its response is back, :meth:`Pacer.done` moves the
stamp to the response time, later than any arrival the server can have seen. A window full of
completed calls is therefore never over the server's limit, however slow the network or the
machine; :data:`MARGIN` (1%) stretches the windows further for clock-rate differences.

Whoever shows a long load (a widget's progress display) can :meth:`Pacer.watch` the waits: a
listener is called with the seconds a call is about to wait, just before the wait begins.

The key's calls may also come from elsewhere (another notebook, another tool): the server then
answers 429 with a ``Retry-After``, and :meth:`Pacer.hold` makes every call of this client wait
that long, announced like any other wait, before the refused call is retried.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["MARGIN", "PaceListener", "Pacer", "Ticket"]

MARGIN = 0.01

logger = logging.getLogger(__name__)

#: Called with the seconds a call is about to wait for a pace limit (from the waiting thread).
PaceListener = Callable[[float], None]


@dataclass
class Ticket:
    """One paced call: how long it waited, and the stamp it holds in every window."""

    waited: float
    stamp: float


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
        self._sent: list[list[float]] = [[] for _ in self.limits]  # sorted stamps
        self._listeners: list[PaceListener] = []
        self._held_until = 0.0  # no call before this clock time (a server's Retry-After)

    def watch(self, listener: PaceListener) -> Callable[[], None]:
        """Call ``listener(seconds)`` each time a call is about to wait ``seconds`` for a limit.

        The listener runs in the thread that waits, just before the wait; an exception in it is
        logged and does not stop the call.

        Returns:
            A function that stops the calls (idempotent).
        """
        if not callable(listener):
            raise TypeError(f"a pace listener must be callable, got {listener!r}")
        with self._lock:
            self._listeners.append(listener)

        def unwatch() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unwatch

    def _tell(self, wait: float) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(wait)
            except Exception:
                logger.warning("a pace listener failed; the call goes on", exc_info=True)

    def delay(self) -> float:
        """Seconds the next call would have to wait now (0 when it may go)."""
        with self._lock:
            return self._delay(self._clock())

    def hold(self, seconds: float) -> None:
        """Let no call go for ``seconds`` from now: the server answered 429 with a Retry-After.

        Every thread's next call waits (announced to the watchers like any pacing wait), not
        only the one the server refused: calls made meanwhile would be refused too, and would
        count against the key. An earlier, longer hold is kept.
        """
        if not seconds > 0:
            return
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + float(seconds))

    def _delay(self, now: float) -> float:
        wait = max(0.0, self._held_until - now)
        for (calls, seconds), sent in zip(self._windows, self._sent, strict=True):
            del sent[: bisect.bisect_right(sent, now - seconds)]
            if len(sent) >= calls:
                wait = max(wait, sent[len(sent) - calls] + seconds - now)
        return wait

    def reserve(self) -> Ticket:
        """Wait until a call is allowed, record it (stamped now), and return its ticket."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._delay(now)
                if wait <= 0:
                    for sent in self._sent:
                        bisect.insort(sent, now)
                    return Ticket(waited, now)
            self._tell(wait)
            self._sleep(wait)
            waited += wait

    def done(self, ticket: Ticket) -> None:
        """Re-stamp a reserved call with the time its response came back."""
        with self._lock:
            now = self._clock()
            for sent in self._sent:
                index = bisect.bisect_left(sent, ticket.stamp)
                if index < len(sent) and sent[index] == ticket.stamp:
                    del sent[index]
                    bisect.insort(sent, now)
            ticket.stamp = now

    def acquire(self) -> float:
        """Reserve a call stamped at its send time only; return the seconds waited."""
        return self.reserve().waited
