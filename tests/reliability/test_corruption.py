"""Corrupted files: a clear message with the way out (or a rebuild), never a crash loop.

Each file is overwritten with garbage, then used twice: the first use must either work (the
file rebuilt) or raise a typed tpnb error naming the file; the second use must behave the same
way or better (no error that only a restart clears, no half-written state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT

from tpnb.emulator import EmulatorServer, serve
from tpnb.errors import TpnbError

GARBAGE = b"\x00garbage, not SQLite\xff" * 200


@pytest.fixture(scope="module")
def cor_server() -> Iterator[EmulatorServer]:
    with serve(
        scale=0.02, rate_limits=GENEROUS_RATE_LIMITS, refresh_limit=GENEROUS_REFRESH_LIMIT
    ) as server:
        yield server


def outcome(call: Callable[[], Any], path: Path) -> str:
    """'ok', or 'clear' for a typed error naming the file; anything else fails the test."""
    try:
        call()
    except TpnbError as exc:
        message = str(exc)
    else:
        return "ok"
    assert path.name in message, f"the error does not name {path.name}: {message}"
    return "clear"


def unit_of(server: EmulatorServer) -> str:
    demo = server.dataset.user_by_username(server.credentials["username"])
    assert demo is not None
    return max(
        demo.business_unit_ids, key=lambda b: len(server.dataset.query_reviews(business_unit_id=b))
    )


def test_corrupted_cache_file(cor_server: EmulatorServer, tmp_path: Path) -> None:
    """A garbage SQLite cache: rebuilt, or a typed error naming the file (and it says so again)."""
    cache = tmp_path / "cache" / "http.sqlite"
    unit = unit_of(cor_server)
    opts = {"cache_backend": "sqlite", "cache_path": cache}
    with client_for(cor_server, tmp_path, **opts, fast=True) as tp:
        tp.business_unit(unit)
    for extra in cache.parent.glob("http.sqlite-*"):
        extra.unlink()
    cache.write_bytes(GARBAGE)

    def use() -> None:
        with client_for(cor_server, tmp_path, **opts, fast=True) as tp:
            tp.business_unit(unit)

    first = outcome(use, cache)
    second = outcome(use, cache)
    assert (first, second) in {("ok", "ok"), ("clear", "clear"), ("clear", "ok")}


def test_corrupted_token_file(cor_server: EmulatorServer, tmp_path: Path) -> None:
    """A garbage token file: the client logs in again (or says which file to delete)."""
    unit = unit_of(cor_server)
    with client_for(cor_server, tmp_path, fast=True) as tp:
        tp.private_reviews(unit, limit=5, progress=False)
    files = [p for p in (tmp_path / "tokens").iterdir() if p.suffix == ".json"]
    assert files
    for path in files:
        path.write_bytes(b'{"access_token": ')

    def use() -> None:
        with client_for(cor_server, tmp_path, fast=True) as tp:
            tp.private_reviews(unit, limit=5, progress=False)

    assert outcome(use, files[0]) == "ok", "a corrupt token file should just mean a new login"
    assert outcome(use, files[0]) == "ok"


@pytest.mark.parametrize(
    "damage",
    [
        "garbage",
        "truncated",
    ],
)
def test_corrupted_archive_file(cor_server: EmulatorServer, tmp_path: Path, damage: str) -> None:
    """A damaged archive: a typed error naming the file, every time (never a bare sqlite3
    error, never a silently emptied archive)."""
    from tpnb.store import Archive
    from tpnb.store.sync import sync

    unit = unit_of(cor_server)
    path = tmp_path / "archive.sqlite"
    with client_for(cor_server, tmp_path, fast=True) as tp:
        sync(tp, unit, str(path))
    data = path.read_bytes()
    for extra in tmp_path.glob("archive.sqlite-*"):
        if not extra.name.endswith(".lock"):
            extra.unlink()
    path.write_bytes(GARBAGE if damage == "garbage" else data[: len(data) // 3])

    def read() -> None:
        with Archive(path) as archive:
            archive.reviews(unit)

    def resync() -> None:
        with client_for(cor_server, tmp_path, fast=True) as tp:
            sync(tp, unit, str(path))

    for call in (read, read, resync):
        assert outcome(call, path) == "clear"
