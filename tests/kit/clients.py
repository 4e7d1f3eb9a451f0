"""Settings, connections and clients pointed at an emulator: the one way tests build them.

Every test client uses the emulator's demo credentials (``server.client_settings``), keeps its
tokens under the test's ``tmp_path``, never waits on tpnb's own pacing and retries at test speed
(:data:`QUICK`). Keyword options cover the other uses:

* ``fast=True``: :data:`FAST`, the fault suite's short time-outs and few retries, so a run
  under an injected fault ends in a second;
* ``client=``/``user=``: another api client or business user of the data set
  (``user=False``: key and secret only, the client-credentials login);
* ``cache_backend="sqlite"``: a cache file at ``tmp_path / "cache.sqlite"`` (the default is the
  memory cache); any other keyword is a :class:`~tpnb.config.Settings` field. The review store
  of ``reviews()`` is off unless a test asks for one (``review_store="memory"`` or a path).

:func:`token_pacing_window` scales tpnb's own token-request pacing (5 a minute) down to tests whose
emulator tokens live a second or two.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tpnb.client import Client
from tpnb.config import Settings
from tpnb.http.connection import Connection

#: Pace limits no test reaches: tests of pacing pass their own ``pace_limits``.
NO_PACING: tuple[tuple[int, float], ...] = ((1_000_000, 1.0),)

#: Back-offs of hundredths of a second and a token refreshed half a second before it expires:
#: retries and refreshes at test speed, with tpnb's default time-outs and retry count.
QUICK: dict[str, Any] = {
    "backoff_factor": 0.01,
    "backoff_max": 0.05,
    "token_refresh_skew": 0.5,
    "pace_limits": NO_PACING,
}

#: The fault suite's settings: short time-outs, small back-offs, bounded waits, no pacing.
FAST: dict[str, Any] = {
    "timeout": 0.5,
    "connect_timeout": 0.5,
    "max_retries": 4,
    "backoff_factor": 0.02,
    "backoff_max": 0.1,
    "retry_after_max": 2.0,
    "token_refresh_skew": 0.2,
    "pace_limits": NO_PACING,
}


@contextlib.contextmanager
def token_pacing_window(seconds: float = 1.0) -> Iterator[None]:
    """tpnb paces token requests per ``seconds`` instead of per minute while the block runs.

    tpnb sends at most ``TOKEN_REQUEST_LIMIT[0]`` token requests (logins and refreshes) per
    client in ``TOKEN_REQUEST_LIMIT[1]`` seconds (5 a minute) and sleeps out the rest of the
    window. Against tokens that live 100 hours that never happens; against an emulator whose
    tokens live a second or two, a test would wait out whole minutes of real time (about 55 s per
    wait). This keeps the count and the pacing code, on a window as short as the tokens.

    Args:
        seconds: The pacing window.
    """
    from tpnb.http import tokens

    saved = tokens.TOKEN_REQUEST_LIMIT
    tokens.TOKEN_REQUEST_LIMIT = (saved[0], seconds)
    try:
        yield
    finally:
        tokens.TOKEN_REQUEST_LIMIT = saved


def settings_for(
    server: Any,
    tmp_path: Path,
    *,
    fast: bool = False,
    client: Any = None,
    user: Any = None,
    **overrides: Any,
) -> Settings:
    """Settings against ``server`` with the cache file and token dir under ``tmp_path``.

    Args:
        server: A running :class:`~tpnb.emulator.EmulatorServer`.
        tmp_path: The test's own directory (tokens in ``tokens/``, a SQLite cache in
            ``cache.sqlite`` when ``cache_backend="sqlite"``).
        fast: Use :data:`FAST` (fault runs) instead of :data:`QUICK`.
        client: Another api client of the data set (its key and secret).
        user: Another business user of the data set; ``False`` for key and secret only.
        **overrides: Any :class:`~tpnb.config.Settings` field, applied last.
    """
    values: dict[str, Any] = {
        **server.client_settings,
        "cache_backend": "memory",
        "cache_path": tmp_path / "cache.sqlite",
        "token_dir": tmp_path / "tokens",
        "review_store": "off",
        **(FAST if fast else QUICK),
    }
    if client:
        values["api_key"], values["api_secret"] = client.api_key, client.api_secret
    if user is False:
        values["username"] = values["password"] = None
    elif user is not None:
        values["username"], values["password"] = user.username, user.password
    values.update(overrides)
    return Settings(**values)


def connect_to(server: Any, tmp_path: Path, **options: Any) -> Connection:
    """A :class:`~tpnb.http.connection.Connection` from :func:`settings_for`'s options."""
    return Connection(settings_for(server, tmp_path, **options))


def client_for(server: Any, tmp_path: Path, **options: Any) -> Client:
    """A :class:`tpnb.Client` from :func:`settings_for`'s options."""
    return Client(Connection(settings_for(server, tmp_path, **options)))
