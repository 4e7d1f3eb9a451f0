"""Cache backends: a corrupted SQLite cache file is moved aside and rebuilt, never a crash loop;
SQLite entries are a JSON head and the body as received."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sqlite3
from pathlib import Path

import pytest
import requests
import urllib3
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.models.response import CachedResponse

from tpnb.config import Settings
from tpnb.errors import ConfigError
from tpnb.http.backends import JSON_SERIALIZER, build_backend, repair_sqlite_cache


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


def page_response(body: bytes) -> requests.Response:
    """A real 200 JSON response (as urllib3 builds one) for ``body``."""
    response = requests.Response()
    response.status_code, response.reason, response._content = 200, "OK", body
    response.url = "http://127.0.0.1/v1/business-units/b1/all-reviews?perPage=100"
    response.headers.update({"Content-Type": "application/json", "ETag": '"e1"',
                             "Cache-Control": "public, max-age=60"})  # fmt: skip
    response.raw = urllib3.HTTPResponse(
        body=io.BytesIO(b""), headers=dict(response.headers), status=200,
        preload_content=False, request_url=response.url,
    )  # fmt: skip
    response.request = requests.Request(
        "GET", response.url, headers={"apikey": "k-secret-in-header"}
    ).prepare()
    return response


def test_sqlite_entry_is_a_json_head_and_the_body_as_received(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    backend = build_backend(sqlite_settings(path))
    body = json.dumps({"reviews": [{"id": "r1", "text": "caf\u00e9\nline two"}]}).encode()
    backend.save_response(page_response(body), cache_key="key-1")
    with contextlib.closing(sqlite3.connect(path)) as raw:
        (stored,) = raw.execute("SELECT value FROM responses WHERE key = 'key-1'").fetchone()
    head, newline, rest = bytes(stored).partition(b"\n")
    assert newline
    assert rest == body
    meta = json.loads(head)
    assert meta["status_code"] == 200
    assert "_content" not in meta
    assert b"k-secret-in-header" not in bytes(stored)  # the request's apikey stays redacted
    cached = backend.get_response("key-1")
    assert cached is not None
    assert cached.content == body
    assert cached.json() == json.loads(body)
    assert cached.headers["ETag"] == '"e1"'
    assert cached.status_code == 200
    backend.close()


def test_sqlite_entry_of_another_format_is_a_miss(tmp_path: Path) -> None:
    """An entry written by the plain JSON serializer (an older tpnb) or garbage is not read."""
    path = tmp_path / "c.sqlite"
    backend = build_backend(sqlite_settings(path))
    old = CachedResponse.from_response(page_response(b'{"reviews": []}'))
    with contextlib.closing(sqlite3.connect(path)) as raw, raw:
        raw.execute(
            "INSERT INTO responses (key, value) VALUES (?, ?), (?, ?)",
            ("old", JSON_SERIALIZER.dumps(old), "junk", b"\x00\xff not json"),
        )
    assert backend.get_response("old") is None
    assert backend.get_response("junk") is None
    backend.close()
