"""Cache backends: a corrupted SQLite cache file is moved aside and rebuilt, never a crash loop."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from requests_cache.backends.sqlite import SQLiteCache

from tpnb.config import Settings
from tpnb.errors import ConfigError
from tpnb.http.backends import build_backend, repair_sqlite_cache


def sqlite_settings(path: Path) -> Settings:
    return Settings(api_key="k-backends-test", cache_backend="sqlite", cache_path=path)


def filled_cache(path: Path, rows: int = 2000) -> bytes:
    """A real requests-cache SQLite file with ``rows`` entries; returns its bytes."""
    backend = build_backend(sqlite_settings(path))
    assert isinstance(backend, SQLiteCache)
    with sqlite3.connect(path) as raw:
        raw.executemany(
            "INSERT INTO responses (key, value) VALUES (?, ?)",
            [(f"key-{i}", f"value-{i}" * 40) for i in range(rows)],
        )
    raw.close()
    backend.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed header"])
def test_corrupt_cache_is_moved_aside_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    path = tmp_path / "http.sqlite"
    data = filled_cache(path)
    damaged = {
        "garbage": b"\x00not SQLite\xff" * 500,
        "truncated": data[: len(data) // 3],
        "zeroed header": b"\x00" * 100 + data[100:],
    }[damage]
    path.write_bytes(damaged)
    with caplog.at_level(logging.WARNING, logger="tpnb.http.backends"):
        backend = build_backend(sqlite_settings(path))
    try:
        assert isinstance(backend, SQLiteCache)
        assert backend.responses.count() == 0  # a fresh, working cache
        backend.responses["k"] = None  # type: ignore[assignment]
        assert "k" in backend.responses
    finally:
        backend.close()
    moved = list(tmp_path.glob("http.sqlite.corrupt-*"))
    assert [p.read_bytes() for p in moved if not p.name.endswith(("-wal", "-shm"))] == [damaged]
    assert any(
        r.levelno == logging.WARNING and "http.sqlite" in r.getMessage() for r in caplog.records
    )
    assert (path.stat().st_mode & 0o777) == 0o600


def test_healthy_cache_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "http.sqlite"
    data = filled_cache(path, rows=50)
    assert repair_sqlite_cache(path) is None
    assert path.read_bytes() == data
    assert repair_sqlite_cache(tmp_path / "absent.sqlite") is None
    backend = build_backend(sqlite_settings(path))
    try:
        assert backend.responses.count() == 50
    finally:
        backend.close()


def test_unopenable_cache_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "http.sqlite"
    path.mkdir()  # a directory where the file should be
    with pytest.raises(ConfigError, match=r"http\.sqlite"):
        build_backend(sqlite_settings(path))
