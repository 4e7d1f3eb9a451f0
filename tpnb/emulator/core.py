"""The state every part of :class:`~tpnb.emulator.dataset.Dataset` shares, and id lookups.

The mixins (:mod:`~tpnb.emulator.queries`, :mod:`~tpnb.emulator.mutations`,
:mod:`~tpnb.emulator.products`) derive from :class:`DatasetCore`, which declares the attributes
that ``Dataset.__init__`` sets.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.catalog import Location, Unit
from tpnb.emulator.ids import index_from_id, object_id
from tpnb.emulator.reviews import ReviewTable

if TYPE_CHECKING:
    from tpnb.emulator.dataset import ApiClient, BusinessUser
    from tpnb.emulator.render import Renderer

JSON = dict[str, Any]


class DatasetCore:
    """Attributes and id helpers shared by the Dataset mixins."""

    seed: int
    now: datetime
    now_s: int
    scale: float
    lock: threading.RLock
    version: int
    units: list[Unit]
    locations: list[Location]
    unit_index: dict[str, int]
    location_index: dict[str, int]
    user_list: list[BusinessUser]
    business_users: dict[str, BusinessUser]
    api_clients: dict[str, ApiClient]
    table: ReviewTable
    consumers: dict[str, npt.NDArray[Any]]
    consumer_review_counts: npt.NDArray[np.int64]
    product_table: dict[str, npt.NDArray[Any]]
    renderer: Renderer
    _review_salt: int
    _consumer_salt: int
    _names: dict[str, str]
    _users_by_name: dict[str, BusinessUser]
    _user_index: dict[str, int]
    _aggregates: dict[int, tuple[JSON, JSON]]
    _query_cache: dict[tuple[Any, ...], npt.NDArray[np.int64]]

    def user_by_username(self, username: str) -> BusinessUser | None:
        """The business user whose login (e-mail, case-insensitive) is ``username``."""
        return self._users_by_name.get(username.strip().lower())

    # --- ids -----------------------------------------------------------------------------------
    def review_id(self, row: int) -> str:
        """The 24-hex id of review ``row``."""
        return object_id(int(self.table["created"][row]), row, self._review_salt)

    def review_row(self, review_id: str) -> int | None:
        """The row of a live review id, or None."""
        with self.lock:
            row = index_from_id(review_id, self._review_salt, self.table.n)
            if row is None or bool(self.table["deleted"][row]) or self.review_id(row) != review_id:
                return None
            return row

    def consumer_id(self, c: int) -> str:
        """The 24-hex id of consumer ``c``."""
        return object_id(int(self.consumers["created"][c]), c, self._consumer_salt)

    def consumer_index(self, consumer_id: str) -> int | None:
        """The index of a consumer id, or None."""
        c = index_from_id(consumer_id, self._consumer_salt, int(self.consumers["lang"].size))
        if c is None or self.consumer_id(c) != consumer_id:
            return None
        return c

    def _unit(self, bu_id: str) -> int | None:
        return self.unit_index.get(bu_id)

    def _touch(self, unit: int) -> None:
        """Record a mutation of ``unit`` (caller holds the lock)."""
        self.version += 1
        self._aggregates.pop(unit, None)
        self._query_cache.clear()
