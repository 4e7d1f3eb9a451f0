"""Identities never cross through a shared cache; transport and storage defaults are safe.

* two api keys and two business users on one SQLite cache file never see each other's data;
* non-loopback base URLs must be https; the emulator and the webhook receiver bind loopback by
  default (function defaults, CLI defaults and the address actually bound);
* the shared cache backends (Redis, SQLite) never unpickle: a pickle payload handed to their
  deserializers is refused without running.
"""

from __future__ import annotations

import contextlib
import inspect
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kit.clients import client_for
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT

from tpnb.config import Settings
from tpnb.emulator import EmulatorOptions, EmulatorServer, serve
from tpnb.errors import ConfigError, ForbiddenError, UnauthorizedError


@pytest.fixture(scope="module")
def iso_server() -> Iterator[EmulatorServer]:
    """A private small emulator (its request log is read by these tests)."""
    with serve(
        scale=0.02, rate_limits=GENEROUS_RATE_LIMITS, refresh_limit=GENEROUS_REFRESH_LIMIT
    ) as server:
        yield server


def shared(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    """Settings overrides putting every client on one SQLite cache file."""
    return {"cache_backend": "sqlite", "cache_path": tmp_path / "shared.sqlite", **overrides}


def users(server: EmulatorServer) -> tuple[Any, Any, str, str]:
    """The demo user, another user, a unit only the demo user sees, one only the other sees."""
    ds = server.dataset
    demo = ds.user_by_username(server.credentials["username"])
    assert demo is not None
    other = next(
        u for u in ds.accounts.users
        if u.id != demo.id and u.business_unit_ids - demo.business_unit_ids
        and demo.business_unit_ids - u.business_unit_ids
    )  # fmt: skip
    size = lambda bu: len(ds.query_reviews(business_unit_id=bu))  # noqa: E731
    mine = max(demo.business_unit_ids - other.business_unit_ids, key=size)
    theirs = max(other.business_unit_ids - demo.business_unit_ids, key=size)
    return demo, other, mine, theirs


def test_two_api_keys_one_cache(iso_server: EmulatorServer, tmp_path: Path) -> None:
    """A cached answer for key A is never served to key B (valid or not)."""
    _, _, unit, _ = users(iso_server)
    a = client_for(iso_server, tmp_path / "a", **shared(tmp_path), fast=True)
    with a:
        a.business_unit(unit)
        first = a.reviews(unit, limit=150, progress=False)
        before = iso_server.admin.request_count
        assert a.reviews(unit, limit=150, progress=False).equals(first)
        assert iso_server.admin.request_count == before, "A's repeat should be a cache hit"
    bogus = client_for(
        iso_server, tmp_path / "b", **shared(tmp_path, api_key="not-a-registered-key-zz"), fast=True
    )
    with bogus, pytest.raises(UnauthorizedError):
        bogus.business_unit(unit)
    second = next(k for k in iso_server.dataset.accounts.clients if k != a.settings.api_key)
    client = iso_server.dataset.accounts.clients[second]
    b = client_for(
        iso_server, tmp_path / "c",
        **shared(tmp_path, api_key=client.api_key, api_secret=client.api_secret), fast=True,
    )  # fmt: skip
    with b:
        before = iso_server.admin.request_count
        assert b.reviews(unit, limit=150, progress=False).equals(first)
        assert iso_server.admin.request_count > before, "key B was served key A's cache entry"


def test_two_business_users_one_cache(iso_server: EmulatorServer, tmp_path: Path) -> None:
    """User B never gets user A's private answers from the shared cache, 304s included."""
    _, other, mine, theirs = users(iso_server)
    review = iso_server.dataset.review_id(
        int(iso_server.dataset.query_reviews(business_unit_id=mine, include_reported=True)[0])
    )
    a = client_for(iso_server, tmp_path / "a", **shared(tmp_path), fast=True)
    with a:
        a.private_reviews(mine, limit=120, progress=False)
        a.private_review(review)
    b = client_for(
        iso_server, tmp_path / "b",
        **shared(tmp_path, username=other.username, password=other.password), fast=True,
    )  # fmt: skip
    with b:
        with pytest.raises(ForbiddenError):
            b.private_reviews(mine, limit=120, progress=False)
        with pytest.raises(ForbiddenError):
            b.private_review(review)
        own = b.private_reviews(theirs, limit=50, progress=False)
        assert set(own["business_unit_id"]) == {theirs}


@pytest.mark.parametrize("field", ["base_url", "invitations_url", "authorize_url"])
@pytest.mark.parametrize(
    "url",
    ["http://api.trustpilot.com/v1", "http://localhost.example.com/v1", "http://10.0.0.5/v1",
     "http://127.0.0.1.nip.io/v1", "ftp://127.0.0.1/v1"],
)  # fmt: skip
def test_https_required_off_loopback(field: str, url: str) -> None:
    """Plain http is refused for any host that is not loopback, naming the setting."""
    with pytest.raises(ConfigError, match=field):
        Settings(api_key="k", **{field: url})


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765/v1", "http://localhost:1/v1", "http://[::1]:9/v1"]
)
def test_http_allowed_on_loopback(url: str) -> None:
    """The emulator's plain-http loopback URL is accepted."""
    assert Settings(api_key="k", base_url=url).base_url == url


def test_emulator_and_receiver_bind_loopback(tmp_path: Path) -> None:
    """Defaults (functions and CLIs) and the address actually bound are loopback."""
    from tpnb.cli import emulator as emulator_cli
    from tpnb.cli import webhooks as webhooks_cli
    from tpnb.store import webhooks

    assert EmulatorOptions().host == "127.0.0.1"  # serve()'s default: EmulatorOptions'
    assert inspect.signature(webhooks.serve).parameters["host"].default == "127.0.0.1"
    for module in (emulator_cli, webhooks_cli):  # the CLIs' --host default
        assert 'default="127.0.0.1"' in inspect.getsource(module), module.__name__
    with serve(scale=0.01) as server:
        assert server._server is not None
        assert server._server.server_address[0] == "127.0.0.1"
    with webhooks.serve(tmp_path / "a.sqlite", username="u", password="p") as receiver:
        assert receiver.address[0] == "127.0.0.1"
        assert receiver.url.startswith("http://127.0.0.1:")


class _Payload:
    """Unpickling this creates a marker file: proof that code ran on load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("backend", ["redis", "sqlite"])
def test_shared_backends_never_unpickle(backend: str, tmp_path: Path) -> None:
    """Every serializer of the backend refuses a pickle payload and runs nothing."""
    from tpnb.http.backends import build_backend

    settings = Settings(
        api_key="k",
        cache_backend=backend,
        redis_url="redis://127.0.0.1:1/0",  # never contacted: only the serializers are used
        cache_path=tmp_path / "c.sqlite",
    )
    cache = build_backend(settings)
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Payload(marker))
    stores = [getattr(cache, name) for name in ("responses", "redirects")]
    serializers = [getattr(s, "serializer", None) for s in stores]
    assert serializers[0] is not None
    for serializer in serializers:
        if serializer is None:
            continue
        assert "pickle" not in repr(serializer).lower()
        for blob in (payload, payload.decode("latin-1")):
            with contextlib.suppress(Exception):  # refused: the point
                serializer.loads(blob)
            assert not marker.exists(), f"{backend} deserializer ran a pickle payload"
    if backend == "sqlite":
        cache.close()
