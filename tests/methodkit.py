"""Helpers for the DataFrame-method integration tests (not a test module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tpnb.client import Client
from tpnb.config import Settings
from tpnb.http.connection import Connection
from tpnb.methods import DataMethods


class DataClient(Client, DataMethods):
    """The client with the data mixins (until the lead wires them into tpnb.Client)."""


def client_for(server: Any, tmp_path: Path, **overrides: Any) -> DataClient:
    """A client on ``server`` (demo credentials, memory cache, tokens under ``tmp_path``)."""
    values: dict[str, Any] = {
        **server.client_settings,
        "cache_backend": "memory",
        "token_dir": tmp_path / "tokens",
        "pace_limits": ((1_000_000, 1.0),),
    }
    values.update(overrides)
    return DataClient(Connection(Settings(**values)))


def unit_sizes(server: Any) -> dict[str, int]:
    """Public review count (reported hidden) of every unit, by id."""
    ds = server.dataset
    return {bu: len(ds.query_reviews(business_unit_id=bu)) for bu in ds.business_unit_ids()}


def ids_of(server: Any, **query: Any) -> list[str]:
    """Review ids of a ``Dataset.query_reviews`` call, in its order."""
    ds = server.dataset
    return [ds.review_id(int(row)) for row in ds.query_reviews(**query)]


def domain_of(server: Any, bu_id: str) -> str:
    """A unit's identifying name (its domain)."""
    return str(server.dataset.business_unit_json(bu_id, server.api_url)["name"]["identifying"])


def api_requests(server: Any) -> int:
    """Requests the emulator has logged so far."""
    return int(server.admin.request_count)


def same_schema(frame: pd.DataFrame, empty: pd.DataFrame) -> None:
    """``frame`` has exactly the columns and dtypes of the converter's empty frame."""
    assert list(frame.columns) == list(empty.columns)
    assert frame.dtypes.astype(str).tolist() == empty.dtypes.astype(str).tolist()


def open_files(path: Path) -> list[str]:
    """Files this process holds open whose path starts with ``path`` (the file, its -wal...).

    Reads ``/proc/self/fd``: callers skip where it does not exist.
    """
    prefix = str(Path(path).resolve())
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue  # closed meanwhile
        if target.startswith(prefix):
            found.append(target)
    return found


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="reads open files from /proc/self/fd"
)
