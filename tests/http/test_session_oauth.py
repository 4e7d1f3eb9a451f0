"""The OAuth lifecycle against the real emulator over loopback: grants, reuse across processes,
exactly-one refresh under threads and processes, revocation, 401 then retry, logout."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from kit.clients import connect_to, settings_for
from kit.processes import finish, run_child
from kit.server import count_calls, other_user, user_units

from tpnb.errors import AuthError, ConfigError, ForbiddenError, UnauthorizedError
from tpnb.http.connection import Connection

ACCESS = "/oauth/oauth-business-users-for-applications/accesstoken"
REFRESH = "/oauth/oauth-business-users-for-applications/refresh"

CHILD = """
import json, sys, threading
from tpnb.config import Settings
from tpnb.http.connection import Connection
conn = Connection(Settings.from_env())
path, threads, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
errors = []
def work():
    try:
        for _ in range(calls):
            conn.get_json(path, private=True)
    except Exception as e:
        errors.append(repr(e))
ts = [threading.Thread(target=work) for _ in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
print(json.dumps({"stats": conn.stats.as_dict(), "errors": errors}))
"""


def private_path(server: Any, username: str | None = None) -> str:
    unit = user_units(server, username or server.credentials["username"])[0]
    return f"/private/business-units/{unit}/reviews"


def record_requests(conn: Connection) -> list[requests.PreparedRequest]:
    seen: list[requests.PreparedRequest] = []
    conn.session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    return seen


def test_password_grant_and_where_credentials_go(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        seen = record_requests(conn)
        unit = user_units(emulator, emulator.credentials["username"])[0]
        assert conn.get_json(f"/business-units/{unit}")["id"] == unit
        page = conn.get_json(private_path(emulator), private=True)
        assert isinstance(page["reviews"], list)
        assert conn.stats.token_requests == 1
        assert conn.business_user_id  # from the token response
    api_calls = [r for r in seen if "/oauth/" not in (r.url or "")]
    assert api_calls
    for request in api_calls:
        assert "apikey" not in (request.url or "").lower()  # header only, never the query
        assert request.headers["apikey"] == emulator.credentials["api_key"]
        is_private = "/private/" in (request.url or "")
        assert ("Authorization" in request.headers) == is_private  # bearer only on /private


def test_client_credentials_grant(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, user=False, cache_backend="memory") as conn:
        assert conn.tokens is not None
        assert conn.tokens.grant == "client_credentials"
        token = conn.tokens.bearer()
        stored = conn.tokens.store.read(conn.tokens._key())
        assert stored is not None
        assert stored["access_token"] == token
        assert stored["refresh_token"] is None  # client credentials cannot be refreshed
        assert conn.stats.token_requests == 1


def test_authorization_code_grant_and_reuse(emulator: Any, tmp_path: Path) -> None:
    redirect = "http://127.0.0.1:9/callback"
    settings = settings_for(emulator, tmp_path, user=False, cache_backend="memory")
    with Connection(settings) as conn:
        url = conn.authorization_url(redirect, state="s-42")
        assert parse_qs(urlsplit(url).query)["response_type"] == ["code"]
        answer = requests.post(
            url,
            data={
                "username": emulator.credentials["username"],
                "password": emulator.credentials["password"],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302
        query = parse_qs(urlsplit(answer.headers["Location"]).query)
        assert query["state"] == ["s-42"]
        conn.login_with_code(query["code"][0], redirect)
        assert isinstance(conn.get_json(private_path(emulator), private=True)["reviews"], list)
        assert conn.stats.token_requests == 1
    with Connection(settings) as again:  # a kernel restart: the stored login is reused
        assert again.tokens is not None
        assert again.tokens.grant == "authorization_code"
        again.get_json(private_path(emulator), private=True)
        assert again.stats.token_requests == 0
        emulator.admin.revoke_all_tokens()
        with pytest.raises(AuthError, match="log in again"):
            again.get_json(private_path(emulator), private=True)


def test_token_reused_across_processes(emulator: Any, tmp_path: Path) -> None:
    settings = settings_for(emulator, tmp_path, cache_backend="memory")
    with Connection(settings) as conn:
        conn.get_json(private_path(emulator), private=True)
        assert conn.stats.token_requests == 1
    before = count_calls(emulator, ACCESS) + count_calls(emulator, REFRESH)
    result = finish(run_child(settings, CHILD, private_path(emulator), "1", "2"))
    assert result["errors"] == []
    assert result["stats"]["token_requests"] == 0  # the second process made no token request
    assert count_calls(emulator, ACCESS) + count_calls(emulator, REFRESH) == before


def _hammer(conn: Connection, path: str, threads: int = 8) -> list[BaseException]:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            conn.get_json(path, private=True)
        except BaseException as error:  # collected and asserted on
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return errors


def test_expired_token_refreshed_once_under_8_threads(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(token_lifetime=2)
    with connect_to(server, tmp_path, cache_backend="memory") as conn:
        conn.get_json(private_path(server), private=True)
        time.sleep(2.0)  # the token's lifetime: now it must be refreshed
        server.admin.clear_requests()
        assert _hammer(conn, private_path(server)) == []
        assert count_calls(server, REFRESH) == 1
        assert count_calls(server, ACCESS) == 0


def test_401_on_a_valid_looking_token_refreshes_once_and_retries(
    emulator: Any, tmp_path: Path
) -> None:
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        conn.get_json(private_path(emulator), private=True)
        emulator.admin.clear_requests()
        emulator.admin.expire_tokens()  # the server says expired; the client thinks it is valid
        assert _hammer(conn, private_path(emulator)) == []
        assert count_calls(emulator, REFRESH) == 1
        assert conn.stats.token_requests == 2


def test_refresh_under_two_processes(make_emulator: Any, tmp_path: Path) -> None:
    server = make_emulator(token_lifetime=2)
    settings = settings_for(server, tmp_path, cache_backend="memory")
    with Connection(settings) as conn:
        conn.get_json(private_path(server), private=True)
    time.sleep(2.0)
    server.admin.clear_requests()
    children = [run_child(settings, CHILD, private_path(server), "4", "3") for _ in range(2)]
    results = [finish(child) for child in children]
    assert [r["errors"] for r in results] == [[], []]
    assert count_calls(server, REFRESH) == 1  # the other process adopted the refreshed token
    assert count_calls(server, ACCESS) == 0
    assert sorted(r["stats"]["token_requests"] for r in results) == [0, 1]


def test_revoked_token_mid_run_logs_in_again(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        conn.get_json(private_path(emulator), private=True)
        emulator.admin.revoke_all_tokens()  # access and refresh tokens die
        assert isinstance(conn.get_json(private_path(emulator), private=True)["reviews"], list)
        # one refused refresh, then a new password grant
        assert conn.stats.token_requests == 3


def test_logout_revokes_and_deletes(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, cache_backend="memory") as conn:
        conn.get_json(private_path(emulator), private=True)
        assert conn.tokens is not None
        token_file = conn.tokens.token_path
        access = conn.tokens.bearer()
        assert token_file.exists()
        assert conn.logout() is True
        assert not token_file.exists()
    refused = requests.get(
        emulator.api_url + private_path(emulator),
        headers={"Authorization": f"Bearer {access}"},
        timeout=10,
    )
    assert refused.status_code == 401


def test_wrong_password_is_a_clear_auth_error(emulator: Any, tmp_path: Path) -> None:
    wrong = "definitely-not-the-password-9f8e7d"
    with (
        connect_to(emulator, tmp_path, password=wrong, cache_backend="memory") as conn,
        pytest.raises(AuthError, match="TRUSTPILOT_USERNAME") as info,
    ):
        conn.get_json(private_path(emulator), private=True)
    assert wrong not in str(info.value)


def test_wrong_secret_and_unknown_key(emulator: Any, tmp_path: Path) -> None:
    with connect_to(
        emulator, tmp_path, api_secret="wrong-secret-1234", cache_backend="memory"
    ) as conn:
        with pytest.raises(AuthError) as info:
            conn.get_json(private_path(emulator), private=True)
        assert "wrong-secret-1234" not in str(info.value)
    with connect_to(emulator, tmp_path, api_key="unknown-key-5678", cache_backend="memory") as conn:
        with pytest.raises(UnauthorizedError) as refused:
            conn.get_json("/business-units/find", {"name": "x.example"})
        assert refused.value.status == 401
        assert "unknown-key-5678" not in str(refused.value)


def test_other_business_user_gets_403_not_a_cached_body(emulator: Any, tmp_path: Path) -> None:
    path = private_path(emulator)  # a unit of the demo user only
    expiry = {"private": 3600.0}  # tpnb would be willing to cache private answers
    with connect_to(emulator, tmp_path, cache_expiry=expiry, cache_backend="sqlite") as alice:
        assert isinstance(alice.get_json(path, private=True)["reviews"], list)
    bob_user = other_user(emulator)
    assert path.split("/")[3] not in bob_user.business_unit_ids  # the seeded data: not shared
    with connect_to(
        emulator, tmp_path, user=bob_user, cache_expiry=expiry, cache_backend="sqlite"
    ) as bob:
        with pytest.raises(ForbiddenError):
            bob.get_json(path, private=True)
        own = private_path(emulator, bob_user.username)
        assert isinstance(bob.get_json(own, private=True)["reviews"], list)


@pytest.mark.parametrize(
    ("redirect_uri", "state", "named"),
    [
        (None, None, "redirect_uri"),
        ("", None, "redirect_uri"),
        (object(), None, "redirect_uri"),
        (42, None, "redirect_uri"),
        ("callback", None, "redirect_uri"),
        ("ftp://127.0.0.1/cb", None, "redirect_uri"),
        ("http://example.com/cb", None, "https"),
        ("https://example.com/cb#frag", None, "redirect_uri"),
        ("http://127.0.0.1:99999/cb", None, "redirect_uri"),
        ("http://127.0.0.1:9/cb", object(), "state"),
        ("http://127.0.0.1:9/cb", 42, "state"),
        ("http://127.0.0.1:9/cb", "", "state"),
        ("http://127.0.0.1:9/cb", "a\nb", "state"),
    ],
)
def test_authorization_url_arguments_checked(
    emulator: Any, tmp_path: Path, redirect_uri: Any, state: Any, named: str
) -> None:
    """Bad redirect_uri/state: a ConfigError naming the argument, before anything is sent."""
    with connect_to(emulator, tmp_path, user=False, cache_backend="memory") as conn:
        with pytest.raises(ConfigError, match=named):
            conn.authorization_url(redirect_uri, state=state)
        assert conn.stats.requests == 0


def test_authorization_url_accepts_https_and_loopback(emulator: Any, tmp_path: Path) -> None:
    with connect_to(emulator, tmp_path, user=False, cache_backend="memory") as conn:
        for uri in ("https://example.com/cb", "http://localhost:8888/cb", "http://[::1]/cb"):
            query = parse_qs(urlsplit(conn.authorization_url(f" {uri} ")).query)
            assert query["redirect_uri"] == [uri]
            assert len(query["state"][0]) >= 16  # a random state when none is given


@pytest.mark.parametrize(("code", "named"), [(None, "code"), ("  ", "code"), (7, "code")])
def test_login_with_code_arguments_checked(
    emulator: Any, tmp_path: Path, code: Any, named: str
) -> None:
    with connect_to(emulator, tmp_path, user=False, cache_backend="memory") as conn:
        with pytest.raises(ConfigError, match=named):
            conn.login_with_code(code, "http://127.0.0.1:9/cb")
        with pytest.raises(ConfigError, match="redirect_uri"):
            conn.login_with_code("abc", "not a url")
        assert conn.stats.requests == 0
