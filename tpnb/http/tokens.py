"""OAuth tokens: a manager that refreshes exactly once, and the token files it shares with other processes.

Manager, order of operations for :meth:`TokenManager.bearer`:

1. the token in memory, if it is still valid ``skew`` seconds from now;
2. else, under the thread lock, and under a file lock on the identity's token file (another
   process may be refreshing), re-read the file: a valid token someone else wrote is adopted;
3. else refresh with the refresh token (they rotate: each works once), sent once and never
   retried: a lost answer may have used the refresh token up;
4. else (no refresh token, or it was refused, or its answer was lost) get a new token with the
   configured grant (password or client_credentials); these logins are retried with the
   connection's back-off on dropped connections, cut bodies, 429 and 5xx (each answer is a new
   token, so repeating is safe). An authorization-code login cannot be renewed this way, so an
   :class:`~tpnb.errors.AuthError` says how to log in again (when the refresh's answer was lost,
   the stored login is kept: the refresh token may still work on the next try).

Files (:class:`TokenStore`): one JSON file per identity (api host + api key + grant + user,
fingerprinted into the file name) in the user state directory: mode 0600 in a 0700 directory,
written atomically (temp file + ``os.replace``), with a file lock per identity for processes
refreshing at once. The file holds the access and refresh tokens and their expiry; never the api
key, the secret or the password.

After a 401 on a token thought valid, :meth:`TokenManager.renew_after_401` runs steps 2-4 once,
unless another thread or process already replaced that token.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import filelock
import platformdirs
import requests

from tpnb.config import Settings
from tpnb.errors import AuthError, TransportError, server_message
from tpnb.http.cachepolicy import fingerprint

__all__ = [
    "TOKEN_PATH",
    "AnswerLost",
    "TokenManager",
    "TokenStore",
    "default_token_dir",
    "parse_token_response",
]

logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/oauth-business-users-for-applications"
#: Lifetime assumed when a token response has no expires_in (conservative).
FALLBACK_LIFETIME = 3600.0


class PostForm(Protocol):
    """Sends a form POST to a token endpoint; ``replayable`` allows retries (see Connection)."""

    def __call__(
        self, url: str, form: Mapping[str, str], *, replayable: bool = False
    ) -> requests.Response: ...


class AnswerLost(AuthError):
    """The token endpoint's answer did not arrive whole (5xx/429 after retries, a cut or
    non-JSON body, a dropped connection): the request may or may not have been processed."""


def parse_token_response(body: Any, *, grant: str, now: float | None = None) -> dict[str, Any]:
    """Normalise a token endpoint answer; ``expires_in`` may be a string or a number.

    Raises:
        AuthError: The body is not a token.
    """
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise AuthError(f"the token endpoint answered without an access_token ({grant} grant)")
    received = time.time() if now is None else now
    raw = body.get("expires_in")
    try:
        lifetime = float(raw) if raw not in (None, "") else FALLBACK_LIFETIME
    except (TypeError, ValueError):
        lifetime = FALLBACK_LIFETIME
    token: dict[str, Any] = {
        "access_token": body["access_token"],
        "refresh_token": body.get("refresh_token") or None,
        "expires_at": received + lifetime,
        "lifetime": lifetime,
        "grant": grant,
        "saved_at": received,
    }
    for name in ("business_user_id", "businessUserId", "app_enduser"):  # Apigee: the end user
        if isinstance(body.get(name), str) and body[name]:
            token["business_user_id"] = body[name]
            break
    return token


class TokenManager:
    """Gets, reuses, refreshes and revokes the tokens of one identity.

    Args:
        settings: Credentials and URLs.
        post_form: Sends a form POST to the token endpoints with the client's Basic auth.
        store: Where tokens persist.
        on_request: Called once per token endpoint request (for ``stats.token_requests``).
    """

    def __init__(
        self,
        settings: Settings,
        post_form: PostForm,
        store: TokenStore,
        *,
        on_request: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self._post_form = post_form
        self.store = store
        self._on_request = on_request
        self._lock = threading.RLock()
        self._token: dict[str, Any] | None = None
        self.grant = self._initial_grant()
        self.partition = self._partition(None)

    # ------------------------------------------------------------------ identity
    def _initial_grant(self) -> str:
        if self.settings.username:
            return "password"
        if self.store.read(self._key("authorization_code")) is not None:
            return "authorization_code"
        return "client_credentials"

    def _key(self, grant: str | None = None) -> str:
        grant = grant or self.grant
        user = self.settings.username if grant == "password" else ""
        return fingerprint(self.settings.base_url, self.settings.api_key or "", grant, user or "")

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
        return float(token.get("expires_at", 0.0)) - skew > time.time()

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

    def renew_after_401(self, failed: str) -> str:
        """A replacement for ``failed``, an access token the server refused (once per call)."""
        with self._lock:
            current = self._token
            if current and current["access_token"] != failed and self._valid(current):
                return str(current["access_token"])
            return self._renew(failed=failed)

    def _renew(self, failed: str | None) -> str:
        key = self._key()
        with self.store.lock(key):
            stored = self.store.read(key)
            if stored and stored["access_token"] != failed and self._valid(stored):
                logger.debug("tpnb: reusing the stored %s token", self.grant)
                return self._adopt(stored)
            base = stored or self._token
            new: dict[str, Any] | None = None
            refresh_error: AuthError | None = None
            if base and base.get("refresh_token"):
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
            self.store.write(key, new)
            return self._adopt(new)

    def login_with_code(self, code: str, redirect_uri: str) -> None:
        """Exchange an authorization code (from the authorize redirect) for tokens and store them."""
        if not code or not redirect_uri:
            raise AuthError("login_with_code needs the code and the exact redirect_uri used")
        with self._lock:
            token = self._request(
                "accesstoken",
                {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
                grant="authorization_code",
            )
            token["login_id"] = secrets.token_hex(16)
            self.grant = "authorization_code"
            key = self._key()
            with self.store.lock(key):
                self.store.write(key, token)
            self._adopt(token)

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
        new = self._request(
            "refresh",
            {"grant_type": "refresh_token", "refresh_token": str(token["refresh_token"])},
            grant=str(token.get("grant", self.grant)),
        )
        for carried in ("login_id", "business_user_id"):
            if carried in token and carried not in new:
                new[carried] = token[carried]
        return new

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

    def _request(
        self, endpoint: str, form: Mapping[str, str], *, grant: str, replayable: bool = False
    ) -> dict[str, Any]:
        """POST one token request; :class:`AnswerLost` when no usable answer came back.

        Errors are raised outside the ``except`` clauses: a chained transport or JSON error
        would keep the request's form body (a password, a refresh token) or the answer's.
        """
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
            lost = status == 429 or status >= 500
            raise (AnswerLost if lost else AuthError)(
                f"{what} failed: HTTP {status}: {server_message(response, hidden)} "
                f"({'the token endpoint failed; try again later' if lost else hint})"
            )
        body: Any = None
        try:
            body = response.json()
        except ValueError:
            lost = f"{what} failed: the token endpoint answered non-JSON"
        if lost is not None:
            raise AnswerLost(lost)
        return parse_token_response(body, grant=grant)


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
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".token-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(dict(token), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

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
    numbers = (data.get(name, 0.0) for name in ("expires_at", "lifetime", "saved_at"))
    return all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers)
