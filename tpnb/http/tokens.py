"""OAuth tokens: a manager that refreshes exactly once, and the token files it shares with other processes.

Manager, order of operations for :meth:`TokenManager.bearer`:

1. the token in memory, if it is still valid ``skew`` seconds from now;
2. else, under the thread lock, and under a file lock on the identity's token file (another
   process may be refreshing), re-read the file: a valid token someone else wrote is adopted
   (never one of another business user: a token whose business user differs is ignored);
3. else refresh with the refresh token (they rotate: each works once), sent once and never
   retried: a lost answer may have used the refresh token up; a refresh token known to be
   expired (``refresh_token_expires_in``) is not sent;
4. else (no refresh token, or it was refused, or its answer was lost) get a new token with the
   configured grant (password or client_credentials); these logins are retried with the
   connection's back-off on dropped connections, cut bodies, 429 and 5xx (each answer is a new
   token, so repeating is safe). An authorization-code login cannot be renewed this way, so an
   :class:`~tpnb.errors.AuthError` says how to log in again (when the refresh's answer was lost,
   the stored login is kept: the refresh token may still work on the next try).

Token requests of one identity are paced: at most :data:`TOKEN_REQUEST_LIMIT` (5 a minute) per
process; beyond it the manager waits (Trustpilot answers 429 to refreshing too often), so even a
server that hands out tokens expiring at once cannot make the client request one per call.

Token answers (:func:`parse_token_response`, Trustpilot's captured shape and older ones):
``expires_in`` is a string or a number; a missing, non-numeric, NaN, zero or negative lifetime
counts as missing (:data:`FALLBACK_LIFETIME`), a huge one is cut to :data:`MAX_TOKEN_LIFETIME`;
``issued_at`` is epoch seconds (milliseconds when above 10^12) and dates the lifetime when it is
plausible (not in the future, not older than the lifetime); ``refresh_token_expires_in`` (with
``refresh_token_issued_at``) dates the refresh token when present. A refresh answer without a
``refresh_token`` keeps the previous one (RFC 6749 §6 lets the server keep it), and the first
answer's ``app_enduser`` (the business user) and ``client_id`` (the api key: only its
fingerprint is kept) stand: a refresh omits them.
Each rotated refresh token is written to the file before the token is used, so no later refresh,
in this process or another, can start from a spent one.

Identities and files (:class:`TokenStore`): one JSON file per identity, named
``token-<group>-<who>.json``: ``<group>`` fingerprints the api host, the api key and the grant,
``<who>`` the identity within it:

- password grant: the username (case-folded);
- client credentials: the api client itself (the api key, already in the group);
- authorization code: the business user the token answer names (``app_enduser``, kept from the
  first answer), or, when the server names none, a random id made at that login. The identity
  is unknown before the login, so :meth:`TokenManager.login_with_code` writes the file under the
  identity the answer gives. A new session (a kernel restart) resumes the login of
  ``business_user_id`` (``TPNB_BUSINESS_USER_ID``) when that is set; otherwise the one
  authorization-code login stored for this api key, and when several business users have
  logged in with it, none: a private call then raises an AuthError asking to choose one with
  ``business_user_id`` or to log in again. Two business users on one machine and api key thus
  never share a file, and a renewal only ever reads its own identity's file.

Files are mode 0600 in a 0700 directory (the user state directory by default), written atomically
(temp file + ``os.replace``), with a file lock per identity for processes refreshing at once. A
file holds the access and refresh tokens, their expiry, the business user id and a fingerprint of
the api key; never the api key, the secret or the password. A token whose business user or api
key differs from the session's is never adopted, wherever it was found.

After a 401 or 403 on a token thought valid, :meth:`TokenManager.renew_after_refusal` runs steps
2-4 once, unless another thread or process already replaced that token; a 403 that a fresh token
also gets is not renewed again.
"""

from __future__ import annotations

import json
import logging
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import filelock
import platformdirs
import requests

from tpnb.config import Settings
from tpnb.errors import AuthError, TransportError, server_message
from tpnb.files import write_private
from tpnb.http.cachepolicy import fingerprint

__all__ = [
    "FALLBACK_LIFETIME",
    "MAX_TOKEN_LIFETIME",
    "TOKEN_PATH",
    "TOKEN_REQUEST_LIMIT",
    "AnswerLost",
    "TokenManager",
    "TokenStore",
    "default_token_dir",
    "parse_token_response",
]

logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/oauth-business-users-for-applications"
#: Lifetime assumed when a token answer has no usable expires_in (conservative: an hour).
FALLBACK_LIFETIME = 3600.0
#: Longest lifetime believed (a year); Trustpilot's access tokens live 100 hours.
MAX_TOKEN_LIFETIME = 365 * 86400.0
#: At most this many token requests (logins and refreshes) per client (TokenManager), per window
#: of seconds: Trustpilot answers 429 to refreshing too often, without saying how often is too
#: often; five a minute keeps far below any plausible limit and far above a normal need (one
#: refresh per 100 hours).
TOKEN_REQUEST_LIMIT: tuple[int, float] = (5, 60.0)
#: ``issued_at`` values above this are milliseconds (10^12 seconds is the year 33658).
_MILLISECONDS_ABOVE = 1e12
#: Token answer fields naming the business user (Apigee's ``app_enduser`` first).
_USER_FIELDS = ("app_enduser", "business_user_id", "businessUserId")


class PostForm(Protocol):
    """Sends a form POST to a token endpoint; ``replayable`` allows retries (see Connection)."""

    def __call__(
        self, url: str, form: Mapping[str, str], *, replayable: bool = False
    ) -> requests.Response: ...


class AnswerLost(AuthError):
    """The token endpoint's answer did not arrive whole (5xx/429 after retries, a cut or
    non-JSON body, a dropped connection): the request may or may not have been processed."""


def _seconds(raw: Any) -> float | None:
    """A positive, finite number of seconds from a string or number field, else None."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return None
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def _epoch(raw: Any) -> float | None:
    """An epoch time in seconds from ``issued_at``-style fields (milliseconds when > 10^12)."""
    value = _seconds(raw)
    if value is None:
        return None
    return value / 1000.0 if value > _MILLISECONDS_ABOVE else value


def _dated(received: float, issued: float | None, lifetime: float) -> float:
    """When a lifetime that started at ``issued`` ends: ``issued`` is trusted when it is not in
    the future and not older than the lifetime (else a clock apart or a wrong unit: the time
    the answer was received stands)."""
    start = issued if issued is not None and received - lifetime < issued <= received else received
    return start + lifetime


def _token_text(raw: Any) -> str | None:
    """A token string (visible ASCII, as HTTP headers carry it), else None."""
    if isinstance(raw, str) and raw and raw.isascii() and raw.isprintable() and " " not in raw:
        return raw
    return None


def parse_token_response(
    body: Any,
    *,
    grant: str,
    now: float | None = None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Normalise a token endpoint answer (the rules are in the module docstring).

    Args:
        body: The decoded JSON answer.
        grant: The grant the token belongs to (a refresh keeps the original grant).
        now: When the answer was received (default: now).
        previous: For a refresh, the token it replaces: its refresh token stands when the
            answer has none, and its business user and client id are kept.

    Raises:
        AuthError: The body is not a token, or a refresh answer names another business user.
    """
    if not isinstance(body, dict) or _token_text(body.get("access_token")) is None:
        raise AuthError(
            f"the token endpoint answered without a usable access_token ({grant} grant)"
        )
    received = time.time() if now is None else now
    lifetime = min(_seconds(body.get("expires_in")) or FALLBACK_LIFETIME, MAX_TOKEN_LIFETIME)
    issued = _epoch(body.get("issued_at"))
    token: dict[str, Any] = {
        "access_token": body["access_token"],
        "refresh_token": _token_text(body.get("refresh_token")),
        "expires_at": _dated(received, issued, lifetime),
        "lifetime": lifetime,
        "grant": grant,
        "saved_at": received,
    }
    refresh_lifetime = _seconds(body.get("refresh_token_expires_in"))
    if token["refresh_token"] and refresh_lifetime is not None:
        refresh_issued = _epoch(body.get("refresh_token_issued_at")) or issued
        refresh_lifetime = min(refresh_lifetime, 10 * MAX_TOKEN_LIFETIME)
        token["refresh_expires_at"] = _dated(received, refresh_issued, refresh_lifetime)
    user = next((body[n] for n in _USER_FIELDS if isinstance(body.get(n), str) and body[n]), None)
    if user is not None:
        token["business_user_id"] = user
    if isinstance(body.get("client_id"), str) and body["client_id"]:
        # the api key itself: only its fingerprint is kept (a token file never holds the key)
        token["client_fingerprint"] = fingerprint("client", body["client_id"])
    if previous is not None:
        if token["refresh_token"] is None and previous.get("refresh_token"):
            token["refresh_token"] = previous["refresh_token"]  # RFC 6749 §6: the old one stands
            if previous.get("refresh_expires_at") is not None:
                token["refresh_expires_at"] = previous["refresh_expires_at"]
        known = previous.get("business_user_id")
        if known and user and user != known:
            raise AuthError(
                "the token refresh answered for another business user than the login's; the "
                "answer was not used. Log in again"
            )
        for carried in ("business_user_id", "client_fingerprint", "login_id"):
            if previous.get(carried):
                token[carried] = previous[carried]  # the first answer's values stand
    return token


class TokenManager:
    """Gets, reuses, refreshes and revokes the tokens of one identity.

    Args:
        settings: Credentials and URLs.
        post_form: Sends a form POST to the token endpoints with the client's Basic auth.
        store: Where tokens persist.
        on_request: Called once per token endpoint request (for ``stats.token_requests``).
        sleep: Waits when token requests would come faster than :data:`TOKEN_REQUEST_LIMIT`.
        clock: The time (epoch seconds); tests pass a fake one.
    """

    def __init__(
        self,
        settings: Settings,
        post_form: PostForm,
        store: TokenStore,
        *,
        on_request: Callable[[], None] = lambda: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._post_form = post_form
        self.store = store
        self._on_request = on_request
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.RLock()
        self._token: dict[str, Any] | None = None
        #: the access token obtained after a 403; a 403 to it again is not renewed again
        self._renewed_after_403: str | None = None
        self._requested: deque[float] = deque()
        #: who the authorization-code login is (``business-user:<id>`` or ``login:<id>``);
        #: None before a login, or when several stored logins leave it open
        self._code_identity: str | None = None
        self._code_logins = 0  # stored authorization-code logins seen at start (for messages)
        self.grant = self._initial_grant()
        self.partition = self._partition(None)

    # ------------------------------------------------------------------ identity
    def _group(self, grant: str) -> str:
        """The fingerprint of api host, api key and grant: the first part of a file's key."""
        return fingerprint(self.settings.base_url, self.settings.api_key or "", grant)

    def _initial_grant(self) -> str:
        if self.settings.username:
            return "password"
        group = self._group("authorization_code")
        wanted = self.settings.business_user_id
        if wanted:
            identity = f"business-user:{wanted}"
            if self.store.read(f"{group}-{fingerprint(identity)}") is not None:
                self._code_identity = identity
                return "authorization_code"
            return "client_credentials"
        stored = [
            token for token in (self.store.read(key) for key in self.store.keys(group)) if token
        ]
        self._code_logins = len(stored)
        if len(stored) == 1:
            self._code_identity = _code_identity(stored[0])
            logger.info(
                "tpnb: resuming the stored authorization-code login%s",
                f" of business user {stored[0]['business_user_id']}"
                if stored[0].get("business_user_id")
                else "",
            )
        return "authorization_code" if stored else "client_credentials"

    def _identity(self) -> str:
        """Who the current grant's token belongs to (see the module docstring)."""
        if self.grant == "password":
            return "user:" + (self.settings.username or "").casefold()
        if self.grant == "client_credentials":
            return "client"
        if self._code_identity is None:
            raise AuthError(
                f"{self._code_logins} business users have logged in with this api key on this "
                "machine (authorization code), so tpnb does not guess whose login to use: set "
                "business_user_id=... (or TPNB_BUSINESS_USER_ID) to the business user's id, or "
                "log in again: tp.login_with_code(code, redirect_uri) after opening "
                "tp.authorization_url(redirect_uri)"
            )
        return self._code_identity

    def _key(self) -> str:
        """The token file key of the current identity: ``<group>-<who>``."""
        return f"{self._group(self.grant)}-{fingerprint(self._identity())}"

    @property
    def token_path(self) -> Path:
        """The token file of the current identity."""
        return self.store.path(self._key())

    def _partition(self, token: Mapping[str, Any] | None) -> str:
        """The cache partition of private calls: stable across refreshes, never a token."""
        user_id = self.settings.business_user_id or (token or {}).get("business_user_id")
        if user_id:
            return fingerprint("business-user", str(user_id))
        if self.grant == "password":
            return fingerprint("username", self.settings.username or "")
        if token and token.get("login_id"):
            return fingerprint("login", str(token["login_id"]))
        if self.grant == "authorization_code" and self._code_identity:
            return fingerprint("login", self._code_identity)
        return fingerprint("client", self.settings.api_key or "")

    @property
    def business_user_id(self) -> str | None:
        """The business user's id when known (settings or token response)."""
        return self.settings.business_user_id or (self._token or {}).get("business_user_id")

    def secrets(self) -> tuple[str, ...]:
        """Token values currently held (for redaction)."""
        token = self._token or {}
        return tuple(t for t in (token.get("access_token"), token.get("refresh_token")) if t)

    # ------------------------------------------------------------------ validity
    def _valid(self, token: Mapping[str, Any] | None) -> bool:
        if not token:
            return False
        skew = min(self.settings.token_refresh_skew, 0.1 * float(token.get("lifetime", 0.0)))
        return float(token.get("expires_at", 0.0)) - skew > self._clock()

    def _ours(self, token: Mapping[str, Any] | None) -> bool:
        """False for a token of another business user, or another api client, than this
        session's (never adopted)."""
        if not token:
            return False
        client = token.get("client_fingerprint")
        if client and client != fingerprint("client", self.settings.api_key or ""):
            return False
        known: str | None = None
        if self.grant == "authorization_code" and self._code_identity:
            prefix = "business-user:"  # (a login:<id> identity names no business user)
            if self._code_identity.startswith(prefix):
                known = self._code_identity[len(prefix) :]
        else:  # password: the business user this session's first token named
            known = (self._token or {}).get("business_user_id")
        theirs = token.get("business_user_id")
        return not (known and theirs and theirs != known)

    def _adopt(self, token: dict[str, Any]) -> str:
        self._token = token
        self.partition = self._partition(token)
        return str(token["access_token"])

    # ------------------------------------------------------------------ public
    def bearer(self) -> str:
        """A valid access token, from memory, the token file, a refresh or a new grant."""
        token = self._token
        if self._valid(token):
            return str(token["access_token"])  # type: ignore[index]
        with self._lock:
            if self._valid(self._token):
                return str(self._token["access_token"])  # type: ignore[index]
            return self._renew(failed=None)

    def renew_after_refusal(self, failed: str, status: int) -> str | None:
        """A replacement for ``failed``, an access token the server refused, or None.

        Called after a 401 or a 403 to a private call (Trustpilot: re-authenticate once, then
        raise). A 401 always earns a renewal (once per call). A 403 earns one only while the
        refused token is not itself the answer to an earlier 403: a 403 that survives a fresh
        token is about permission, not the token, and renewing again would spend a token
        request (5 a minute) on every later call that is refused the same way.
        """
        with self._lock:
            current = self._token
            if status == 403 and failed == self._renewed_after_403:
                return None
            if current and current["access_token"] != failed and self._valid(current):
                return str(current["access_token"])
            fresh = self._renew(failed=failed)
            if status == 403:
                self._renewed_after_403 = fresh
            return fresh

    def _renew(self, failed: str | None) -> str:
        key = self._key()
        with self.store.lock(key):
            stored = self.store.read(key)
            if stored is not None and not self._ours(stored):
                logger.warning(
                    "tpnb: the token file %s holds another business user's token; ignored",
                    self.store.path(key),
                )
                stored = None
            if stored and stored["access_token"] != failed and self._valid(stored):
                logger.debug("tpnb: reusing the stored %s token", self.grant)
                return self._adopt(stored)
            # the newer of file and memory: memory is newer only when writing the file failed
            held = [token for token in (stored, self._token) if token]
            base = max(held, key=lambda t: float(t.get("saved_at", 0.0))) if held else None
            new: dict[str, Any] | None = None
            refresh_error: AuthError | None = None
            if base and base.get("refresh_token"):
                if float(base.get("refresh_expires_at") or math.inf) <= self._clock():
                    refresh_error = AuthError("the refresh token has expired")
                else:
                    try:
                        new = self._refresh(base)
                    except AuthError as error:
                        refresh_error = error
                        logger.info("tpnb: token refresh failed (%s)", type(error).__name__)
            if new is None:
                if self.grant == "authorization_code" or not self.settings.can_login:
                    if isinstance(refresh_error, AnswerLost):
                        raise AuthError(
                            f"the token refresh got no usable answer ({refresh_error}); the "
                            "stored login was kept and the next call tries again. If it keeps "
                            "failing, log in again: tp.login_with_code(code, redirect_uri) after "
                            "opening tp.authorization_url(redirect_uri)"
                        )
                    self.store.delete(key)
                    self._token = None
                    raise AuthError(
                        "the stored login can no longer be renewed"
                        + (f" ({refresh_error})" if refresh_error else "")
                        + "; log in again: tp.login_with_code(code, redirect_uri) after opening "
                        "tp.authorization_url(redirect_uri), or set TRUSTPILOT_USERNAME and "
                        "TRUSTPILOT_PASSWORD"
                    )
                new = self._grant_new()
            # adopted, then written before the token is handed out: the next refresh, here or
            # in another process, starts from this rotated refresh token
            self._adopt(new)
            self.store.write(key, new)
            return str(new["access_token"])

    def login_with_code(self, code: str, redirect_uri: str) -> None:
        """Exchange an authorization code (from the authorize redirect) for tokens and store them
        under the identity the answer names (see the module docstring).

        Raises:
            AuthError: The exchange failed, or the login is another business user's than the
                ``business_user_id`` setting names (the new tokens are then revoked).
        """
        if not code or not redirect_uri:
            raise AuthError("login_with_code needs the code and the exact redirect_uri used")
        with self._lock:
            token = self._request(
                "accesstoken",
                {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
                grant="authorization_code",
            )
            token["login_id"] = secrets.token_hex(16)
            user = token.get("business_user_id")
            wanted = self.settings.business_user_id
            if wanted and user and user != wanted:
                for value in (token.get("refresh_token"), token["access_token"]):
                    if value:
                        self._revoke(value)
                raise AuthError(
                    f"this login is business user {user}'s, but business_user_id is set to "
                    f"{wanted}; log in as that user, or change business_user_id"
                )
            self.grant = "authorization_code"
            self._code_identity = f"business-user:{user}" if user else f"login:{token['login_id']}"
            key = self._key()
            with self.store.lock(key):
                self._adopt(token)
                self.store.write(key, token)

    def logout(self) -> bool:
        """Revoke the tokens at the server and delete the token file.

        Returns:
            True when every revocation the server was asked for succeeded.
        """
        with self._lock:
            key = self._key()
            with self.store.lock(key):
                token = self.store.read(key) or self._token or {}
                ok = True
                for value in (token.get("refresh_token"), token.get("access_token")):
                    if value:
                        ok = self._revoke(value) and ok
                self.store.delete(key)
                self._token = None
            return ok

    # ------------------------------------------------------------------ HTTP
    def _grant_new(self) -> dict[str, Any]:
        form = {"grant_type": self.grant}
        if self.grant == "password":
            form.update(
                username=self.settings.username or "", password=self.settings.password or ""
            )
        return self._request("accesstoken", form, grant=self.grant, replayable=True)

    def _refresh(self, token: Mapping[str, Any]) -> dict[str, Any]:
        """One refresh POST, never repeated (the refresh token works once)."""
        return self._request(
            "refresh",
            {"grant_type": "refresh_token", "refresh_token": str(token["refresh_token"])},
            grant=str(token.get("grant", self.grant)),
            previous=token,
        )

    def _revoke(self, value: str) -> bool:
        self._on_request()
        try:
            response = self._post_form(self._url("revoke"), {"token": value}, replayable=True)
        except Exception as error:  # logout must still delete the file
            logger.info("tpnb: token revocation failed: %s", type(error).__name__)
            return False
        if response.status_code >= 400:
            logger.info("tpnb: token revocation answered HTTP %s", response.status_code)
        return response.status_code < 400

    def _url(self, endpoint: str) -> str:
        return f"{self.settings.base_url}{TOKEN_PATH}/{endpoint}"

    def _pace(self) -> None:
        """Wait until one more token request stays within :data:`TOKEN_REQUEST_LIMIT`."""
        count, window = TOKEN_REQUEST_LIMIT
        now = self._clock()
        while self._requested and not now - window < self._requested[0] <= now:
            self._requested.popleft()  # out of the window (or the clock went back)
        if len(self._requested) >= count:
            wait = min(window, self._requested[0] + window - now)
            logger.warning(
                "tpnb: %d token requests in the last %.0f s; waiting %.1f s before the next "
                "(the API answers 429 to refreshing too often)",
                len(self._requested), window, wait,
            )  # fmt: skip
            self._sleep(wait)
            self._requested.popleft()
        self._requested.append(self._clock())

    def _request(
        self,
        endpoint: str,
        form: Mapping[str, str],
        *,
        grant: str,
        replayable: bool = False,
        previous: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """POST one token request; :class:`AnswerLost` when no usable answer came back.

        Errors are raised outside the ``except`` clauses: a chained transport or JSON error
        would keep the request's form body (a password, a refresh token) or the answer's.
        """
        self._pace()
        self._on_request()
        what = "refreshing the token" if endpoint == "refresh" else f"the {grant} login"
        lost: str | None = None
        try:
            response = self._post_form(self._url(endpoint), form, replayable=replayable)
        except TransportError as error:
            lost = f"{what} failed: {error}"
        if lost is not None:
            raise AnswerLost(lost)
        hidden = (*self.settings.secrets(), *form.values(), *self.secrets())
        status = response.status_code
        if status != 200:
            hint = {
                "password": "check TRUSTPILOT_USERNAME / TRUSTPILOT_PASSWORD",
                "client_credentials": "check TRUSTPILOT_API_KEY / TRUSTPILOT_API_SECRET",
            }.get(grant, "log in again with tp.login_with_code(...)")
            failed = status == 429 or status >= 500
            raise (AnswerLost if failed else AuthError)(
                f"{what} failed: HTTP {status}: {server_message(response, hidden)} "
                f"({'the token endpoint failed; try again later' if failed else hint})"
            )
        body: Any = None
        try:
            body = response.json()
        except ValueError:
            lost = f"{what} failed: the token endpoint answered non-JSON"
        if lost is not None:
            raise AnswerLost(lost)
        return parse_token_response(body, grant=grant, now=self._clock(), previous=previous)


def _code_identity(token: Mapping[str, Any]) -> str:
    """The identity of a stored authorization-code login (see the module docstring)."""
    if token.get("business_user_id"):
        return f"business-user:{token['business_user_id']}"
    return f"login:{token.get('login_id', '')}"


LOCK_TIMEOUT = 120.0


def default_token_dir() -> Path:
    """``<user state dir>/tpnb/tokens`` (e.g. ``~/.local/state/tpnb/tokens``)."""
    return Path(platformdirs.user_state_dir("tpnb", appauthor=False)) / "tokens"


class TokenStore:
    """Token files, one per identity key, in a private directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _ensure_dir(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)

    def path(self, key: str) -> Path:
        """The token file of an identity key."""
        return self.directory / f"token-{key}.json"

    def keys(self, group: str) -> list[str]:
        """The keys of the files whose key starts with ``<group>-`` (one grant's identities)."""
        if not self.directory.is_dir():
            return []
        prefix, suffix = f"token-{group}-", ".json"
        return sorted(
            path.name[len("token-") : -len(suffix)]
            for path in self.directory.glob(f"{prefix}*{suffix}")
        )

    def lock(self, key: str) -> filelock.FileLock:
        """An inter-process lock for one identity's token file."""
        self._ensure_dir()
        return filelock.FileLock(
            str(self.directory / f"token-{key}.lock"), timeout=LOCK_TIMEOUT, mode=0o600
        )

    def read(self, key: str) -> dict[str, Any] | None:
        """The stored token, or None when absent or unreadable.

        A damaged file (cut short, not JSON, wrong field types) counts as absent: the caller logs
        in again and overwrites it; a warning names the file (never its content).
        """
        path = self.path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            logger.warning(
                "tpnb: the token file %s is unreadable (%s); logging in again",
                path, type(error).__name__,
            )  # fmt: skip
            return None
        if not _well_formed(data):
            logger.warning("tpnb: the token file %s is malformed; logging in again", path)
            return None
        return dict(data)

    def write(self, key: str, token: Mapping[str, Any]) -> None:
        """Write atomically: a 0600 temp file in the same directory, then ``os.replace``."""
        self._ensure_dir()
        write_private(self.path(key), json.dumps(dict(token)).encode("utf-8"))

    def delete(self, key: str) -> None:
        """Remove an identity's token file (and its lock file)."""
        self.path(key).unlink(missing_ok=True)
        (self.directory / f"token-{key}.lock").unlink(missing_ok=True)


def _well_formed(data: Any) -> bool:
    """True for a token file's content as :meth:`TokenStore.write` writes it."""
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return False
    if not data["access_token"] or not isinstance(data.get("refresh_token"), (str, type(None))):
        return False
    if not isinstance(data.get("business_user_id", ""), str):
        return False
    names = ("expires_at", "lifetime", "saved_at", "refresh_expires_at")
    numbers = [data[name] for name in names if data.get(name) is not None]
    return all(
        isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n)
        for n in numbers
    )
