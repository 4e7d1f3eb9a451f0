"""Logins under faults, against the real emulator: password and client-credentials logins are
retried (dropped connections, cut bodies, 5xx), a refresh is sent once and a lost refresh answer
falls back to a fresh login, or (authorization code) to an AuthError that keeps the stored login."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from kit.clients import settings_for
from kit.server import count_calls, user_units

from tpnb.errors import AuthError
from tpnb.http.connection import Connection
from tpnb.http.tokens import AnswerLost

TOKENS = "/oauth/oauth-business-users-for-applications"
ACCESS = f"{TOKENS}/accesstoken"
REFRESH = f"{TOKENS}/refresh"

#: one fault on the token POST, as keyword arguments of ``admin.set_faults``
FAULTS = {
    "502": {"fail_next": [502]},
    "503 twice": {"fail_next": [503, 503]},
    "dropped": {"drop_next": 1},
    "truncated": {"truncate_next": 1},
    "dropped then cut": {"drop_next": 1, "truncate_next": 1},
}


def private_path(server: Any) -> str:
    unit = user_units(server, server.credentials["username"])[0]
    return f"/private/business-units/{unit}/reviews"


def faults_on(server: Any, path: str, faults: dict[str, Any]) -> int:
    """Turn ``faults`` on for ``path`` only; returns how many failed attempts they cause."""
    server.admin.set_faults(path_prefix=urlsplit(server.api_url).path + path, **faults)
    return (
        len(faults.get("fail_next", []))
        + faults.get("drop_next", 0)
        + faults.get("truncate_next", 0)
    )


@pytest.mark.parametrize("grant", ["password", "client_credentials"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_login_is_retried(
    emulator_admin_reset: Any, tmp_path: Path, grant: str, fault: str
) -> None:
    server = emulator_admin_reset
    user = None if grant == "password" else False
    failures = faults_on(server, ACCESS, FAULTS[fault])
    settings = settings_for(server, tmp_path, user=user, cache_backend="memory")
    with Connection(settings) as conn:
        assert conn.tokens is not None
        assert conn.tokens.grant == grant
        token = conn.tokens.bearer()  # the login under faults
        assert conn.stats.retries == failures
        assert conn.stats.token_requests == 1  # one logical login, retried below
        assert server.admin.faults.drop_next == server.admin.faults.truncate_next == 0
        stored = conn.tokens.store.read(conn.tokens._key())
        assert stored is not None
        assert stored["access_token"] == token  # a whole token was kept, not a cut one
        if grant == "password":
            assert isinstance(conn.get_json(private_path(server), private=True)["reviews"], list)


def test_login_gives_up_after_bounded_retries(emulator_admin_reset: Any, tmp_path: Path) -> None:
    server = emulator_admin_reset
    faults_on(server, ACCESS, {"fail_next": [503] * 10})
    settings = settings_for(server, tmp_path, cache_backend="memory", max_retries=2)
    with Connection(settings) as conn:
        server.admin.clear_requests()
        with pytest.raises(AuthError, match=r"HTTP 503.*try again later") as info:
            conn.get_json(private_path(server), private=True)
        assert isinstance(info.value, AnswerLost)
        assert conn.stats.requests == 3  # the first attempt and max_retries=2
        assert settings.password not in str(info.value)
        assert settings.api_secret not in str(info.value)


def test_login_with_every_answer_dropped_is_a_clear_error(
    emulator_admin_reset: Any, tmp_path: Path
) -> None:
    server = emulator_admin_reset
    faults_on(server, ACCESS, {"drop_rate": 1.0})
    settings = settings_for(server, tmp_path, cache_backend="memory", max_retries=1)
    with Connection(settings) as conn, pytest.raises(AuthError, match="password login failed"):
        conn.get_json(private_path(server), private=True)
    assert not list((tmp_path / "tokens").glob("token-*.json"))


def test_wrong_password_is_not_retried(emulator_admin_reset: Any, tmp_path: Path) -> None:
    settings = settings_for(emulator_admin_reset, tmp_path, cache_backend="memory", password="no")
    with Connection(settings) as conn:
        with pytest.raises(AuthError, match="TRUSTPILOT_PASSWORD") as info:
            conn.get_json(private_path(emulator_admin_reset), private=True)
        assert not isinstance(info.value, AnswerLost)
        assert conn.stats.retries == 0


@pytest.mark.parametrize("fault", ["truncated", "502", "dropped"])
def test_lost_refresh_answer_falls_back_to_a_login(
    emulator_admin_reset: Any, tmp_path: Path, fault: str
) -> None:
    """A refresh is sent once, never repeated; when its answer is lost, a password login."""
    server = emulator_admin_reset
    path = private_path(server)
    with Connection(settings_for(server, tmp_path, cache_backend="memory")) as conn:
        conn.get_json(path, private=True)
        server.admin.expire_tokens()  # next call: 401, then a refresh
        faults_on(server, REFRESH, FAULTS[fault])
        server.admin.clear_requests()
        assert isinstance(conn.get_json(path, private=True)["reviews"], list)
        assert conn.stats.retries == 0  # the refresh was not repeated
        assert count_calls(server, ACCESS) == 1  # the fallback login
        assert count_calls(server, REFRESH) <= 1
        assert conn.stats.token_requests == 3  # login, refresh, login


def code_login(server: Any, conn: Connection, redirect: str) -> None:
    answer = requests.post(
        conn.authorization_url(redirect),
        data={
            "username": server.credentials["username"],
            "password": server.credentials["password"],
        },
        allow_redirects=False,
        timeout=10,
    )
    conn.login_with_code(parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0], redirect)


def test_lost_refresh_answer_of_a_code_login_keeps_the_login(
    emulator_admin_reset: Any, tmp_path: Path
) -> None:
    """No password to fall back on: an AuthError, the stored login kept; a dropped refresh never
    reached the server, so the next call's refresh works."""
    server = emulator_admin_reset
    path = private_path(server)
    redirect = "http://127.0.0.1:9/callback"
    settings = settings_for(server, tmp_path, user=False, cache_backend="memory")
    with Connection(settings) as conn:
        code_login(server, conn, redirect)
        conn.get_json(path, private=True)
        token_file = conn.tokens.token_path if conn.tokens else None
        assert token_file is not None
        assert token_file.exists()
        server.admin.expire_tokens()
        faults_on(server, REFRESH, {"drop_next": 1})
        with pytest.raises(AuthError, match=r"no usable answer.*kept.*log in again"):
            conn.get_json(path, private=True)
        assert token_file.exists()
        server.admin.clear_requests()
        assert isinstance(conn.get_json(path, private=True)["reviews"], list)
        assert count_calls(server, REFRESH) == 1
        assert count_calls(server, ACCESS) == 0


def test_used_up_refresh_of_a_code_login_says_log_in_again(
    emulator_admin_reset: Any, tmp_path: Path
) -> None:
    """A cut refresh answer used the refresh token up: the retry is refused, the file deleted."""
    server = emulator_admin_reset
    path = private_path(server)
    settings = settings_for(server, tmp_path, user=False, cache_backend="memory")
    with Connection(settings) as conn:
        code_login(server, conn, "http://127.0.0.1:9/callback")
        conn.get_json(path, private=True)
        token_file = conn.tokens.token_path if conn.tokens else None
        assert token_file is not None
        server.admin.expire_tokens()
        faults_on(server, REFRESH, {"truncate_next": 1})
        with pytest.raises(AuthError, match="no usable answer"):
            conn.get_json(path, private=True)
        with pytest.raises(AuthError, match=r"can no longer be renewed.*login_with_code"):
            conn.get_json(path, private=True)
        assert not token_file.exists()
