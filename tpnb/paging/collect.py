"""What page walks feed: the de-duplicating :class:`Collector` and the :class:`Progress` bar.

Both know nothing of HTTP or of paging signals (that is
:mod:`tpnb.paging.walkers`): a collector keeps items by id, in first-seen order, up to a limit, and
:meth:`Collector.fill` drains a walk until the collector is full and then closes it; a progress
bar appears only once a walk needs a second request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterable
from typing import Any

__all__ = ["Collector", "Item", "Progress"]

Item = dict[str, Any]


class Progress:
    """A tqdm.auto bar shown only once a walk turns out to need more than one request.

    Args:
        enabled: ``False`` shows nothing.
        desc: The bar's label.
        total: Expected number of requests, when known.
    """

    def __init__(self, enabled: bool, desc: str, total: int | None = None) -> None:
        self.enabled = enabled
        self.desc = desc
        self.total = total
        self.requests = 0
        self._bar: Any = None

    def update(self, items: int) -> None:
        """Count one request that returned ``items`` items."""
        self.requests += 1
        if not self.enabled:
            return
        if self._bar is None:
            if self.requests < 2:
                return
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total, desc=self.desc, unit="page", leave=False)
            self._bar.update(1)
        self._bar.update(1)

    def close(self) -> None:
        """Close the bar (if one was shown)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Collector:
    """Items de-duplicated by id, in first-seen order, up to an optional limit.

    Args:
        limit: Keep at most this many items (``None``: all).
        keep: Only items for which this returns ``True`` are kept (client-side filters).
    """

    def __init__(
        self, limit: int | None = None, keep: Callable[[Item], bool] | None = None
    ) -> None:
        self.limit = limit
        self.keep = keep
        self.by_id: dict[str, Item] = {}
        self.ids: set[str] = set()
        self.duplicates = 0

    @property
    def full(self) -> bool:
        """``True`` once ``limit`` items are held."""
        return self.limit is not None and len(self.by_id) >= self.limit

    def add(self, items: Iterable[Item]) -> int:
        """Add items (skipping known ids and unwanted ones); return how many were new."""
        new = 0
        for item in items:
            if self.full:
                break
            ident = str(item.get("id"))
            if ident in self.ids:
                self.duplicates += 1
                continue
            self.ids.add(ident)
            if self.keep is not None and not self.keep(item):
                continue
            self.by_id[ident] = item
            new += 1
        return new

    def fill(self, pages: Generator[list[Item], None, None]) -> list[Item]:
        """Add each page of ``pages`` until full, then close the walk (its threads stop).

        Args:
            pages: A walk (:func:`walk_pages`, :func:`walk_tokens`) yielding item lists.

        Returns:
            The kept items, in first-seen order.
        """
        with contextlib.closing(pages):
            for items in pages:
                self.add(items)
                if self.full:
                    break
        return self.items

    def seen(self, items: Iterable[Item]) -> bool:
        """Whether any of ``items`` was seen before (kept or not)."""
        return any(str(item.get("id")) in self.ids for item in items)

    @property
    def items(self) -> list[Item]:
        """The kept items, in first-seen order."""
        return list(self.by_id.values())
