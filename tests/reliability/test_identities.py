"""A second identity per grant: two business users (or two api clients) on one machine, one
token directory, short-lived tokens. Each session must keep reading with its own identity through
every renewal, in memory and after a restart, never adopting the other's token.

Ground truth is the emulator's own record of whom each access token was issued to
(``server.state.tokens``), plus what the API does with it: each user reads their own company's
private reviews and gets 403 on the other's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from kit.clients import settings_for, token_pacing_window
from kit.ledger import LEDGER
from kit.server import GENEROUS_RATE_LIMITS, GENEROUS_REFRESH_LIMIT
from kit.truth import COMPLETE, WRONG

from tpnb.emulator import EmulatorServer, serve
from tpnb.emulator.data.accounts import BusinessUser
from tpnb.errors import AuthError, ForbiddenError
from tpnb.http.connection import Connection

ROW = "a second identity per grant"
REDIRECT = "http://127.0.0.1:9/callback"
LIFETIME = 2.0  # seconds: the emulator's tokens expire while the test runs


@pytest.fixture(autouse=True, scope="module")
def _short_token_pacing() -> Iterator[None]:
    """Every check renews tokens (each 403 once, each expiry): tpnb's pacing of token requests
    runs on a window as short as the tokens' lifetime instead of a minute."""
    with token_pacing_window(LIFETIME / 2):
        yield


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with serve(
        scale=0.02,
        rate_limits=GENEROUS_RATE_LIMITS,
        refresh_limit=GENEROUS_REFRESH_LIMIT,
        token_lifetime=LIFETIME,
    ) as emulator:
        yield emulator


def two_users(server: EmulatorServer) -> tuple[BusinessUser, BusinessUser]:
    """The demo user and the first other user with no business unit in common."""
    ds = server.dataset
    alice = ds.user_by_username(server.credentials["username"])
    assert alice is not None
    bob = next(
        u
        for u in sorted(ds.accounts.users, key=lambda user: user.id)
        if u.id != alice.id
        and u.business_unit_ids
        and not u.business_unit_ids & alice.business_unit_ids
    )
    return alice, bob


def own_path(user: BusinessUser) -> str:
    return f"/private/business-units/{sorted(user.business_unit_ids)[0]}/reviews"


def log_in_with_code(conn: Connection, user: BusinessUser) -> None:
    """The browser part of the authorization-code flow (the emulator's login form), then the
    code exchange."""
    answer = requests.post(
        conn.authorization_url(REDIRECT),
        data={"username": user.username, "password": user.password},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:200]
    conn.login_with_code(parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0], REDIRECT)


def issued_to(server: EmulatorServer, conn: Connection) -> tuple[str, str | None]:
    """(api key, business user id) the emulator issued the session's current token to."""
    assert conn.tokens is not None
    grant = server.state.tokens._access[conn.tokens.bearer()]
    return grant.client_key, grant.user_id


def check(
    server: EmulatorServer, conn: Connection, user: BusinessUser, other: BusinessUser, note: str
) -> None:
    """One run: the session reads as ``user``, never as ``other``; recorded in the ledger."""
    problems = []
    try:
        conn.get_json(own_path(user), private=True)
    except ForbiddenError:
        problems.append("403 on its own company's reviews")
    try:
        conn.get_json(own_path(other), private=True)
        problems.append("read the other company's private reviews")
    except ForbiddenError:
        pass
    owner = issued_to(server, conn)[1]
    if owner != user.id:
        problems.append(f"holds a token issued to {owner}")
    LEDGER.record(ROW, WRONG if problems else COMPLETE, f"{note}: {'; '.join(problems)}")
    assert not problems, f"{note}: {problems}"


def test_two_business_users_by_authorization_code(server: EmulatorServer, tmp_path: Path) -> None:
    """The audit's case: one api key, one token directory, two code logins, short tokens."""
    alice, bob = two_users(server)
    settings = settings_for(server, tmp_path, fast=True, username=None, password=None)
    with Connection(settings) as first, Connection(settings) as second:
        log_in_with_code(first, alice)
        check(server, first, alice, bob, "code: first user after login")
        log_in_with_code(second, bob)
        check(server, second, bob, alice, "code: second user after login")
        for round_ in range(2):  # renewals when the tokens expire by the clock
            time.sleep(LIFETIME)
            check(server, first, alice, bob, f"code: first user, renewal {round_ + 1}")
            check(server, second, bob, alice, f"code: second user, renewal {round_ + 1}")
        server.admin.expire_tokens()  # the server says expired: 401, then a renewal
        check(server, first, alice, bob, "code: first user, renewal after a 401")
        check(server, second, bob, alice, "code: second user, renewal after a 401")
        files = sorted(p.name for p in (tmp_path / "tokens").glob("token-*.json"))
        assert len(files) == 2, files  # one file per business user

    # a kernel restart: with two stored logins, tpnb does not guess
    with Connection(settings) as restarted, pytest.raises(AuthError, match="business_user_id"):
        restarted.get_json(own_path(alice), private=True)
    for user, other in ((alice, bob), (bob, alice)):
        with Connection(settings.replace(business_user_id=user.id)) as restarted:
            assert restarted.stats.token_requests == 0
            check(server, restarted, user, other, "code: restart naming the business user")
            time.sleep(LIFETIME)
            check(server, restarted, user, other, "code: restart, then a renewal")
    # one stored login left: a restart resumes it
    with Connection(settings.replace(business_user_id=bob.id)) as leaving:
        assert leaving.logout()
    with Connection(settings) as restarted:
        check(server, restarted, alice, bob, "code: restart with one stored login")


def test_two_business_users_by_password(server: EmulatorServer, tmp_path: Path) -> None:
    alice, bob = two_users(server)
    with (
        Connection(
            settings_for(
                server, tmp_path, fast=True, username=alice.username, password=alice.password
            )
        ) as first,
        Connection(
            settings_for(server, tmp_path, fast=True, username=bob.username, password=bob.password)
        ) as second,
    ):
        for round_ in range(2):
            check(server, first, alice, bob, f"password: first user, round {round_ + 1}")
            check(server, second, bob, alice, f"password: second user, round {round_ + 1}")
            time.sleep(LIFETIME)
        server.admin.expire_tokens()
        check(server, first, alice, bob, "password: first user, renewal after a 401")
        check(server, second, bob, alice, "password: second user, renewal after a 401")


def test_two_api_clients_by_client_credentials(server: EmulatorServer, tmp_path: Path) -> None:
    demo_key = server.credentials["api_key"]
    other = next(c for k, c in sorted(server.dataset.accounts.clients.items()) if k != demo_key)
    sessions = {
        demo_key: Connection(
            settings_for(server, tmp_path, fast=True, username=None, password=None)
        ),
        other.api_key: Connection(
            settings_for(
                server,
                tmp_path,
                fast=True,
                api_key=other.api_key,
                api_secret=other.api_secret,
                username=None,
                password=None,
            )
        ),
    }
    try:
        for round_ in range(2):
            for key, conn in sessions.items():
                owner = issued_to(server, conn)[0]
                ok = owner == key
                LEDGER.record(
                    ROW, COMPLETE if ok else WRONG, f"client credentials round {round_}: {owner}"
                )
                assert ok
            time.sleep(LIFETIME)
    finally:
        for conn in sessions.values():
            conn.close()


def test_a_code_login_for_another_user_than_configured_is_refused(
    server: EmulatorServer, tmp_path: Path
) -> None:
    """business_user_id names who this session is: a login as someone else is not stored."""
    alice, bob = two_users(server)
    settings = settings_for(
        server, tmp_path, fast=True, username=None, password=None, business_user_id=alice.id
    )
    with Connection(settings) as conn:
        with pytest.raises(AuthError, match="business_user_id"):
            log_in_with_code(conn, bob)
        assert not list((tmp_path / "tokens").glob("token-*.json"))
        log_in_with_code(conn, alice)
        check(server, conn, alice, bob, "code: login matching business_user_id")


def test_a_token_file_of_another_user_is_never_adopted(
    server: EmulatorServer, tmp_path: Path
) -> None:
    """Defence in depth: a token file that names another business user (copied by hand, say) is
    ignored at renewal; the session logs in again as itself."""
    alice, bob = two_users(server)

    def make(user: BusinessUser) -> Connection:
        return Connection(
            settings_for(
                server, tmp_path, fast=True, username=user.username, password=user.password
            )
        )

    with make(alice) as first, make(bob) as second:
        first.get_json(own_path(alice), private=True)
        second.get_json(own_path(bob), private=True)
        assert first.tokens is not None
        assert second.tokens is not None
        bobs = second.tokens.token_path.read_bytes()
        first.tokens.token_path.write_bytes(bobs)
        server.admin.expire_tokens()
        check(server, first, alice, bob, "password: a planted file of another user")
