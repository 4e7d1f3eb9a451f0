"""The columnar review table: numpy columns with spare capacity, per-unit sorted indexes, queries.

A review is a row index; its id is ``ids.object_id(created, row, salt)`` and maps back to the row
(:meth:`ReviewTable.find_row`). Generated rows never move; :meth:`ReviewTable.append` writes a
new row into spare capacity (doubling it when full) and :meth:`ReviewTable.delete` marks a row
deleted. Each business unit keeps its live rows in an index sorted by ``(created, id tail)``
ascending, maintained on every mutation, so a unit query is a few vectorised masks over that
index. Values that cannot live in a column (free text of added reviews, custom tags...) are kept
in per-row override dicts. The table itself does no locking:
:class:`~tpnb.emulator.data.dataset.Dataset` holds its lock around every call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tpnb.emulator.data.generate import REVIEW_COLUMNS
from tpnb.emulator.data.ids import id_tails, index_from_id, object_id
from tpnb.emulator.data.specs import TAG_SETS

Rows = npt.NDArray[np.int64]
ORDER_FIELDS = ("createdat", "stars")
ORDER_DIRECTIONS = ("asc", "desc")


@dataclass(frozen=True)
class Filters:
    """Normalised query filters (codes and row-level predicates already resolved)."""

    stars: frozenset[int] | None = None
    languages: frozenset[int] | None = None
    location: int | None = None
    responded: bool | None = None
    tagsets: frozenset[int] | None = None  # generated tag sets that match a tag filter
    custom_tag_rows: frozenset[int] | None = None  # custom-tagged rows that match it
    include_reported: bool = False
    reported: bool | None = None
    start_s: int | None = None
    end_s: int | None = None
    source: int | None = None
    consumers: frozenset[int] | None = None
    find_state: tuple[int, ...] | None = None
    extra_mask: Callable[[Rows], npt.NDArray[np.bool_]] | None = None  # e.g. referenceId


class ReviewTable:
    """Numpy columns of all reviews plus override dicts and per-unit sorted indexes."""

    def __init__(self, cols: dict[str, npt.NDArray[Any]], offsets: Rows, units: int,
                 salt: int) -> None:  # fmt: skip
        self._cols = cols
        self.n = int(cols["created"].size)
        self.salt = salt
        self.unit_rows: list[Rows] = [
            np.arange(offsets[u], offsets[u + 1], dtype=np.int64) for u in range(units)
        ]
        self.texts: dict[int, tuple[str, str]] = {}
        self.reply_texts: dict[int, str] = {}
        self.tags: dict[int, tuple[tuple[str, str], ...]] = {}
        self.references: dict[int, str | None] = {}
        self.emails: dict[int, str | None] = {}
        self.find_messages: dict[int, list[tuple[str | None, int]]] = {}  # (message, sent at)
        self._global: Rows | None = None

    def col(self, name: str) -> npt.NDArray[Any]:
        """The live part of column ``name`` (a view)."""
        return self._cols[name][: self.n]

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self._cols[name][: self.n]

    def set(self, name: str, row: int, value: int) -> None:
        """Set one cell (not ``created``, ``bu`` or ``consumer``: rows never move)."""
        if name in ("created", "bu", "consumer"):
            raise ValueError(f"column {name!r} is fixed once a row exists")
        self._cols[name][row] = value

    def tails(self, rows: Rows) -> npt.NDArray[np.uint64]:
        """The id tails of ``rows`` (ties in ``created`` are broken by them)."""
        return id_tails(rows, self.salt)

    # --- ids and tags ------------------------------------------------------------------------
    def review_id(self, row: int) -> str:
        """The 24-hex id of review ``row``."""
        return object_id(int(self["created"][row]), row, self.salt)

    def find_row(self, review_id: str) -> int | None:
        """The row of a live review id, or None."""
        row = index_from_id(review_id, self.salt, self.n)
        if row is None or bool(self["deleted"][row]) or self.review_id(row) != review_id:
            return None
        return row

    def tags_of(self, row: int) -> tuple[tuple[str, str], ...]:
        """The tags of ``row`` as (group, value) pairs."""
        tagset = int(self["tagset"][row])
        if tagset == -2:
            return self.tags.get(row, ())
        return TAG_SETS[tagset] if tagset >= 0 else ()

    def set_tags(self, row: int, tags: tuple[tuple[str, str], ...]) -> None:
        """Replace the tags of ``row``."""
        self.set("tagset", row, -2 if tags else -1)
        if tags:
            self.tags[row] = tags
        else:
            self.tags.pop(row, None)

    # --- mutations ---------------------------------------------------------------------------
    def append(self, values: dict[str, int]) -> int:
        """Append one row (columns not given take their fill value) and index it."""
        row = self.n
        capacity = self._cols["created"].size
        if row >= capacity:
            grow = max(1024, capacity)
            for name, (dtype, fill) in REVIEW_COLUMNS.items():
                self._cols[name] = np.concatenate(
                    [self._cols[name], np.full(grow, fill, dtype=dtype)]
                )
        for name, (_dtype, fill) in REVIEW_COLUMNS.items():
            self._cols[name][row] = values.get(name, fill)
        self.n = row + 1
        unit = int(values["bu"])
        self.unit_rows[unit] = self._insert_sorted(self.unit_rows[unit], row)
        if self._global is not None:
            self._global = self._insert_sorted(self._global, row)
        return row

    def _insert_sorted(self, index: Rows, row: int) -> Rows:
        created = self["created"]
        at = int(np.searchsorted(created[index], created[row], side="left"))
        tail = int(self.tails(np.array([row]))[0])
        while at < index.size and created[index[at]] == created[row]:
            if int(self.tails(index[at : at + 1])[0]) > tail:
                break
            at += 1
        return np.insert(index, at, row)

    def delete(self, row: int) -> None:
        """Mark ``row`` deleted and drop it from its unit index."""
        self._cols["deleted"][row] = True
        unit = int(self["bu"][row])
        index = self.unit_rows[unit]
        self.unit_rows[unit] = index[index != row]
        if self._global is not None:
            self._global = self._global[self._global != row]

    # --- indexes -----------------------------------------------------------------------------
    def all_rows(self) -> Rows:
        """Every live row sorted by (created, id tail) ascending (built on first use, then kept
        up to date by append and delete)."""
        if self._global is None:
            rows = np.flatnonzero(~self["deleted"]).astype(np.int64)
            order = np.lexsort((self.tails(rows), self["created"][rows]))
            self._global = rows[order]
        return self._global

    def consumer_rows(self, consumer: int) -> Rows:
        """Live rows of one consumer sorted by (created, id tail) ascending."""
        rows = np.flatnonzero((self["consumer"] == consumer) & ~self["deleted"]).astype(np.int64)
        return self.sorted_subset(rows)

    # --- queries -----------------------------------------------------------------------------
    def filter(self, rows: Rows, f: Filters) -> Rows:
        """The rows of ``rows`` (order kept) that pass every filter in ``f``."""
        mask = np.ones(rows.size, dtype=bool)
        if f.stars is not None:
            mask &= np.isin(self["stars"][rows], list(f.stars))
        if f.languages is not None:
            mask &= np.isin(self["lang"][rows], list(f.languages))
        if f.location is not None:
            mask &= self["location"][rows] == f.location
        if f.responded is not None:
            mask &= (self["reply_at"][rows] >= 0) == f.responded
        reported = self["reported"][rows] >= 0
        if f.reported is not None:
            mask &= reported == f.reported
        elif not f.include_reported:
            mask &= ~reported
        if f.start_s is not None or f.end_s is not None:
            created = self["created"][rows]
            if f.start_s is not None:
                mask &= created >= f.start_s
            if f.end_s is not None:
                mask &= created < f.end_s
        if f.source is not None:
            mask &= self["source"][rows] == f.source
        if f.consumers is not None:
            mask &= np.isin(self["consumer"][rows], list(f.consumers))
        if f.find_state is not None:
            mask &= np.isin(self["find_state"][rows], list(f.find_state))
        if f.tagsets is not None:
            tagset = self["tagset"][rows]
            tag_mask = np.isin(tagset, list(f.tagsets))
            if f.custom_tag_rows:
                tag_mask |= np.isin(rows, list(f.custom_tag_rows))
            mask &= tag_mask
        if f.extra_mask is not None:
            mask &= f.extra_mask(rows)
        return rows[mask]

    def order(self, rows: Rows, order_by: Sequence[tuple[str, str]]) -> Rows:
        """Sort ``rows`` (given ascending by created, id) by ``order_by``; ties by id."""
        keys = [(field_.lower(), direction.lower()) for field_, direction in order_by]
        for field_, direction in keys:
            if field_ not in ORDER_FIELDS or direction not in ORDER_DIRECTIONS:
                raise ValueError(
                    f"unknown order {field_}.{direction}; allowed: createdat.asc, createdat.desc, "
                    "stars.asc, stars.desc"
                )
        created_dir = next((d for f_, d in keys if f_ == "createdat"), "desc")
        out = rows[::-1] if created_dir == "desc" else rows
        for field_, direction in reversed(keys):
            if field_ == "createdat" and (field_, direction) == keys[-1] and len(keys) == 1:
                break  # already in that order
            values: npt.NDArray[Any]
            if field_ == "stars":  # int8 keys: numpy's stable sort is a radix sort
                stars = self["stars"][out].astype(np.int8)
                values = (6 - stars).astype(np.int8) if direction == "desc" else stars
            else:
                created = self["created"][out].astype(np.int64)
                values = -created if direction == "desc" else created
            out = out[np.argsort(values, kind="stable")]
        return out

    def sorted_subset(self, rows: Rows) -> Rows:
        """``rows`` sorted ascending by (created, id tail)."""
        return rows[np.lexsort((self.tails(rows), self["created"][rows]))]
