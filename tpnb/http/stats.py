"""``tp.stats``: what a connection spent, so users who pay per call can see it.

Counters are kept by the transport (:mod:`tpnb.http.connection`): ``requests`` counts HTTP requests
that reached the network (retries and token requests included), ``cache_hits`` answers served
from the cache without any request, ``revalidations`` 304 answers that renewed a cached copy,
``requests_saved`` the requests the review store (:mod:`tpnb.store.reviewstore`) spared.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields

__all__ = ["Stats", "StatsSnapshot"]


@dataclass(frozen=True)
class StatsSnapshot:
    """The counters at one moment. Subtract two snapshots to see what a block of code cost."""

    requests: int = 0
    cache_hits: int = 0
    revalidations: int = 0
    retries: int = 0
    bytes_received: int = 0
    token_requests: int = 0
    paced: int = 0
    paced_seconds: float = 0.0
    #: Requests the review store spared: for each call it answered, the pages a direct walk
    #: needs at least (one per 100 reviews returned) less the requests its refresh sent.
    requests_saved: int = 0

    def as_dict(self) -> dict[str, int | float]:
        """The counters as a plain dict."""
        return asdict(self)

    def __sub__(self, other: StatsSnapshot) -> StatsSnapshot:
        return StatsSnapshot(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )

    def __repr__(self) -> str:
        return _describe(self)


class Stats:
    """Live, thread-safe counters of one connection (``conn.stats`` / ``tp.stats``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, float] = {f.name: 0 for f in fields(StatsSnapshot)}

    def add(self, name: str, amount: float = 1) -> None:
        """Increase one counter (``name`` is a field of :class:`StatsSnapshot`)."""
        with self._lock:
            self._values[name] += amount

    def snapshot(self) -> StatsSnapshot:
        """A frozen copy of the counters now."""
        with self._lock:
            values = dict(self._values)
        return StatsSnapshot(
            **{k: (v if k == "paced_seconds" else int(v)) for k, v in values.items()}  # type: ignore[arg-type]
        )

    def as_dict(self) -> dict[str, int | float]:
        """The counters now, as a plain dict."""
        return self.snapshot().as_dict()

    def reset(self) -> None:
        """Set every counter back to zero."""
        with self._lock:
            for key in self._values:
                self._values[key] = 0

    def __getattr__(self, name: str) -> int | float:
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            return getattr(self.snapshot(), name)  # type: ignore[no-any-return]
        raise AttributeError(name)

    def __repr__(self) -> str:
        return _describe(self.snapshot())


def _describe(snap: StatsSnapshot) -> str:
    size = float(snap.bytes_received)
    unit = "B"
    for next_unit in ("KiB", "MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, next_unit
    text = (
        f"<tpnb stats: {snap.requests} requests sent ({snap.token_requests} for tokens, "
        f"{snap.retries} retries), {snap.cache_hits} cache hits, {snap.revalidations} revalidated "
        f"(304), {size:.1f} {unit} received"
    )
    if snap.requests_saved:
        text += f", {snap.requests_saved} requests saved by the review store"
    if snap.paced:
        text += f", paced {snap.paced}x ({snap.paced_seconds:.1f} s)"
    return text + ">"
