"""Fixtures of the emulator's HTTP tests (helpers live in ``tests/kit/emulator_http.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from kit.emulator_http import Api, make_api

from tpnb.emulator import EmulatorServer


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[Api]:
    """An :class:`Api` on the shared small emulator."""
    yield from make_api(emulator)


@pytest.fixture(scope="module")
def bearer(emulator: EmulatorServer) -> str:
    """A demo business user's access token on the shared emulator."""
    with requests.Session() as session:
        return Api(emulator, session).access_token()
