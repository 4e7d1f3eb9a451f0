"""Whole results (DataFrames) kept in memory for as long as every page they came from is fresh.

Repeating a multi-page pull within max-age costs no request, yet replaying it from the HTTP
cache still loads, decodes and converts every page (about as much CPU as the cold pull's own
share). A :class:`ResultCache` keeps the finished DataFrame instead, under the call's
arguments, for as long as the HTTP cache would have answered *every* page of it without asking
the server: until the earliest ``expires`` of those pages. It is the HTTP cache's freshness
applied one level up, so nothing is kept that the HTTP cache would not have served:

* a result is kept only if every response it was built from was stored in the HTTP cache with
  an expiry (a ``no-store`` answer, a private call or an uncached error means no entry);
* it is dropped at the first page's expiry; after that the call walks the pages again and the
  HTTP cache revalidates them (304s);
* callers get a shallow copy (pandas' copy-on-write keeps the cached frame unchanged when the
  copy is modified);
* hits are counted in :class:`~tpnb.http.stats.Stats` as cache hits, one per page the result holds.

Pages are observed by every recording active on the connection (:meth:`ResultCache.recording`),
so two walks running at once on one connection can only make each other's entries shorter-lived
or not kept, never longer-lived.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = ["DEFAULT_MAX_RESULTS", "Recording", "ResultCache"]

#: results kept per connection (least recently used dropped first)
DEFAULT_MAX_RESULTS = 8


@dataclass
class Recording:
    """What the responses of one walk allow: how many pages, and until when they are fresh.

    Attributes:
        pages: Responses observed.
        expires: The earliest expiry among them (UTC), ``None`` until one is seen.
        keepable: ``False`` once a response was not stored with an expiry.
    """

    pages: int = 0
    expires: datetime | None = None
    keepable: bool = True

    def observe(self, response: Any) -> None:
        """Count one response; note its expiry, or that it cannot be kept."""
        self.pages += 1
        expires = getattr(response, "expires", None)
        stored = getattr(response, "cache_key", None)
        if response.status_code != 200 or not stored or not isinstance(expires, datetime):
            self.keepable = False
            return
        if expires.tzinfo is None:  # requests-cache keeps naive UTC on fresh responses
            expires = expires.replace(tzinfo=timezone.utc)
        if self.expires is None or expires < self.expires:
            self.expires = expires


@dataclass
class _Entry:
    value: Any
    pages: int
    expires: datetime


class ResultCache:
    """Finished results by call arguments, each valid until its earliest page expires.

    Args:
        max_entries: Results kept (least recently used dropped first); 0 keeps none.
        on_hit: Called with the number of pages a hit saved (for the stats).
        clock: Returns the current UTC time (injectable for tests).
    """

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_RESULTS,
        *,
        on_hit: Callable[[int], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.max_entries = max_entries
        self._on_hit = on_hit
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._recordings: list[Recording] = []
        self._lock = threading.Lock()

    @contextmanager
    def recording(self) -> Iterator[Recording]:
        """Observe every response of the connection while the block runs."""
        rec = Recording()
        with self._lock:
            self._recordings.append(rec)
        try:
            yield rec
        finally:
            with self._lock:
                self._recordings.remove(rec)

    def observe(self, response: Any) -> None:
        """Called by the connection with each response it returns."""
        if not self._recordings:
            return
        with self._lock:
            for rec in self._recordings:
                rec.observe(response)

    def get(self, key: Hashable) -> Any:
        """A copy of the result kept under ``key``, or ``None`` (absent or no longer fresh)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() >= entry.expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
        if self._on_hit is not None:
            self._on_hit(entry.pages)
        return entry.value.copy(deep=False)

    def put(self, key: Hashable, value: Any, rec: Recording) -> None:
        """Keep ``value`` (a DataFrame) if every page of ``rec`` was stored fresh."""
        if self.max_entries <= 0 or not rec.keepable or rec.expires is None or rec.pages == 0:
            return
        if self._clock() >= rec.expires:
            return
        with self._lock:
            self._entries[key] = _Entry(value.copy(deep=False), rec.pages, rec.expires)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept result."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
