"""Shared fixtures: the real emulator, served over loopback.

* ``emulator``: one server for the whole session, small data set (``scale=EMULATOR_SCALE``),
  generous rate limits and refresh throttle (so unrelated tests never meet a 429). Treat it as
  read-only: do not add/edit reviews or leave faults on (use ``make_emulator`` for that). The
  ``emulator_admin_reset`` fixture resets faults, limits and the request log after a test.
* ``emulator_full``: one full-scale server (the default data set, > 100,000 reviews in one unit),
  for the 100k cap and deep pagination. Read-only too.
* ``make_emulator``: a factory of private servers (``make_emulator(scale=0.02, token_lifetime=2)``)
  stopped at the end of the test: for mutations, webhooks, faults, rate limits and throttling.
* ``tp``: a data client on ``emulator`` (demo credentials, memory cache), one per test module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import EMULATOR_SCALE, GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT

from tpnb.client import Client
from tpnb.emulator import EmulatorServer, serve


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    """The shared, read-only, small-scale emulator."""
    with serve(
        scale=EMULATOR_SCALE,
        rate_limits=GENEROUS_RATE_LIMITS,
        refresh_limit=GENEROUS_REFRESH_LIMIT,
    ) as server:
        yield server


@pytest.fixture(scope="session")
def emulator_full() -> Iterator[EmulatorServer]:
    """The shared, read-only, full-scale emulator (default data set)."""
    with serve(
        scale=1.0,
        rate_limits=GENEROUS_RATE_LIMITS,
        refresh_limit=GENEROUS_REFRESH_LIMIT,
    ) as server:
        yield server


@pytest.fixture
def emulator_admin_reset(emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    """The shared emulator, with faults/limits/log reset after the test."""
    yield emulator
    emulator.admin.reset()
    emulator.admin.set_rate_limits(GENEROUS_RATE_LIMITS)
    emulator.admin.set_refresh_limit(*GENEROUS_REFRESH_LIMIT)


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., EmulatorServer]]:
    """A factory of private emulators (keyword arguments of ``serve``), stopped afterwards."""
    servers: list[EmulatorServer] = []

    def factory(**kwargs: Any) -> EmulatorServer:
        kwargs.setdefault("scale", 0.02)
        server = serve(**kwargs)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def tp(emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """A client on the shared emulator, one per test module."""
    client = client_for(emulator, tmp_path_factory.mktemp("tp"))
    yield client
    client.close()
