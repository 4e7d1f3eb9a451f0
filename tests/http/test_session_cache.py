"""The cache against the real emulator: max-age hits, 304 revalidation, no-store, identities
that never cross, no secret in any file or log, SQLite under 4 processes x 8 threads, Redis."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kit.clients import connect_to, settings_for
from kit.processes import finish, run_child
from kit.server import other_client, user_units

from tpnb.http.connection import Connection


def unit_ids(server: Any, n: int = 3) -> list[str]:
    return list(server.dataset.business_unit_ids())[:n]


def gets(server: Any, path: str) -> int:
    return sum(1 for m, p in server.admin.requests if m == "GET" and p.endswith(path))


def test_max_age_hit_then_no_request(emulator: Any, tmp_path: Path) -> None:
    unit = unit_ids(emulator)[0]
    path = f"/business-units/{unit}"
    with connect_to(emulator, tmp_path, cache_backend="sqlite") as conn:
        before = gets(emulator, path)
        first = conn.get_json(path)
        second = conn.get_json(path)
        assert first == second
        assert gets(emulator, path) == before + 1
        assert conn.stats.cache_hits == 1
        assert conn.stats.requests == 1
        assert conn.stats.bytes_received > 0


def test_revalidation_with_etag_gives_304(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(max_age={"business-unit": 0})
    unit = unit_ids(server)[0]
    with connect_to(server, tmp_path, cache_backend="sqlite") as conn:
        first = conn.get_json(f"/business-units/{unit}")
        second = conn.get_json(f"/business-units/{unit}")
        assert first == second
        assert conn.stats.requests == 2
        assert conn.stats.revalidations == 1
        assert conn.stats.cache_hits == 0


def test_no_store_is_never_cached(emulator: Any, tmp_path: Path) -> None:
    path = f"/private/business-units/{user_units(emulator, emulator.credentials['username'])[0]}/reviews"
    with connect_to(
        emulator, tmp_path, cache_expiry={"private": 3600.0}, cache_backend="sqlite"
    ) as conn:
        conn.get_json(path, private=True)
        conn.get_json(path, private=True)
        assert conn.stats.cache_hits == 0
        assert conn.stats.requests == 3  # token + two calls
        assert len(conn.session.cache.responses) == 0


def test_two_api_keys_on_one_cache_file_never_cross(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(max_age={"business-unit": 0})  # entries kept with an ETag
    unit = unit_ids(server)[0]
    path = f"/business-units/{unit}"
    with (
        connect_to(server, tmp_path, cache_backend="sqlite") as a,
        connect_to(server, tmp_path, client=other_client(server), cache_backend="sqlite") as b,
    ):
        a.get_json(path)
        b.get_json(path)
        assert b.stats.revalidations == 0  # B did not revalidate A's entry with A's ETag
        assert b.stats.cache_hits == 0
        a.get_json(path)
        assert a.stats.revalidations == 1  # A finds its own entry
        assert len(a.session.cache.responses) == 2  # one entry per identity, same URL


def test_cold_and_warm_stats(emulator: Any, tmp_path: Path) -> None:
    calls = [f"/business-units/{u}" for u in unit_ids(emulator, 5)]
    cold_warm = []
    for _ in range(2):
        with connect_to(emulator, tmp_path, cache_backend="sqlite") as conn:
            for path in calls:
                conn.get_json(path)
            cold_warm.append(conn.stats.snapshot())
    cold, warm = cold_warm
    assert cold.requests == 5
    assert cold.cache_hits == 0
    assert warm.requests == 0  # the cache file outlives the connection
    assert warm.cache_hits == 5
    assert warm.bytes_received == 0
    print("cold:", cold, "\nwarm:", warm)


def test_no_secret_in_any_file_or_log(
    emulator: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = settings_for(emulator, tmp_path, cache_backend="sqlite")
    tokens: set[str] = set()
    with Connection(settings) as conn:
        assert conn.tokens is not None
        unit = user_units(emulator, emulator.credentials["username"])[0]
        conn.get_json(f"/business-units/{unit}")
        conn.get_json(f"/business-units/{unit}/reviews", {"perPage": 5})
        conn.get_json(f"/private/business-units/{unit}/reviews", private=True)
        tokens.update(conn.tokens.secrets())
        emulator.admin.expire_tokens()  # force a 401 and a refresh
        conn.get_json(f"/private/business-units/{unit}/reviews", private=True)
        tokens.update(conn.tokens.secrets())
        try:
            conn.get_json("/business-units/ffffffffffffffffffffffff")
        except Exception as error:  # an API error's message and repr
            logging.getLogger("test").error("%s %r", error, error)
        logging.getLogger("test").debug("%r %r %r", conn, conn.settings, conn.stats)
    assert len(tokens) >= 4  # two access and two refresh tokens were used
    credentials = [settings.api_key, settings.api_secret, settings.password]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite" for p in written)
    assert any(p.name.startswith("token-") and p.suffix == ".json" for p in written)
    for path in written:
        data = path.read_bytes()
        # token files hold the tokens (that is their job); nothing else may hold any secret
        secrets = credentials if path.name.startswith("token-") else [*credentials, *tokens]
        for secret in secrets:
            assert secret
            assert secret.encode() not in data, f"a secret leaked into {path.name}"
    log = caplog.text
    assert "tpnb" in log or "urllib3" in log  # DEBUG logging was captured
    for secret in [*credentials, *tokens]:
        assert secret
        assert secret not in log


CHILD_LOAD = """
import json, sys, threading
from tpnb.config import Settings
from tpnb.http.connection import Connection
conn = Connection(Settings.from_env())
ids = sys.argv[1].split(",")
errors, wrong, done = [], [], []
def work(n):
    try:
        for i in range(40):
            unit = ids[(i + n) % len(ids)]
            body = conn.get_json("/business-units/" + unit)
            if body.get("id") != unit:
                wrong.append(unit)
            done.append(1)
    except Exception as e:
        errors.append(repr(e))
ts = [threading.Thread(target=work, args=(n,)) for n in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(json.dumps({"errors": errors, "wrong": wrong, "done": len(done), "stats": conn.stats.as_dict()}))
"""


@pytest.mark.slow
def test_sqlite_4_processes_x_8_threads(emulator: Any, tmp_path: Path) -> None:
    settings = settings_for(emulator, tmp_path, cache_backend="sqlite")
    ids = ",".join(list(emulator.dataset.business_unit_ids())[:12])
    results = [
        finish(p, timeout=120) for p in [run_child(settings, CHILD_LOAD, ids) for _ in range(4)]
    ]
    for result in results:
        assert result["errors"] == []
        assert result["wrong"] == []
        assert result["done"] == 8 * 40
    total_sent = sum(r["stats"]["requests"] for r in results)
    assert sum(r["stats"]["cache_hits"] for r in results) == 4 * 8 * 40 - total_sent
    assert total_sent < 4 * 8 * 40 / 4  # nearly everything came from the shared cache


# ---------------------------------------------------------------------------------- Redis
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (the project's test command installs it)")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.redis
def test_redis_backend_shared_json_and_partitioned(
    emulator: Any, tmp_path: Path, redis_url: str
) -> None:
    import redis

    unit = unit_ids(emulator)[0]
    path = f"/business-units/{unit}"
    kwargs = {"cache_backend": "redis", "redis_url": redis_url}
    with (
        connect_to(emulator, tmp_path, **kwargs) as a1,
        connect_to(emulator, tmp_path, **kwargs) as a2,
    ):
        first = a1.get_json(path)
        assert a2.get_json(path) == first  # a teammate's session: served from the shared cache
        assert a2.stats.cache_hits == 1
        assert a2.stats.requests == 0
    with connect_to(emulator, tmp_path, client=other_client(emulator), **kwargs) as b:
        b.get_json(path)
        assert b.stats.cache_hits == 0  # another api key never sees the entry
    settings = settings_for(emulator, tmp_path, cache_backend="sqlite")
    store = redis.Redis.from_url(redis_url)
    values = [store.dump(k) or b"" for k in store.keys("*")]
    raw = [store.get(k) for k in store.keys("*") if store.type(k) == b"string"]
    assert raw
    for value in raw:
        assert value is not None
        json.loads(value)  # JSON, not pickle: nothing runs code on load
    for blob in [*values, *(v or b"" for v in raw)]:
        for secret in (settings.api_key, settings.api_secret, settings.password):
            assert secret is not None
            assert secret.encode() not in blob
    store.close()
