"""Re-authentication on a private call: once on a 401 or a 403, then raise (trustpilot-api.md §7).

Against the real emulator over loopback; token requests are counted in the emulator's own
request log, not in tpnb's statistics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kit.clients import connect_to
from kit.faultproxy import FaultProxy, Rule
from kit.server import count_calls, other_user, user_units

from tpnb.errors import ForbiddenError, UnauthorizedError

ACCESS = "/oauth/oauth-business-users-for-applications/accesstoken"
REFRESH = "/oauth/oauth-business-users-for-applications/refresh"


def _token_requests(server: Any) -> int:
    return count_calls(server, ACCESS) + count_calls(server, REFRESH)


def _own_path(server: Any, username: str | None = None) -> str:
    unit = user_units(server, username or server.credentials["username"])[0]
    return f"/private/business-units/{unit}/reviews"


def test_one_403_renews_once_and_succeeds(emulator: Any, tmp_path: Path) -> None:
    path = _own_path(emulator)
    with (
        FaultProxy(emulator.url) as proxy,
        connect_to(emulator, tmp_path, base_url=proxy.url + "/v1", cache_backend="memory") as conn,
    ):
        conn.get_json(path, private=True)  # logs in
        before = _token_requests(emulator)
        rule = proxy.add(
            Rule(r"/private/business-units/.*/reviews", status=403, body=b'{"message": "x"}')
        )
        answer = conn.get_json(path, private=True, params={"page": 2})
        assert isinstance(answer["reviews"], list)
        assert rule.hits == 2  # the refused call and the one after the renewal
        assert _token_requests(emulator) == before + 1


def test_expired_token_gets_401_renews_once_and_succeeds(emulator: Any, tmp_path: Path) -> None:
    path = _own_path(emulator)
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        conn.get_json(path, private=True)
        before = _token_requests(emulator)
        emulator.admin.expire_tokens()  # tpnb still thinks its token is valid: the server 401s
        answer = conn.get_json(path, private=True, params={"page": 2})
        assert isinstance(answer["reviews"], list)
        assert count_calls(emulator, REFRESH) >= 1
        assert _token_requests(emulator) == before + 1


def test_persistent_403_raises_after_exactly_one_renewal(emulator: Any, tmp_path: Path) -> None:
    bob = other_user(emulator)
    foreign = _own_path(emulator)  # a unit of the demo user, not of bob
    assert foreign.split("/")[3] not in bob.business_unit_ids
    with connect_to(emulator, tmp_path, user=bob, cache_backend="memory") as conn:
        conn.get_json(_own_path(emulator, bob.username), private=True)  # logs in
        before = _token_requests(emulator)
        with pytest.raises(ForbiddenError) as refused:
            conn.get_json(foreign, private=True)
        assert refused.value.status == 403
        assert _token_requests(emulator) == before + 1


def test_later_403s_to_the_fresh_token_spend_no_more_token_requests(
    emulator: Any, tmp_path: Path
) -> None:
    """A 403 that a fresh token also gets is about permission: no renewal per later call."""
    bob = other_user(emulator)
    foreign = _own_path(emulator)
    with connect_to(emulator, tmp_path, user=bob, cache_backend="memory") as conn:
        conn.get_json(_own_path(emulator, bob.username), private=True)
        before = _token_requests(emulator)
        for page in (1, 2, 3):
            with pytest.raises(ForbiddenError):
                conn.get_json(foreign, private=True, params={"page": page})
        assert _token_requests(emulator) == before + 1
        # the token still works where bob is allowed, and a 401 still earns a renewal
        assert isinstance(conn.get_json(_own_path(emulator, bob.username), private=True), dict)
        emulator.admin.expire_tokens()
        conn.get_json(_own_path(emulator, bob.username), private=True, params={"page": 2})
        assert _token_requests(emulator) == before + 2


def test_persistent_401_raises_after_exactly_one_renewal(emulator: Any, tmp_path: Path) -> None:
    path = _own_path(emulator)
    with (
        FaultProxy(emulator.url) as proxy,
        connect_to(emulator, tmp_path, base_url=proxy.url + "/v1", cache_backend="memory") as conn,
    ):
        conn.get_json(path, private=True)
        before = _token_requests(emulator)
        proxy.add(
            Rule(
                r"/private/business-units/.*/reviews",
                status=401,
                body=b'{"fault": {"faultstring": "Invalid Access Token"}}',
                times=None,
            )
        )
        with pytest.raises(UnauthorizedError):
            conn.get_json(path, private=True, params={"page": 2})
        assert _token_requests(emulator) == before + 1


def test_public_403_is_not_a_reason_to_log_in(emulator: Any, tmp_path: Path) -> None:
    with (
        FaultProxy(emulator.url) as proxy,
        connect_to(emulator, tmp_path, base_url=proxy.url + "/v1", cache_backend="memory") as conn,
    ):
        before = _token_requests(emulator)
        proxy.add(Rule(r"/business-units/find", status=403, body=b'{"message": "x"}'))
        with pytest.raises(ForbiddenError):
            conn.get_json("/business-units/find", {"name": "x.example"})
        assert _token_requests(emulator) == before
