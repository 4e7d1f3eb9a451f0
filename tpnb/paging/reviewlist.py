"""Shared machinery of the review-list methods: sorting, date keeps, collection plans."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from tpnb import endpoints as ep
from tpnb.paging.collect import Item
from tpnb.paging.slicing import created

# orderBy field -> (JSON key, key function)
_SORT_KEYS: dict[str, Callable[[Item], Any]] = {
    # the API's timestamps are UTC; the first 19 characters order them whatever the suffix
    "createdat": lambda item: str(item.get("createdAt") or "")[:19],
    "stars": lambda item: int(item.get("stars") or 0),
}


def sort_items(items: list[Item], order: Sequence[str] | None) -> list[Item]:
    """Sort review JSON client-side by an API order (default newest first); stable."""
    keys = list(order or ("createdat.desc",))
    if not any(k.startswith("createdat") for k in keys):
        keys.append("createdat.desc")
    out = list(items)
    for spec in reversed(keys):
        field, direction = spec.split(".")
        out.sort(key=_SORT_KEYS[field], reverse=direction == "desc")
    return out


def date_keep(
    start: pd.Timestamp | None, end: pd.Timestamp | None
) -> Callable[[Item], bool] | None:
    """A client-side ``start <= createdAt < end`` filter, or ``None`` when unbounded."""
    if start is None and end is None:
        return None

    def keep(item: Item) -> bool:
        ts = created(item)
        return (start is None or ts >= start) and (end is None or ts < end)

    return keep


def older_than(start: pd.Timestamp) -> Callable[[list[Item]], bool]:
    """Stop predicate of a newest-first walk: the page reached reviews before ``start``."""
    return lambda items: created(items[-1]) < start


def newer_than(end: pd.Timestamp) -> Callable[[list[Item]], bool]:
    """Stop predicate of an oldest-first walk: the page reached reviews at/after ``end``."""
    return lambda items: created(items[-1]) >= end


def expected_total(conn: ep._common.Conn, business_unit_id: str) -> int | None:
    """The unit's ``numberOfReviews.total`` (sizes the progress bar and read-ahead)."""
    data = ep.get_business_unit(conn, business_unit_id)
    total = (data.get("numberOfReviews") or {}).get("total") if isinstance(data, dict) else None
    return int(total) if isinstance(total, int) else None


def floor_second(ts: pd.Timestamp | None) -> pd.Timestamp | None:
    """``ts`` rounded down to the second (the API's date filters have second precision)."""
    return None if ts is None else ts.floor("s")


def ceil_second(ts: pd.Timestamp | None) -> pd.Timestamp | None:
    """``ts`` rounded up to the second."""
    return None if ts is None else ts.ceil("s")
