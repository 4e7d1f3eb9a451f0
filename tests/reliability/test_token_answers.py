"""Token answers of every shape the API may send, and what the client does with them.

* :func:`parse_token_response` on Trustpilot's captured shape (all strings, ``issued_at`` in
  epoch seconds, ``refresh_token_expires_in``; a refresh answer without ``app_enduser`` and
  ``client_id``), the emulator's (``issued_at`` in milliseconds, older Apigee fields), the
  client-credentials one (``access_token`` and ``expires_in`` only), and broken lifetimes
  (``"NaN"``, 0, negative, huge).
* :class:`TokenManager` driven by a scripted token endpoint and a fake clock: a lifetime of 0 or
  NaN, or a server that hands out one-second tokens, never makes the client request tokens
  faster than :data:`TOKEN_REQUEST_LIMIT`; a refresh answer without a ``refresh_token`` keeps
  the login alive.
* A second token server of the test's own (Flask on loopback), built from the documented shapes
  and not from the emulator, behind a real Connection: an authorization-code login survives
  refreshes that omit the refresh token, keeps its business user, and writes each rotated
  refresh token to the file before using it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request
from kit.ledger import LEDGER
from kit.truth import CLEAR, COMPLETE, WRONG
from werkzeug.serving import make_server

from tpnb.config import Settings
from tpnb.errors import AuthError
from tpnb.http.cachepolicy import fingerprint
from tpnb.http.connection import Connection
from tpnb.http.tokens import (
    FALLBACK_LIFETIME,
    MAX_TOKEN_LIFETIME,
    TOKEN_PATH,
    TOKEN_REQUEST_LIMIT,
    TokenManager,
    TokenStore,
    parse_token_response,
)

NOW = 1_740_400_000.0  # a fixed "now" for the parser (epoch seconds, 2025)
ROW_SHAPES = "token answers: captured, emulator and broken shapes"
ROW_PACE = "token answers: lifetimes of 0/NaN/-1/1 s never outrun the refresh limit"
ROW_KEEP = "refresh answer without refresh_token or app_enduser keeps the login"


def captured(**changes: Any) -> dict[str, Any]:
    """Trustpilot's token answer as captured in 2025 (every value a string)."""
    body = {
        "access_token": "tpa-Ab12Cd34",
        "refresh_token": "tpr-Ef56Gh78",
        "issued_at": str(int(NOW) - 10),
        "expires_in": "360000",
        "token_type": "BearerToken",
        "refresh_token_issued_at": str(int(NOW) - 10),
        "refresh_token_expires_in": "7776000",
        "refresh_token_status": "approved",
        "app_enduser": "5f0c1b9b810c19729de860ea",
        "client_id": "client-key",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def emulator_shaped(**changes: Any) -> dict[str, Any]:
    """The emulator's answer: ``issued_at`` in milliseconds, numbers, old Apigee fields."""
    body = {
        "access_token": "tpa-Xy98",
        "refresh_token": "tpr-Zw76",
        "expires_in": 359999,
        "issued_at": str(int((NOW - 10) * 1000)),
        "status": "approved",
        "scope": "",
        "api_product_list_json": ["Trustpilot APIs"],
        "app_enduser": "u-1",
        "client_id": "k",
        "refresh_token_expires_in": "2591999",
        "refresh_token_issued_at": str(int(NOW * 1000)),
    }
    body.update(changes)
    return body


# --------------------------------------------------------------------------- the parser
@pytest.mark.parametrize("shape", [captured, emulator_shaped], ids=["captured", "emulator"])
def test_both_shapes_date_the_token_by_issued_at(shape: Any) -> None:
    token = parse_token_response(shape(), grant="authorization_code", now=NOW)
    assert token["expires_at"] == pytest.approx(NOW - 10 + token["lifetime"])
    assert token["lifetime"] in (360000.0, 359999.0)
    assert token["refresh_expires_at"] > NOW + 29 * 86400
    assert token["business_user_id"] in ("5f0c1b9b810c19729de860ea", "u-1")
    assert token["client_fingerprint"] in (
        fingerprint("client", "client-key"),
        fingerprint("client", "k"),
    )
    assert "client-key" not in str(token)  # the api key is never kept, only its fingerprint
    LEDGER.record(ROW_SHAPES, COMPLETE)


def test_client_credentials_shape() -> None:
    token = parse_token_response(
        {"access_token": "a", "expires_in": "359999"}, grant="client_credentials", now=NOW
    )
    assert token["refresh_token"] is None
    assert token["expires_at"] == NOW + 359999
    assert "refresh_expires_at" not in token
    LEDGER.record(ROW_SHAPES, COMPLETE)


@pytest.mark.parametrize(
    "expires_in",
    ["NaN", "nan", float("nan"), "inf", float("inf"), 0, "0", -1, "-5", "", None, "soon", True, []],
    ids=repr,
)
def test_a_broken_lifetime_counts_as_missing(expires_in: Any) -> None:
    token = parse_token_response(
        captured(expires_in=expires_in, issued_at=None), grant="password", now=NOW
    )
    assert token["lifetime"] == FALLBACK_LIFETIME
    assert token["expires_at"] == NOW + FALLBACK_LIFETIME
    assert math.isfinite(token["expires_at"])
    LEDGER.record(ROW_SHAPES, COMPLETE)


def test_a_huge_lifetime_is_cut() -> None:
    token = parse_token_response(
        captured(expires_in="1e300", issued_at=None), grant="password", now=NOW
    )
    assert token["lifetime"] == MAX_TOKEN_LIFETIME


@pytest.mark.parametrize(
    ("issued_at", "start"),
    [
        (str(int(NOW) - 3600), NOW - 3600),  # seconds
        (str(int(NOW - 3600) * 1000), NOW - 3600),  # milliseconds
        (str(int(NOW) + 600), NOW),  # in the future: the client's clock is behind
        (str(int(NOW) - 400_000), NOW),  # older than the lifetime: a clock or unit error
        ("0", NOW),
        ("yesterday", NOW),
    ],
)
def test_issued_at_seconds_or_milliseconds_when_plausible(issued_at: str, start: float) -> None:
    token = parse_token_response(captured(issued_at=issued_at), grant="password", now=NOW)
    assert token["expires_at"] == pytest.approx(start + 360000)


def test_refresh_answer_keeps_what_it_omits() -> None:
    first = parse_token_response(captured(), grant="authorization_code", now=NOW)
    refreshed = parse_token_response(
        captured(
            access_token="tpa-New1",
            refresh_token=None,
            app_enduser=None,
            client_id=None,
            refresh_token_expires_in=None,
        ),
        grant="authorization_code",
        now=NOW + 100,
        previous=first,
    )
    assert refreshed["refresh_token"] == first["refresh_token"]  # RFC 6749 §6
    assert refreshed["refresh_expires_at"] == first["refresh_expires_at"]
    assert refreshed["business_user_id"] == first["business_user_id"]
    assert refreshed["client_fingerprint"] == first["client_fingerprint"]
    rotated = parse_token_response(
        captured(refresh_token="tpr-Rotated", app_enduser=None),
        grant="authorization_code",
        now=NOW + 200,
        previous=refreshed,
    )
    assert rotated["refresh_token"] == "tpr-Rotated"
    assert rotated["business_user_id"] == first["business_user_id"]


def test_refresh_answer_for_another_business_user_is_refused() -> None:
    first = parse_token_response(captured(), grant="authorization_code", now=NOW)
    with pytest.raises(AuthError, match="another business user"):
        parse_token_response(
            captured(app_enduser="someone-else"), grant="authorization_code", previous=first
        )


@pytest.mark.parametrize("bad", ["tpa-a\nb", "tpa a", "", "tpa-€", 42, None])
def test_an_access_token_http_cannot_carry_is_refused(bad: Any) -> None:
    with pytest.raises(AuthError, match="usable access_token"):
        parse_token_response(captured(access_token=bad), grant="password", now=NOW)


# --------------------------------------------------------------------------- scripted endpoint
class Clock:
    """A fake clock; ``sleep`` moves it on (and records the waits)."""

    def __init__(self) -> None:
        self.now = NOW
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class ScriptedEndpoint:
    """A token endpoint answering ``answer(form)``; records every form it gets."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.forms: list[dict[str, str]] = []

    def __call__(
        self, url: str, form: Mapping[str, str], *, replayable: bool = False
    ) -> requests.Response:
        self.forms.append(dict(form))
        body = self.answer(dict(form))
        response = requests.Response()
        response.status_code = 200
        response._content = __import__("json").dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        return response


def manager(
    tmp_path: Path, endpoint: ScriptedEndpoint, clock: Clock, **settings: Any
) -> TokenManager:
    values: dict[str, Any] = {
        "api_key": "k-1",
        "api_secret": "s-1",
        "username": "u@x.example",
        "password": "p-1",
        "base_url": "http://127.0.0.1:9/v1",
    }
    values.update(settings)
    return TokenManager(
        Settings(**values),
        endpoint,
        TokenStore(tmp_path / "tokens"),
        sleep=clock.sleep,
        clock=clock,
    )


@pytest.mark.parametrize("expires_in", ["0", "NaN", "-1", 0, -3600, "1", 1])
def test_token_requests_never_outrun_the_refresh_limit(tmp_path: Path, expires_in: Any) -> None:
    """200 calls, one simulated second apart: at most the limit's rate of token requests."""
    clock = Clock()
    counter = iter(range(10**6))
    endpoint = ScriptedEndpoint(
        lambda form: {
            "access_token": f"a{next(counter)}",
            "refresh_token": f"r{next(counter)}",
            "expires_in": expires_in,
        }
    )
    tokens = manager(tmp_path, endpoint, clock)
    start = clock.now
    for _ in range(200):
        tokens.bearer()
        clock.now += 1.0
    count, window = TOKEN_REQUEST_LIMIT
    allowed = count * math.ceil((clock.now - start) / window) + count
    ok = len(endpoint.forms) <= allowed
    LEDGER.record(
        ROW_PACE,
        COMPLETE if ok else WRONG,
        f"expires_in={expires_in!r}: {len(endpoint.forms)} requests",
    )
    assert ok, f"{len(endpoint.forms)} token requests in {clock.now - start:.0f} simulated s"
    if str(expires_in) in ("0", "NaN", "-1", "-3600"):
        assert len(endpoint.forms) == 1  # the fallback lifetime (an hour) covers 200 s


def test_a_refresh_answer_without_refresh_token_keeps_the_code_login(tmp_path: Path) -> None:
    """The audit's case: tpnb stored None, then deleted the token file at the next renewal."""
    clock = Clock()
    issued = iter(range(1, 10**6))

    def answer(form: dict[str, str]) -> dict[str, Any]:
        if form["grant_type"] == "authorization_code":
            return captured(
                access_token=f"tpa-{next(issued)}", issued_at=str(int(clock.now)), expires_in="100"
            )
        assert form["refresh_token"] == "tpr-Ef56Gh78", "the kept refresh token is sent"
        return {"access_token": f"tpa-{next(issued)}", "expires_in": "100"}  # no refresh_token

    endpoint = ScriptedEndpoint(answer)
    tokens = manager(tmp_path, endpoint, clock, username=None, password=None)
    tokens.login_with_code("code-1", "http://127.0.0.1/cb")
    path = tokens.token_path
    seen = {tokens.bearer()}
    for _ in range(4):  # four refreshes, none answered with a refresh token
        clock.now += 200
        seen.add(tokens.bearer())
        assert path.exists()
        assert tokens.store.read(tokens._key())["refresh_token"] == "tpr-Ef56Gh78"
    ok = len(seen) == 5 and tokens.business_user_id == "5f0c1b9b810c19729de860ea"
    LEDGER.record(ROW_KEEP, COMPLETE if ok else WRONG, f"{len(seen)} tokens")
    assert ok
    assert [f["grant_type"] for f in endpoint.forms] == ["authorization_code"] + [
        "refresh_token"
    ] * 4


def test_an_expired_refresh_token_is_not_sent(tmp_path: Path) -> None:
    """``refresh_token_expires_in`` passed: a new login at once, no refresh POST."""
    clock = Clock()
    endpoint = ScriptedEndpoint(
        lambda form: captured(
            issued_at=str(int(clock.now)),
            refresh_token_issued_at=str(int(clock.now)),
            expires_in="100",
            refresh_token_expires_in="150",
        )
    )
    tokens = manager(tmp_path, endpoint, clock)
    tokens.bearer()
    clock.now += 200
    tokens.bearer()
    assert [f["grant_type"] for f in endpoint.forms] == ["password", "password"]


# --------------------------------------------------------------------------- a server of our own
class DocumentedTokenServer:
    """Token and ``/private/whoami`` endpoints built from the API notes' captured shapes.

    Refresh tokens are single-use; ``keep_refresh_token`` answers refreshes without a new one
    (the old one stays valid, RFC 6749 §6); ``expire()`` makes every access token answer 401.
    """

    def __init__(self) -> None:
        self.app = Flask("documented-token-server")
        self.lock = threading.Lock()
        self.access: dict[str, str] = {}  # access token -> business user
        self.refresh: dict[str, str] = {}  # live refresh token -> business user
        self.codes = {
            "code-alice": "alice-0000000000000000001",
            "code-bob": "bob-000000000000000000002",
        }
        self.keep_refresh_token = False
        self.counter = 0
        self.refreshes = 0
        self.app.add_url_rule(f"/v1{TOKEN_PATH}/accesstoken", "token", self.token, methods=["POST"])
        self.app.add_url_rule(f"/v1{TOKEN_PATH}/refresh", "refresh", self.token, methods=["POST"])
        self.app.add_url_rule("/v1/private/whoami", "whoami", self.whoami)

    def _new(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:06d}"

    def token(self) -> Any:
        form = request.form
        now = str(int(__import__("time").time()))
        with self.lock:
            if form.get("grant_type") == "authorization_code":
                user = self.codes.get(form.get("code", ""))
                if user is None:
                    return jsonify(ErrorCode="invalid_grant", Error="Invalid code"), 400
                extra = {"app_enduser": user, "client_id": "doc-key"}
            elif form.get("grant_type") == "refresh_token":
                user = self.refresh.get(form.get("refresh_token", ""))
                if user is None:
                    return jsonify(ErrorCode="invalid_grant", Error="Invalid Refresh Token"), 400
                self.refreshes += 1
                extra = {}
                if not self.keep_refresh_token:
                    del self.refresh[form["refresh_token"]]
            else:
                return jsonify(ErrorCode="unsupported_grant_type", Error="no"), 400
            access = self._new("tpa-")
            self.access[access] = user
            body = {
                "access_token": access,
                "issued_at": now,
                "expires_in": "360000",
                "token_type": "BearerToken",
                **extra,
            }
            if not (extra == {} and self.keep_refresh_token):
                refresh = self._new("tpr-")
                self.refresh[refresh] = user
                body.update(
                    refresh_token=refresh,
                    refresh_token_issued_at=now,
                    refresh_token_expires_in="7776000",
                    refresh_token_status="approved",
                )
            return jsonify(body)

    def whoami(self) -> Any:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        with self.lock:
            user = self.access.get(token)
        if user is None:
            return jsonify(fault={"faultstring": "Invalid access token"}), 401
        return jsonify(user=user)

    def expire(self) -> None:
        with self.lock:
            self.access.clear()


@pytest.fixture
def documented() -> Iterator[tuple[DocumentedTokenServer, str]]:
    fake = DocumentedTokenServer()
    server = make_server("127.0.0.1", 0, fake.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.mark.parametrize("keep", [True, False], ids=["refresh keeps the token", "refresh rotates"])
def test_code_login_survives_refreshes_against_a_documented_server(
    documented: tuple[DocumentedTokenServer, str], tmp_path: Path, keep: bool
) -> None:
    fake, base = documented
    fake.keep_refresh_token = keep
    settings = Settings(
        api_key="doc-key",
        api_secret="doc-secret",
        base_url=base,
        cache_backend="memory",
        token_dir=tmp_path / "tokens",
    )
    with Connection(settings) as conn:
        assert conn.tokens is not None
        conn.login_with_code("code-alice", "http://127.0.0.1/cb")
        assert conn.get_json("/private/whoami", private=True) == {
            "user": "alice-0000000000000000001"
        }
        for _ in range(3):
            fake.expire()  # 401, then a refresh
            assert conn.get_json("/private/whoami", private=True)["user"].startswith("alice")
            stored = conn.tokens.store.read(conn.tokens._key())
            assert stored is not None
            assert stored["refresh_token"] in fake.refresh  # the live one was written
            assert stored["business_user_id"] == "alice-0000000000000000001"
            assert stored["client_fingerprint"] == fingerprint("client", "doc-key")
            assert "doc-key" not in conn.tokens.token_path.read_text()
        assert fake.refreshes == 3
    with Connection(settings) as again:  # a restart resumes it
        assert again.get_json("/private/whoami", private=True)["user"].startswith("alice")
    LEDGER.record(ROW_KEEP, COMPLETE)


def test_used_refresh_token_answered_400_is_a_clear_error(
    documented: tuple[DocumentedTokenServer, str], tmp_path: Path
) -> None:
    fake, base = documented
    settings = Settings(
        api_key="doc-key",
        api_secret="doc-secret",
        base_url=base,
        cache_backend="memory",
        token_dir=tmp_path / "tokens",
    )
    with Connection(settings) as conn:
        conn.login_with_code("code-bob", "http://127.0.0.1/cb")
        fake.expire()
        fake.refresh.clear()  # every refresh token refused
        with pytest.raises(AuthError, match="log in again") as info:
            conn.get_json("/private/whoami", private=True)
    LEDGER.record(ROW_KEEP, CLEAR, f"{type(info.value).__name__}: {info.value}")


def test_a_rotated_refresh_token_survives_a_failed_file_write(tmp_path: Path) -> None:
    """The file could not be written (a full disk): the next refresh starts from the rotated
    refresh token held in memory, not from the spent one in the file."""
    clock = Clock()
    live: set[str] = set()
    counter = iter(range(1, 10**6))

    def answer(form: dict[str, str]) -> dict[str, Any]:
        if form["grant_type"] == "refresh_token":
            assert form["refresh_token"] in live, "a spent refresh token was sent"
            live.discard(form["refresh_token"])
        refresh = f"tpr-{next(counter)}"
        live.add(refresh)
        return {"access_token": f"tpa-{refresh}", "refresh_token": refresh, "expires_in": "100"}

    endpoint = ScriptedEndpoint(answer)
    tokens = manager(tmp_path, endpoint, clock)
    tokens.bearer()
    clock.now += 200
    original = tokens.store.write

    def full_disk(key: str, token: Mapping[str, Any]) -> None:
        raise OSError(28, "No space left on device")

    tokens.store.write = full_disk  # type: ignore[method-assign]
    with pytest.raises(OSError, match="No space"):
        tokens.bearer()  # refreshed, but not saved
    tokens.store.write = original  # type: ignore[method-assign]
    assert tokens.bearer() == tokens.secrets()[0]  # the rotated token, from memory
    clock.now += 200
    tokens.bearer()  # refreshes with the rotated refresh token, not the spent one on disk
    assert [f["grant_type"] for f in endpoint.forms] == [
        "password",
        "refresh_token",
        "refresh_token",
    ]
