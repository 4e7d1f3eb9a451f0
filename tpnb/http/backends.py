"""Cache backends for one session: SQLite (default), memory, Redis.

Each session gets its own backend object (sessions sharing one would share its settings, the
identity ``key_fn`` included). SQLite and Redis store JSON, never pickle: a cache that several
people share must not run code when an entry is loaded. SQLite stores each entry as one line of
JSON (status, headers, the redacted request...) followed by the response body as received
(:data:`SQLITE_SERIALIZER`): base64-encoding a 137 KB review page into the JSON and decoding it
again cost more CPU than the whole SQLite write, and made the file a third larger.

A corrupted SQLite cache file (not a database, or a damaged one) is rebuilt, not reported: a cache
is disposable. Before opening, a cheap probe reads the schema and counts each table's rows; when
SQLite says the file is corrupt, the file (and its ``-wal``/``-shm`` companions) is moved aside to
``<name>.corrupt-<timestamp>``, a warning is logged, and an empty cache is started. The probe and
the move run under a file lock, so two processes finding the same damage move it once.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import attrs
import filelock
import platformdirs
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.models.response import CachedResponse
from requests_cache.serializers import SerializerPipeline, Stage
from requests_cache.serializers.preconf import json_preconf_stage

from tpnb.config import Settings
from tpnb.errors import ConfigError

__all__ = [
    "JSON_SERIALIZER",
    "SQLITE_SERIALIZER",
    "build_backend",
    "default_cache_path",
    "repair_sqlite_cache",
]

logger = logging.getLogger(__name__)

#: SQLite result codes that mean the file itself is damaged (not busy, not unreadable)
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

#: requests-cache's JSON serializer without ``indent=2``: the same JSON (readable, never pickle)
#: written by the C encoder, several times faster than the pure-Python one ``indent`` forces
JSON_SERIALIZER = SerializerPipeline(
    [json_preconf_stage, Stage(dumps=json.dumps, loads=json.loads)], name="json", is_binary=False
)


def _dump_entry(value: Any) -> bytes:
    """A cache entry as stored in SQLite: a response without its body as one line of JSON (as
    :data:`JSON_SERIALIZER` writes it), a newline, then the body's bytes as received; any other
    value as one line of JSON."""
    if not isinstance(value, CachedResponse):
        return json.dumps(json_preconf_stage.dumps(value)).encode()
    bodiless = attrs.evolve(value, content=None)  # type: ignore[arg-type]  # None: not in the JSON
    head = json_preconf_stage.dumps(bodiless)
    return json.dumps(head).encode() + b"\n" + (value.content or b"")


def _load_entry(entry: bytes) -> Any:
    """The value :func:`_dump_entry` stored; anything else raises (requests-cache: a miss)."""
    head, newline, body = bytes(entry).partition(b"\n")  # JSON text never holds a raw newline
    value = json_preconf_stage.loads(json.loads(head))
    if newline:
        if not isinstance(value, CachedResponse):
            raise ValueError("a body after a cache entry that is not a response")
        value._content = body
    return value


#: SQLite's serializer: JSON for everything but the body, stored as received (see the module
#: docstring); its name is part of every cache key, so entries of another format are never read
SQLITE_SERIALIZER = SerializerPipeline(
    [Stage(dumps=_dump_entry, loads=_load_entry)], name="json+body", is_binary=True
)


def default_cache_path() -> Path:
    """``<user cache dir>/tpnb/http_cache.sqlite``."""
    return Path(platformdirs.user_cache_dir("tpnb", appauthor=False)) / "http_cache.sqlite"


def build_backend(settings: Settings, *, namespace: str = "tpnb") -> BaseCache:
    """A new cache backend object for one session, as the settings choose."""
    if settings.cache_backend == "memory":
        return BaseCache(cache_name="tpnb-memory")
    if settings.cache_backend == "redis":
        return _redis_backend(settings.redis_url or "", namespace)
    path = Path(settings.cache_path or default_cache_path())
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        repair_sqlite_cache(path)
        if not path.exists():  # create it private: the cache holds API answers
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        return SQLiteCache(path, serializer=SQLITE_SERIALIZER, wal=True, busy_timeout=30_000)
    except (OSError, sqlite3.Error) as error:
        raise ConfigError(
            f"cannot open the HTTP cache file {path}: {type(error).__name__}: {error}; check its "
            "permissions, delete it (a cache is disposable), set TPNB_CACHE_PATH elsewhere, "
            "or use cache_backend='memory'"
        ) from None


def _corruption(path: Path) -> str | None:
    """What SQLite says is wrong with the file at ``path``, or None when it reads fine."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with _closing(sqlite3.connect(path, timeout=30.0)) as probe:
            probe.execute("PRAGMA schema_version").fetchone()
            tables = [
                row[0]
                for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                quoted = table.replace('"', '""')
                probe.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()
    except sqlite3.DatabaseError as error:
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _CORRUPT_CODES:
            return str(error)
        text = str(error).lower()
        if "not a database" in text or "malformed" in text:
            return str(error)
        raise
    return None


class _closing:
    """Closes an sqlite3 connection on exit (its own ``with`` only ends a transaction)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def repair_sqlite_cache(path: Path) -> Path | None:
    """Move a corrupted SQLite cache file aside so an empty one can be started.

    Args:
        path: The cache file (its ``-wal`` and ``-shm`` files move with it).

    Returns:
        Where the damaged file went, or None when it was fine (or absent).
    """
    if _corruption(path) is None:  # the usual case: no lock taken
        return None
    with filelock.FileLock(str(path.with_name(path.name + ".lock")), timeout=60, mode=0o600):
        problem = _corruption(path)  # another process may have rebuilt it meanwhile
        if problem is None:
            return None
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{os.getpid()}")
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.replace(aside.with_name(aside.name + suffix))
        path.replace(aside)
        logger.warning(
            "tpnb: the HTTP cache file %s is corrupt (%s); moved it to %s and started an empty "
            "cache (cached answers will be fetched again)",
            path, problem, aside.name,
        )  # fmt: skip
        return aside


def _redis_backend(url: str, namespace: str) -> BaseCache:
    try:
        from redis import Redis
        from requests_cache.backends.redis import RedisCache, RedisDict
    except ImportError:  # pragma: no cover - redis is an optional extra
        raise ConfigError(
            "cache_backend='redis' needs the redis package: pip install tpnb[redis]"
        ) from None

    class _JsonRedisDict(RedisDict):
        """RedisDict writing with ``SET ... EX`` (redis-py 8 deprecates the ``setex`` it uses)."""

        def __setitem__(self, key: str, item: Any) -> None:
            ttl = None
            expires_delta = getattr(item, "expires_delta", None)
            if self.ttl and expires_delta is not None and expires_delta + self.ttl_offset > 0:
                ttl = int(expires_delta + self.ttl_offset)
            self.connection.set(self._bkey(key), self.serialize(item), ex=ttl)

    connection = Redis.from_url(url)
    cache = RedisCache(namespace=namespace, connection=connection, serializer=JSON_SERIALIZER)
    cache.responses = _JsonRedisDict(namespace, connection=connection, serializer=JSON_SERIALIZER)
    return cache
