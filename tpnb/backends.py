"""Cache backends for one session: SQLite (default), memory, Redis.

Each session gets its own backend object (sessions sharing one would share its settings, the
identity ``key_fn`` included). SQLite and Redis store JSON, never pickle: a cache that several
people share must not run code when an entry is loaded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.serializers import SerializerPipeline, Stage
from requests_cache.serializers.preconf import json_preconf_stage

from tpnb.config import Settings
from tpnb.errors import ConfigError

__all__ = ["JSON_SERIALIZER", "build_backend", "default_cache_path"]

#: requests-cache's JSON serializer without ``indent=2``: the same JSON (readable, never pickle)
#: written by the C encoder, several times faster than the pure-Python one ``indent`` forces
JSON_SERIALIZER = SerializerPipeline(
    [json_preconf_stage, Stage(dumps=json.dumps, loads=json.loads)], name="json", is_binary=False
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
    path = settings.cache_path or default_cache_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():  # create it private: the cache holds API answers
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return SQLiteCache(path, serializer=JSON_SERIALIZER, wal=True, busy_timeout=30_000)


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
